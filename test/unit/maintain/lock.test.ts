import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LuckyError } from '../../../src/errors.js';
import { LOCK_FILE, acquireMaintenanceLock, parseLockOwner } from '../../../src/maintain/lock.js';
import { tempDir } from '../../helpers/cli.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));
function dir(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return t.dir;
}
const busy = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e instanceof LuckyError && e.code === 'E_BUSY';
  }
  return false;
};

describe('maintenance lock', () => {
  it('holds pid, host and start time, excludes a second holder and is released once', () => {
    const d = dir();
    const lock = acquireMaintenanceLock(d, { purpose: 'maintain', now: () => new Date('2025-01-02T03:04:05Z') });
    expect(parseLockOwner(readFileSync(join(d, LOCK_FILE), 'utf8'))).toEqual({
      pid: process.pid,
      host: hostname(),
      started_at: '2025-01-02T03:04:05.000Z',
      purpose: 'maintain',
    });
    expect(busy(() => acquireMaintenanceLock(d, { purpose: 'backup' }))).toBe(true);
    lock.release();
    lock.release();
    expect(existsSync(join(d, LOCK_FILE))).toBe(false);
    acquireMaintenanceLock(d, { purpose: 'again' }).release();
  });

  it('takes over a lock whose process is gone, with a warning', () => {
    const d = dir();
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(join(d, LOCK_FILE), JSON.stringify({ pid: dead, host: hostname(), started_at: '2020-01-01T00:00:00Z', purpose: 'maintain' }));
    const warnings: string[] = [];
    const lock = acquireMaintenanceLock(d, { purpose: 'maintain', onWarn: (m) => warnings.push(m) });
    expect(warnings.join()).toMatch(new RegExp(`stale maintenance lock left by pid ${dead}`));
    expect(parseLockOwner(readFileSync(join(d, LOCK_FILE), 'utf8'))?.pid).toBe(process.pid);
    lock.release();
  });

  it('a holder on another host cannot be checked, so it counts as alive', () => {
    const d = dir();
    writeFileSync(join(d, LOCK_FILE), JSON.stringify({ pid: 1, host: `not-${hostname()}`, started_at: '2020-01-01T00:00:00Z', purpose: 'maintain' }));
    expect(busy(() => acquireMaintenanceLock(d, { purpose: 'maintain' }))).toBe(true);
  });

  it('[12.4.1] an empty or garbled lock (a writer that died or a full disk) is stale at once, and a new lock is never half written', () => {
    const d = dir();
    const f = join(d, LOCK_FILE);
    for (const junk of ['', '{"pid":', 'garbage']) {
      writeFileSync(f, junk);
      const warnings: string[] = [];
      const lock = acquireMaintenanceLock(d, { purpose: 'maintain', onWarn: (m) => warnings.push(m) });
      expect(warnings.join(), JSON.stringify(junk)).toMatch(/empty or unreadable maintenance lock/);
      expect(parseLockOwner(readFileSync(f, 'utf8'))?.pid).toBe(process.pid);
      expect(statSync(f).mode & 0o777).toBe(0o600);
      lock.release();
    }
    // The temp file the lock is written through never stays behind.
    expect(readdirSync(d)).toEqual([]);
  });

  it('release never removes a lock that is no longer ours', () => {
    const d = dir();
    const lock = acquireMaintenanceLock(d, { purpose: 'maintain' });
    const other = JSON.stringify({ pid: process.pid, host: hostname(), started_at: '1999-01-01T00:00:00Z', purpose: 'someone else' });
    writeFileSync(join(d, LOCK_FILE), other);
    lock.release();
    expect(readFileSync(join(d, LOCK_FILE), 'utf8')).toBe(other);
  });
});
