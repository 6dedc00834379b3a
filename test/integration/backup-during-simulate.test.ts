// A backup taken while a simulate writes (in another process, as in production) must restore
// to a consistent state: every file passes its checks and the run holds a clean prefix of its
// contests, which `simulate --resume` completes to exactly the uninterrupted result.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, cli, tempDir } from '../helpers/cli.js';
import { makeDraws, seedDraws } from '../helpers/draws.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CONTESTS = 300;
/** enough tickets per contest that the simulate is still writing when the backup lands */
const TICKETS = 100;
let dir: string;
let recipe: string;
const cleanups: Array<() => void> = [];

beforeAll(async () => {
  const t = tempDir();
  cleanups.push(t.cleanup);
  dir = t.dir;
  seedDraws(dir, makeDraws(4001, 4400));
  recipe = join(dir, 'heavy.json');
  writeFileSync(recipe, JSON.stringify({ version: '2', name: 'heavy', strategy: 'random', tickets: TICKETS, numbers_per_ticket: 5, history: 50, seed: 3 }));
  // Load (and transform) the backup code now, so the backup below starts the moment it is asked.
  expect((await cli(['maintain', 'backup', scratch(), '--json'], { dataDir: dir })).code).toBe(0);
});
afterAll(() => cleanups.splice(0).forEach((c) => c()));

function scratch(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return t.dir;
}
const restore = (dataDir: string, ...args: string[]) => cli(['maintain', 'restore', ...args], { dataDir });

describe('backup during a running simulate', () => {
  it('restores to a consistent state: the run holds a clean prefix of its contests and resumes', async () => {
    const backups = scratch();
    // The simulate runs in its own process, as it would in production; the backup runs here
    // once 16 contests are written, while the simulate keeps writing.
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(ROOT, 'test/helpers/run-cli.ts'),
        'simulate',
        '--recipe',
        recipe,
        '--from',
        '4101',
        '--to',
        String(4100 + CONTESTS),
        '--threads',
        '2',
        '--ndjson',
      ],
      {
        env: { ...process.env, LUCKYFIVE_DATA_DIR: dir, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let runId = '';
    let seen = 0;
    let backupP: Promise<CliResult> | undefined;
    let tail = '';
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    child.stdout.on('data', (chunk: Buffer) => {
      const lines = (tail + chunk.toString()).split('\n');
      tail = lines.pop()!;
      for (const line of lines) {
        if (line.includes('"run_start"')) runId = JSON.parse(line).run_id;
        if (line.includes('"type":"contest"') && ++seen === 16) backupP = cli(['maintain', 'backup', backups, '--json'], { dataDir: dir });
      }
    });
    expect(await exited).toBe(0);
    expect(backupP).toBeDefined();
    const b = await backupP!;
    expect(b.code, b.stderr).toBe(0);

    const target = join(scratch(), 'data');
    mkdirSync(target);
    copyFileSync(join(dir, 'books.key'), join(target, 'books.key')); // the books key travels apart from backups
    const r = await restore(target, b.json().dir, '--json');
    expect(r.code, r.stderr).toBe(0);
    for (const f of [join(target, 'catalog.sqlite'), ...readdirSync(join(target, 'runs')).map((n) => join(target, 'runs', n))]) {
      const db = new Database(f, { readonly: true });
      expect(db.pragma('integrity_check', { simple: true }), f).toBe('ok');
      expect(db.pragma('foreign_key_check'), f).toEqual([]);
      db.close();
    }
    const read = (root: string) => {
      const db = new Database(join(root, 'runs', `${runId}.sqlite`), { readonly: true });
      const contests = db.prepare('SELECT * FROM contests ORDER BY contest').all() as Array<{ contest: number }>;
      const tickets = db.prepare('SELECT contest, COUNT(*) AS n FROM tickets GROUP BY contest ORDER BY contest').all() as Array<{ contest: number; n: number }>;
      const ledger = db.prepare('SELECT contest FROM ledger ORDER BY id').pluck().all();
      db.close();
      return { contests, tickets, ledger };
    };
    const restored = read(target);
    const full = read(dir);
    const n = restored.contests.length;
    expect(n).toBeGreaterThanOrEqual(16);
    expect(n).toBeLessThanOrEqual(CONTESTS);
    expect(full.contests).toHaveLength(CONTESTS);
    if (process.env.SHOW_PLANS) console.info(`backup caught ${n} of ${CONTESTS} contests`);
    // a clean prefix: exactly the first n contests, each complete with its tickets and ledger row
    expect(restored.contests).toEqual(full.contests.slice(0, n));
    expect(restored.contests.map((c) => c.contest)).toEqual(Array.from({ length: n }, (_, i) => 4101 + i));
    expect(restored.tickets).toEqual(restored.contests.map((c) => ({ contest: c.contest, n: TICKETS })));
    expect(restored.ledger).toEqual(restored.contests.map((c) => c.contest));
    // the catalog caught the run mid-way: it is cancelled now and resumes to the same result
    expect(r.json().interrupted_runs).toEqual([runId]);
    const resumed = await cli(['simulate', '--resume', runId, '--json'], { dataDir: target });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(read(target)).toEqual(full);
  });
});
