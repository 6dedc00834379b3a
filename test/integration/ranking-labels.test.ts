// Rankings by lift over each run's own exact expectation, and runs on the synthetic sample labelled everywhere.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Catalog, openCatalog } from '../../src/store/catalog.js';
import { runFilePath } from '../../src/store/run-file.js';
import { cli, tempDir } from '../helpers/cli.js';
import { makeDraws, seedDraws } from '../helpers/draws.js';
import { type TestServer, startTestServer } from '../helpers/server.js';

/** An index row with chosen headline figures (no run file: lists and leaderboards read the index). */
function insertIndexRow(c: Catalog, run_id: string, k: number, mean_hits: number, synthetic = 0): void {
  const n = c.db.prepare('SELECT COUNT(*) FROM runs').pluck().get() as number;
  c.db
    .prepare(
      `INSERT INTO runs (run_id, name, recipe_hash, recipe_json, strategy, seed, numbers_per_ticket, tickets_per_contest, engine_version,
        first_contest, last_contest, status, contests_planned, contests_done, tickets, mean_hits, synthetic, file, created_at)
       VALUES (?, ?, ?, ?, 'random', 1, ?, 10, 'test', 4001, 4100, 'completed', 100, 100, 1000, ?, ?, 'runs/x.sqlite', ?)`,
    )
    .run(run_id, run_id, `hash-${run_id}`, JSON.stringify({ version: '2', name: run_id, strategy: 'random', numbers_per_ticket: k }), k, mean_hits, synthetic, `2025-01-01T00:00:0${n}.000Z`);
}

/** 7-number runs expect 0.4375 hits a ticket, 5-number runs 0.3125: raw mean hits put every k7 first. */
const ROWS: Array<[string, number, number, number]> = [
  ['run-k7-lucky', 7, 0.45, 0], // lift 1.029
  ['run-k5-skill', 5, 0.34, 1], // lift 1.088, synthetic
  ['run-k7-plain', 7, 0.4375, 0], // lift 1.000
  ['run-k5-poor', 5, 0.30, 0], // lift 0.960
];
const BY_LIFT = ['run-k5-skill', 'run-k7-lucky', 'run-k7-plain', 'run-k5-poor'];

describe('rankings by lift, synthetic labels', () => {
  const data = tempDir('luckyfive-rank-');
  let s: TestServer;
  beforeAll(async () => {
    const c = openCatalog(data.dir);
    for (const r of ROWS) insertIndexRow(c, ...r);
    c.close();
    s = await startTestServer();
    for (const r of ROWS) insertIndexRow(s.catalog, ...r);
  });
  afterAll(async () => {
    await s.close();
    data.cleanup();
  });

  it('[12.5.5] runs list --order-by mean_hits ranks by lift over each run\'s expectation, and says so', async () => {
    const r = await cli(['runs', 'list', '--order-by', 'mean_hits', '--desc', '--json'], { dataDir: data.dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().runs.map((x: any) => x.run_id)).toEqual(BY_LIFT);
    expect(r.json().ordered_by).toEqual({ column: 'mean_hits', by: 'lift' });
    const asc = await cli(['runs', 'list', '--order-by', 'mean_hits', '--asc', '--json'], { dataDir: data.dir });
    expect(asc.json().runs.map((x: any) => x.run_id)).toEqual([...BY_LIFT].reverse());
    const table = await cli(['runs', 'list', '--order-by', 'mean_hits'], { dataDir: data.dir });
    expect(table.stderr).toMatch(/ordered by lift/);
  });

  it('[12.5.5] the leaderboard ranks by lift and reports it; /leaderboard and /runs agree (pages too)', async () => {
    const board = (await cli(['leaderboard', '--json'], { dataDir: data.dir })).json();
    expect(board.ranked_by).toBe('lift');
    expect(board.rows.map((x: any) => x.run_id)).toEqual(BY_LIFT);
    expect(board.rows[0].lift).toBeCloseTo(0.34 / 0.3125, 10);
    expect((await cli(['leaderboard'], { dataDir: data.dir })).stdout).toMatch(/ranked by lift/);
    const api = (await s.get('/api/v1/leaderboard?metric=mean_hits', s.keys.viewer)).json();
    expect(api.rows.map((x: any) => x.run_id)).toEqual(BY_LIFT);
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = (await s.get(`/api/v1/runs?order_by=mean_hits&desc=true&limit=1${cursor ? `&cursor=${cursor}` : ''}`, s.keys.viewer)).json();
      ids.push(...page.items.map((x: any) => x.run_id));
      cursor = page.next_cursor;
    } while (cursor && ids.length < 10);
    expect(ids).toEqual(BY_LIFT);
  });

  it('[12.5.6] runs on the synthetic sample are labelled in runs list, leaderboard (table, JSON, CSV) and the API', async () => {
    const csv = (await cli(['runs', 'list', '--csv'], { dataDir: data.dir })).stdout.trim().split('\n');
    expect(csv[0]).toMatch(/,synthetic_data$/);
    expect(csv.find((l) => l.startsWith('run-k5-skill,'))).toMatch(/,true$/);
    expect(csv.find((l) => l.startsWith('run-k5-poor,'))).toMatch(/,false$/);
    const table = await cli(['runs', 'list'], { dataDir: data.dir });
    expect(table.stdout).toMatch(/run-k5-skill \(synthetic\)/);
    expect(table.stderr).toMatch(/1 of these runs ran on the SYNTHETIC sample/);
    const board = (await cli(['leaderboard', '--json'], { dataDir: data.dir })).json();
    expect(Object.fromEntries(board.rows.map((x: any) => [x.run_id, x.synthetic_data]))).toEqual({ 'run-k5-skill': true, 'run-k7-lucky': false, 'run-k7-plain': false, 'run-k5-poor': false });
    const boardCsv = (await cli(['leaderboard', '--csv'], { dataDir: data.dir })).stdout.trim().split('\n');
    expect(boardCsv[0]).toMatch(/,synthetic_data$/);
    expect(boardCsv[1]).toMatch(/^1,run-k5-skill,.*,true$/);
    expect((await cli(['leaderboard'], { dataDir: data.dir })).stdout).toMatch(/run-k5-skill \(synthetic\)[\s\S]*1 of these runs ran on the SYNTHETIC sample/);
    const api = (await s.get('/api/v1/leaderboard', s.keys.viewer)).json();
    expect(api.rows.find((x: any) => x.run_id === 'run-k5-skill').synthetic_data).toBe(true);
    expect((await s.get('/api/v1/runs', s.keys.viewer)).json().items.find((x: any) => x.run_id === 'run-k5-skill').synthetic_data).toBe(true);
  });
});

describe('compare refuses runs whose draws differ', () => {
  const data = tempDir('luckyfive-cmp-');
  const run = (args: string[]) => cli(args, { dataDir: data.dir });
  const ids: string[] = [];
  beforeAll(async () => {
    seedDraws(data.dir, makeDraws(4001, 4200));
    const file = join(data.dir, 'r.json');
    writeFileSync(file, JSON.stringify({ version: '2', name: 'r', strategy: 'random', tickets: 3, numbers_per_ticket: 5, history: 30, seed: 1 }));
    for (const seed of ['1', '2', '3']) {
      const r = await run(['simulate', '--recipe', file, '--from', '4171', '--to', '4200', '--seed', seed, '--threads', '1', '--json']);
      expect(r.code, r.stderr).toBe(0);
      ids.push(r.json().run_id as string);
    }
  });
  afterAll(() => data.cleanup());

  it('[12.5.6] compare labels the runs, refuses a synthetic run beside an official one, and refuses runs scored on different draws', async () => {
    const ok = await run(['compare', ids[0]!, ids[1]!, '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    // the test draws are flagged synthetic, as the bundled sample is
    expect(ok.json().runs.map((r: any) => r.synthetic_data)).toEqual([true, true]);
    expect((await run(['compare', ids[0]!, ids[1]!])).stdout).toMatch(/SYNTHETIC sample/);
    // one run as if made on the official results
    const cat = new Database(join(data.dir, 'catalog.sqlite'));
    cat.prepare('UPDATE runs SET synthetic = 0 WHERE run_id = ?').run(ids[1]);
    cat.close();
    const mixed = await run(['compare', ids[0]!, ids[1]!]);
    expect(mixed.code).toBe(4);
    expect(mixed.stderr).toMatch(/synthetic sample with runs on official results/);
    expect(mixed.stderr).toContain(`${ids[0]}: SYNTHETIC sample draws`);
    expect(mixed.stderr).toContain(`${ids[1]}: official results`);
    // a run whose shared contests were scored against other draws (re-imported in between)
    const rf = new Database(runFilePath(data.dir, ids[2]!));
    rf.prepare("UPDATE contests SET balls = '1 2 3 4 5' WHERE contest = 4180").run();
    rf.close();
    const differ = await run(['compare', ids[0]!, ids[2]!]);
    expect(differ.code).toBe(4);
    expect(differ.stderr).toMatch(/scored against different draws/);
    expect(differ.stderr).toMatch(/1 of 30 shared contests have different draws \(first: 4180\)/);
  });
});
