// The operational records /metrics reads (src/store/ops-records.ts): written whole, private, and
// read back; anything that is not a record reads as none, so a scrape never fails on it.
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPS_DIR, readOpsRecord, writeOpsRecord } from '../../../src/store/ops-records.js';
import { tempDir } from '../../helpers/cli.js';
import { cleanupAfterEach } from '../../helpers/cleanups.js';

const cleanups = cleanupAfterEach();
function dataDir(): string {
  const t = tempDir('luckyfive-ops-');
  cleanups.push(t.cleanup);
  return t.dir;
}

describe('ops records', () => {
  it('[16.4.8] a record reads back as written, replaces the previous one whole, and is readable by its owner only', () => {
    const dir = dataDir();
    expect(readOpsRecord(dir, 'backup')).toBeUndefined();
    writeOpsRecord(dir, 'backup', { at: '2026-12-01T03:30:00.000Z', ok: true, detail: '/backups/luckyfive-backup-20261201-033000' });
    writeOpsRecord(dir, 'backup', { at: '2026-12-02T03:30:00.000Z', ok: true });
    writeOpsRecord(dir, 'ledger-check', { at: '2026-12-02T03:31:00.000Z', ok: false, detail: '2 problem(s)' });
    expect(readOpsRecord(dir, 'backup')).toEqual({ at: '2026-12-02T03:30:00.000Z', ok: true });
    expect(readOpsRecord(dir, 'ledger-check')).toEqual({ at: '2026-12-02T03:31:00.000Z', ok: false, detail: '2 problem(s)' });
    expect(readdirSync(join(dir, OPS_DIR)).sort()).toEqual(['backup.json', 'ledger-check.json']);
    expect(statSync(join(dir, OPS_DIR, 'backup.json')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, OPS_DIR)).mode & 0o777).toBe(0o700);
  });

  it('[16.4.8] a damaged or foreign file reads as no record', () => {
    const dir = dataDir();
    mkdirSync(join(dir, OPS_DIR));
    for (const text of ['{"at":"2026-12-02T03:30:00Z"', 'null', '[]', '{"at":"yesterday","ok":true}', '{"at":"2026-12-02T03:30:00Z","ok":"yes"}']) {
      writeFileSync(join(dir, OPS_DIR, 'backup.json'), text);
      expect(readOpsRecord(dir, 'backup'), text).toBeUndefined();
    }
  });

  it('[16.4.8] a data dir whose ops folder cannot be made throws (the caller warns), leaving nothing behind', () => {
    const dir = dataDir();
    writeFileSync(join(dir, OPS_DIR), 'a file where the folder goes');
    expect(() => writeOpsRecord(dir, 'backup', { at: '2026-12-02T03:30:00.000Z', ok: true })).toThrow();
    expect(readdirSync(dir)).toEqual([OPS_DIR]);
  });
});
