// A real full disk: a small tmpfs mounted for the test (CI runs as root on Linux). Without the
// right to mount, the tests skip with a message; under LUCKYFIVE_REQUIRE_SHARED=1 as root, a
// failed mount is a failure.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { makeDraws, seedDraws } from '../helpers/draws.js';

const root = mkdtempSync(join(tmpdir(), 'lf-diskfull-'));
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4m,mode=0700', 'tmpfs', root], { encoding: 'utf8', timeout: 10_000 });
const canMount = mounted.status === 0;
if (!canMount) {
  const isRoot = process.getuid?.() === 0;
  if (isRoot && process.env.LUCKYFIVE_REQUIRE_SHARED === '1') throw new Error(`cannot mount a tmpfs as root: ${mounted.stderr || mounted.error?.message}`);
  console.warn(
    `skipping the disk-full tests: cannot mount a small tmpfs (${(mounted.stderr || mounted.error?.message || '').trim()}); they need root on Linux`,
  );
}

const dataDir = join(root, 'data');
const filler = join(root, 'filler');
const env = { LUCKYFIVE_THREADS: '1', LUCKYFIVE_DISK_MIN_FREE_MB: '1' };

/** Fills the file system so that about `leaveBytes` stay free. */
function fillDisk(leaveBytes: number): void {
  rmSync(filler, { force: true });
  const s = statfsSync(root);
  const free = s.bavail * s.bsize;
  writeFileSync(filler, Buffer.alloc(Math.max(0, free - leaveBytes)));
  // tmpfs rounds to pages: top up to the last byte when asked for a full disk.
  if (leaveBytes === 0) {
    try {
      for (;;) writeFileSync(join(root, `filler-${Math.random()}`), Buffer.alloc(4096));
    } catch {
      // ENOSPC: full
    }
  }
}
function freeDisk(): void {
  for (const f of readdirSync(root)) if (f.startsWith('filler')) rmSync(join(root, f), { force: true });
}

beforeAll(() => {
  if (!canMount) return;
  mkdirSync(dataDir);
  seedDraws(dataDir, makeDraws(4001, 4400));
});
afterAll(() => {
  if (canMount) spawnSync('umount', [root], { timeout: 10_000 });
  rmSync(root, { recursive: true, force: true });
});

describe.skipIf(!canMount)('a full disk (tmpfs)', () => {
  it('[12.4.1] simulate on a full disk exits 8 with a message (no stack), the run ends failed, and resumes once there is room', async () => {
    const recipe = join(root, 'r.json');
    writeFileSync(recipe, JSON.stringify({ version: '2', name: 'big', strategy: 'random', tickets: 30, history: 30, seed: 3 }));
    // room for the run's index row (the runs table and its 15 indexes since catalog migration 11) but not its file
    fillDisk(256 * 1024);
    const r = await cli(['simulate', '--recipe', recipe, '--from', '4051', '--to', '4400', '--json'], { dataDir, env });
    expect(r.code, r.stderr).toBe(8);
    expect(r.stderr).toMatch(/disk is full/);
    expect(r.stderr).not.toMatch(/This is a bug|at .*\.ts:\d+/);
    freeDisk();
    const list = await cli(['runs', 'list', '--json'], { dataDir, env });
    const { runs } = list.json<{ runs: Array<{ run_id: string; status: string }> }>();
    expect(runs).toHaveLength(1);
    expect(runs[0]!.status).toBe('failed');
    const resumed = await cli(['simulate', '--resume', runs[0]!.run_id, '--json'], { dataDir, env });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.json().status).toBe('completed');
  });

  it('[12.4.1] maintain on a full disk exits 8 and leaves no empty lock behind; it works once there is room', async () => {
    fillDisk(0);
    const r = await cli(['maintain', '--json'], { dataDir, env });
    expect(r.code, r.stderr).toBe(8);
    expect(r.stderr).not.toMatch(/This is a bug/);
    expect(existsSync(join(dataDir, 'maintain.lock'))).toBe(false);
    expect(readdirSync(dataDir).filter((f) => f.startsWith('maintain.lock'))).toEqual([]);
    freeDisk();
    const ok = await cli(['maintain', '--json'], { dataDir, env });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.json().disk.status).toBe('ok');
  });
});
