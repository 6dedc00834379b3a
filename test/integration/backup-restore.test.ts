import { createHash } from 'node:crypto';
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { acquireMaintenanceLock } from '../../src/maintain/lock.js';
import { cli, tempDir } from '../helpers/cli.js';
import { copyDataDir, createDataDirWithRuns, hashTree } from '../helpers/data-dir.js';

let base: string;
let baseCleanup: () => void;
let runIds: string[];
/** one backup of `base`, taken once; tests that damage it work on copies */
let backup: string;
const cleanups: Array<() => void> = [];

beforeAll(async () => {
  ({ dir: base, cleanup: baseCleanup, runIds } = await createDataDirWithRuns(2));
  const t = tempDir('luckyfive-backups-');
  cleanups.push(t.cleanup);
  const r = await cli(['maintain', 'backup', t.dir, '--json'], { dataDir: base });
  if (r.code !== 0) throw new Error(r.stderr);
  backup = r.json().dir;
});
afterAll(() => {
  cleanups.splice(0).forEach((c) => c());
  baseCleanup();
});
const local: Array<() => void> = [];
afterEach(() => local.splice(0).forEach((c) => c()));

function scratch(prefix?: string): string {
  const t = tempDir(prefix);
  local.push(t.cleanup);
  return t.dir;
}
function copyOf(dir: string): string {
  const c = copyDataDir(dir);
  local.push(c.cleanup);
  return c.dir;
}

const restore = (dataDir: string, ...args: string[]) => cli(['maintain', 'restore', ...args], { dataDir });
const digest = async (dataDir: string) => (await cli(['maintain', 'digest', '--json'], { dataDir })).json();
const runsList = async (dataDir: string) => (await cli(['runs', 'list', '--json', '--limit', '0'], { dataDir })).json();
const manifestOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));

function flipByte(file: string, offset: number): void {
  const fd = openSync(file, 'r+');
  const b = Buffer.alloc(1);
  readSync(fd, b, 0, 1, offset);
  b[0] = b[0]! ^ 0xff;
  writeSync(fd, b, 0, 1, offset);
  closeSync(fd);
}

describe('maintain backup', () => {
  it('writes a timestamped folder with every file and a manifest that describes them', () => {
    expect(backup).toMatch(/luckyfive-backup-\d{8}-\d{6}$/);
    const m = manifestOf(backup);
    expect(m).toMatchObject({
      format: 'luckyfive-backup',
      format_version: 2,
      books_key_id: expect.stringMatching(/^[0-9a-f]{16}$/),
      hmac: expect.stringMatching(/^[0-9a-f]{64}$/),
      luckyfive_version: expect.any(String),
      excluded: [],
    });
    expect(m.files.map((f: { path: string }) => f.path)).toEqual(['catalog.sqlite', ...runIds.map((id) => `runs/${id}.sqlite`).sort()]);
    for (const f of m.files) {
      const bytes = readFileSync(join(backup, f.path));
      expect(f.bytes).toBe(bytes.length);
      expect(f.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(f.integrity).toBe('ok');
    }
    expect(m.files[0].tables.draws).toBe(400);
    expect(m.files[0].tables.runs).toBe(2);
    expect(m.files[1].tables).toMatchObject({ contests: 20, tickets: 100, ledger: 20, summary: 1 });
    // plain files: no WAL beside them, no half-written folder next to it
    expect(readdirSync(join(backup, 'runs')).every((n) => n.endsWith('.sqlite'))).toBe(true);
    expect(readdirSync(join(backup, '..')).filter((n) => n.endsWith('.partial'))).toEqual([]);
  });

  it('leaves a damaged run file out, says so and exits 4', async () => {
    const dir = copyOf(base);
    const fd = openSync(join(dir, 'runs', `${runIds[0]}.sqlite`), 'r+');
    writeSync(fd, Buffer.alloc(4096, 0x5a), 0, 4096, 4096);
    closeSync(fd);
    const r = await cli(['maintain', 'backup', scratch(), '--json'], { dataDir: dir });
    expect(r.code).toBe(4);
    const m = r.json().manifest;
    expect(m.files.map((f: { path: string }) => f.path)).toEqual(['catalog.sqlite', `runs/${runIds[1]}.sqlite`]);
    expect(m.excluded).toEqual([{ path: `runs/${runIds[0]}.sqlite`, reason: expect.any(String) }]);
  });
});

describe('maintain restore', () => {
  it('restores into an empty data dir with the same content as the source', async () => {
    const target = join(scratch(), 'data');
    // the books key travels apart from the backup: without it nothing is restored
    const keyless = await restore(target, backup, '--json');
    expect([keyless.code, keyless.stderr]).toEqual([4, expect.stringMatching(/no books key to verify the backup/)]);
    expect(existsSync(target)).toBe(false);
    mkdirSync(target);
    copyFileSync(join(base, 'books.key'), join(target, 'books.key'));
    const r = await restore(target, backup, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ files: 3, interrupted_runs: [] });
    expect(await digest(target)).toEqual(await digest(base));
    expect(await runsList(target)).toEqual(await runsList(base));
    const check = await cli(['maintain', '--json'], { dataDir: target });
    expect(check.code).toBe(0);
    expect(check.json().orphans.files_without_row).toEqual([]);
  });

  it('refuses a tampered or damaged backup and changes nothing', async () => {
    const current = copyOf(base);
    const before = hashTree(current);
    const cases: Array<[string, (dir: string) => void, RegExp]> = [
      ['a flipped byte in a run file', (d) => flipByte(join(d, 'runs', `${runIds[1]}.sqlite`), 5000), /SHA-256 differs/],
      [
        'an edited manifest hash',
        (d) => {
          const m = manifestOf(d);
          m.files[0].sha256 = '0'.repeat(64);
          writeFileSync(join(d, 'manifest.json'), JSON.stringify(m));
        },
        /manifest\.json does not verify under the books key/,
      ],
      [
        'a damaged file whose hash was recomputed',
        (d) => {
          const f = join(d, 'runs', `${runIds[0]}.sqlite`);
          const fd = openSync(f, 'r+');
          writeSync(fd, Buffer.alloc(4096, 0x5a), 0, 4096, 4096);
          closeSync(fd);
          const m = manifestOf(d);
          const entry = m.files.find((x: { path: string }) => x.path.includes(runIds[0]!));
          entry.sha256 = createHash('sha256').update(readFileSync(f)).digest('hex');
          writeFileSync(join(d, 'manifest.json'), JSON.stringify(m));
        },
        /does not verify under the books key/,
      ],
      ['a missing file', (d) => rmSync(join(d, 'runs', `${runIds[0]}.sqlite`)), /missing from the backup/],
      [
        'a path that leaves the folder',
        (d) => {
          const m = manifestOf(d);
          m.files[1].path = '../../etc/passwd';
          writeFileSync(join(d, 'manifest.json'), JSON.stringify(m));
        },
        /files\.1\.path/,
      ],
    ];
    for (const [name, damage, message] of cases) {
      const bad = copyOf(backup);
      damage(bad);
      const r = await restore(current, bad, '--json');
      expect(r.code, name).toBe(4);
      expect(r.stderr, name).toMatch(message);
      expect(r.stdout, name).toBe('');
      expect(hashTree(current), name).toEqual(before);
    }
    expect((await restore(current, scratch())).code).toBe(3);
  });

  it('sets the current data aside and --rollback brings it back', async () => {
    // current data differs from the backup: one run deleted since
    const current = copyOf(base);
    expect((await cli(['runs', 'delete', runIds[1]!], { dataDir: current })).code).toBe(0);
    const beforeDigest = await digest(current);
    expect(beforeDigest).not.toEqual(await digest(base));
    const r = await restore(current, backup, '--json');
    expect(r.code, r.stderr).toBe(0);
    const previous = r.json().previous as string;
    expect(previous).toContain('.restore-previous-');
    expect(existsSync(join(previous, 'runs', `${runIds[0]}.sqlite`))).toBe(true);
    expect(existsSync(join(previous, 'runs', `${runIds[1]}.sqlite`))).toBe(false);
    expect(await digest(current)).toEqual(await digest(base));

    const back = await restore(current, '--rollback', '--json');
    expect(back.code, back.stderr).toBe(0);
    expect(await digest(current)).toEqual(beforeDigest);
    expect(existsSync(previous)).toBe(false);
    expect(existsSync(join(back.json().set_aside, 'catalog.sqlite'))).toBe(true);
    // nothing more to roll back
    expect((await restore(current, '--rollback')).code).toBe(3);
    expect((await restore(current)).code).toBe(2);
  });

  it('refuses while a maintenance lock is held or a database is open elsewhere (exit 5)', async () => {
    const current = copyOf(base);
    const before = hashTree(current);
    const lock = acquireMaintenanceLock(current, { purpose: 'test' });
    try {
      expect((await restore(current, backup)).code).toBe(5);
      expect((await restore(current, '--rollback')).code).toBe(5);
    } finally {
      lock.release();
    }
    const open = new Database(join(current, 'runs', `${runIds[0]}.sqlite`));
    open.prepare('SELECT COUNT(*) FROM contests').get();
    try {
      const r = await restore(current, backup);
      expect(r.code).toBe(5);
      expect(r.stderr).toMatch(/in use/);
    } finally {
      open.close();
    }
    expect(hashTree(current)).toEqual(before);
  });
});
