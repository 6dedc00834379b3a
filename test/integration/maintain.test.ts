import { spawnSync } from 'node:child_process';
import { existsSync, openSync, rmSync, truncateSync, writeFileSync, writeSync, closeSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LOCK_FILE, acquireMaintenanceLock } from '../../src/maintain/lock.js';
import { cli } from '../helpers/cli.js';
import { copyDataDir, createDataDirWithRuns } from '../helpers/data-dir.js';

let base: string;
let baseCleanup: () => void;
let runA: string;
let runB: string;
const cleanups: Array<() => void> = [];

beforeAll(async () => {
  const made = await createDataDirWithRuns(2);
  base = made.dir;
  baseCleanup = made.cleanup;
  [runA, runB] = made.runIds as [string, string];
});
afterAll(() => baseCleanup());
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function fresh(): string {
  const c = copyDataDir(base);
  cleanups.push(c.cleanup);
  return c.dir;
}

const maintain = (dir: string, ...args: string[]) => cli(['maintain', ...args], { dataDir: dir });
const runFile = (dir: string, id: string) => join(dir, 'runs', `${id}.sqlite`);

/** Overwrites a whole page in the middle of the file (page 2 of 4 KiB pages) with junk. */
function corruptPage(file: string, page = 2): void {
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, (page - 1) * 4096);
  closeSync(fd);
}

describe('maintain', () => {
  it('checks and tidies the catalog and every run file, and releases its lock', async () => {
    const dir = fresh();
    const started = performance.now();
    const r = await maintain(dir, '--json');
    const wallMs = performance.now() - started;
    expect(r.code, r.stderr).toBe(0);
    const report = r.json();
    expect(report.ok).toBe(true);
    expect(report.files.map((f: { file: string }) => f.file)).toEqual(
      ['catalog.sqlite', `runs/${runA}.sqlite`, `runs/${runB}.sqlite`].sort((a, b) =>
        a === 'catalog.sqlite' ? -1 : b === 'catalog.sqlite' ? 1 : a.localeCompare(b),
      ),
    );
    for (const f of report.files) {
      expect(f).toMatchObject({
        status: 'ok',
        checks: { integrity: 'ok', foreign_keys: 'ok' },
        steps: { analyze: 'done', optimize: 'done', checkpoint: 'truncate' },
      });
      expect(f.bytes_before).toBeGreaterThan(0);
      expect(f.bytes_after).toBeGreaterThan(0);
      expect(Number.isInteger(f.duration_ms)).toBe(true);
    }
    // whole milliseconds of this run: each file's time is part of the total, which is part of the command's
    const perFile = report.files.reduce((sum: number, f: { duration_ms: number }) => sum + f.duration_ms, 0);
    expect(perFile).toBeLessThanOrEqual(report.duration_ms + report.files.length);
    expect(report.duration_ms).toBeLessThanOrEqual(Math.ceil(wallMs));
    expect(report.orphans).toEqual({ files_without_row: [], rows_without_file: [], unknown_files: [], interrupted_runs: [], repaired: [] });
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    // ANALYZE left statistics behind
    const db = new Database(join(dir, 'catalog.sqlite'), { readonly: true });
    expect(db.prepare("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'draws'").pluck().get() as number).toBeGreaterThan(0);
    db.close();
    const only = (await maintain(dir, '--only', 'catalog', '--json')).json();
    expect(only.files.map((f: { kind: string }) => f.kind)).toEqual(['catalog']);
    expect((await maintain(dir, '--only', 'runs', '--json')).json().files.map((f: { kind: string }) => f.kind)).toEqual(['run', 'run']);
    expect((await maintain(dir, '--only', 'nope')).code).toBe(2);
  });

  it('a corrupted run file is reported failed, the rest are still maintained, exit 4', async () => {
    const dir = fresh();
    corruptPage(runFile(dir, runA));
    const r = await maintain(dir, '--json');
    expect(r.code).toBe(4);
    const files = r.json().files as Array<{ file: string; status: string; checks: { integrity: unknown }; steps: Record<string, string>; error?: string }>;
    const bad = files.find((f) => f.file.includes(runA))!;
    expect(bad.status).toBe('failed');
    expect(bad.error).toBe('integrity_check found problems');
    expect(Array.isArray(bad.checks.integrity)).toBe(true);
    expect(bad.steps.analyze).toBe('not run');
    for (const f of files.filter((x) => x !== bad)) expect(f).toMatchObject({ status: 'ok', steps: { analyze: 'done', checkpoint: 'truncate' } });
    expect(r.json().ok).toBe(false);
    expect(r.stderr).toMatch(/1 file\(s\) failed/);
    // the human report says the same and exits the same
    const human = await maintain(dir);
    expect(human.code).toBe(4);
    expect(human.stdout).toMatch(/failed/);
  });

  it('a truncated run file is reported failed too', async () => {
    const dir = fresh();
    const f = runFile(dir, runB);
    truncateSync(f, Math.floor(statSync(f).size / 2));
    const r = await maintain(dir, '--json');
    expect(r.code).toBe(4);
    const files = r.json().files as Array<{ file: string; status: string }>;
    expect(files.filter((x) => x.status === 'failed').map((x) => x.file)).toEqual([`runs/${runB}.sqlite`]);
  });

  it('a second maintenance while one holds the lock exits 5; a stale lock is taken over', async () => {
    const dir = fresh();
    const lock = acquireMaintenanceLock(dir, { purpose: 'test' });
    try {
      const r = await maintain(dir, '--json');
      expect(r.code).toBe(5);
      expect(r.stderr).toContain(`pid ${process.pid}`);
      expect((await cli(['maintain', 'backup', join(dir, 'bk')], { dataDir: dir })).code).toBe(5);
    } finally {
      lock.release();
    }
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    // A lock left by a process that no longer exists.
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: dead, host: hostname(), started_at: '2020-01-01T00:00:00.000Z', purpose: 'maintain' }));
    const r = await maintain(dir, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/stale maintenance lock/);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('a file another process is writing is skipped, not failed; VACUUM leaves files in use alone', async () => {
    const dir = fresh();
    const writer = new Database(runFile(dir, runA));
    writer.exec('BEGIN IMMEDIATE');
    try {
      const r = await maintain(dir, '--json', '--vacuum');
      expect(r.code, r.stderr).toBe(0);
      const f = r.json().files.find((x: { file: string }) => x.file.includes(runA));
      expect(f.checks).toEqual({ integrity: 'ok', foreign_keys: 'ok' });
      expect(f.status).toBe('skipped');
      expect(f.steps.analyze).toBe('skipped: busy');
      expect(f.steps.vacuum).toBe('skipped: in use');
      expect(r.json().files.find((x: { file: string }) => x.file.includes(runB)).steps.vacuum).toBe('done');
    } finally {
      writer.exec('ROLLBACK');
      writer.close();
    }
  });

  it('--vacuum reports the bytes it gave back', async () => {
    const dir = fresh();
    const db = new Database(join(dir, 'catalog.sqlite'));
    const put = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
    db.transaction(() => {
      for (let i = 0; i < 500; i++) put.run(`junk-${i}`, 'x'.repeat(2000));
    })();
    db.exec("DELETE FROM meta WHERE key LIKE 'junk-%'");
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const r = await maintain(dir, '--json', '--vacuum', '--only', 'catalog');
    expect(r.code, r.stderr).toBe(0);
    const [f] = r.json().files;
    expect(f.steps.vacuum).toBe('done');
    expect(f.bytes_after).toBeLessThan(f.bytes_before - 500_000);
  });

  it('reports orphans both ways and --repair re-registers files and marks rows without a file failed', async () => {
    const dir = fresh();
    const db = new Database(join(dir, 'catalog.sqlite'));
    const rowB = db.prepare('SELECT * FROM runs WHERE run_id = ?').get(runB) as Record<string, unknown>;
    db.prepare('DELETE FROM runs WHERE run_id = ?').run(runB);
    db.close();
    rmSync(runFile(dir, runA));
    writeFileSync(join(dir, 'runs', 'notes.txt'), 'hello');
    const r = await maintain(dir, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().orphans).toEqual({
      files_without_row: [{ run_id: runB, file: `runs/${runB}.sqlite` }],
      rows_without_file: [{ run_id: runA, status: 'completed' }],
      unknown_files: ['runs/notes.txt'],
      interrupted_runs: [],
      repaired: [],
    });
    const human = await maintain(dir);
    expect(human.stderr).toMatch(/orphan file/);

    const fixed = await maintain(dir, '--repair', '--json');
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(fixed.json().orphans.repaired).toEqual([
      { run_id: runB, action: 'registered' },
      { run_id: runA, action: 'marked_failed' },
    ]);
    const list = (await cli(['runs', 'list', '--json'], { dataDir: dir })).json().runs as Array<Record<string, unknown>>;
    const a = list.find((x) => x.run_id === runA)!;
    const b = list.find((x) => x.run_id === runB)!;
    expect(a).toMatchObject({ status: 'failed', error: 'run file missing' });
    expect(b).toMatchObject({
      status: 'completed',
      contests_done: rowB.contests_done,
      tickets: rowB.tickets,
      mean_hits: rowB.mean_hits,
      roi_pct: rowB.roi_pct,
    });
    // nothing was deleted: the unknown file is still there, the re-registered file is in place
    expect(existsSync(join(dir, 'runs', 'notes.txt'))).toBe(true);
    expect(existsSync(runFile(dir, runB))).toBe(true);
    const again = (await maintain(dir, '--json')).json().orphans;
    expect(again.files_without_row).toEqual([]);
    expect(again.rows_without_file).toEqual([{ run_id: runA, status: 'failed' }]);
  });

  it('an orphan file that is damaged is left in place, not registered', async () => {
    const dir = fresh();
    const db = new Database(join(dir, 'catalog.sqlite'));
    db.prepare('DELETE FROM runs WHERE run_id = ?').run(runB);
    db.close();
    corruptPage(runFile(dir, runB));
    const r = await maintain(dir, '--repair', '--json');
    expect(r.code).toBe(4);
    const [rep] = r.json().orphans.repaired;
    expect(rep).toMatchObject({ run_id: runB, action: 'skipped' });
    expect(existsSync(runFile(dir, runB))).toBe(true);
  });

  it('a data dir without a catalog is not found (exit 3)', async () => {
    const { dir, cleanup } = copyDataDir(base);
    cleanups.push(cleanup);
    rmSync(join(dir, 'catalog.sqlite'));
    expect((await maintain(dir)).code).toBe(3);
  });
});
