// Rankings by lift over each run's own exact expectation, and runs on the synthetic sample labelled everywhere.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIFT_METRICS, rankEntries } from '../../src/core/ranking.js';
import { METRIC_DOCS, type MetricName } from '../../src/core/metrics.js';
import { metricFigure, readRunMetrics } from '../../src/engine/run-metrics.js';
import { type Catalog, openCatalog } from '../../src/store/catalog.js';
import { CATALOG_MIGRATIONS } from '../../src/store/catalog-migrations/index.js';
import { runFilePath } from '../../src/store/run-file.js';
import { type RunRow, getRun, listRuns, refreshRunLifts, runOrderValue } from '../../src/store/runs-repo.js';
import { type Db, migrate, openDatabase } from '../../src/store/sqlite.js';
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
    .run(
      run_id,
      run_id,
      `hash-${run_id}`,
      JSON.stringify({ version: '2', name: run_id, strategy: 'random', numbers_per_ticket: k }),
      k,
      mean_hits,
      synthetic,
      `2025-01-01T00:00:0${n}.000Z`,
    );
  // the lifts lists order by, as the index row builder stores them
  refreshRunLifts(c.db, [run_id]);
}

/** 7-number runs expect 0.4375 hits a ticket, 5-number runs 0.3125: raw mean hits put every k7 first. */
const ROWS: Array<[string, number, number, number]> = [
  ['run-k7-lucky', 7, 0.45, 0], // lift 1.029
  ['run-k5-skill', 5, 0.34, 1], // lift 1.088, synthetic
  ['run-k7-plain', 7, 0.4375, 0], // lift 1.000
  ['run-k5-poor', 5, 0.3, 0], // lift 0.960
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

  it("[12.5.5] runs list --order-by mean_hits ranks by lift over each run's expectation, and says so", async () => {
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
    expect(Object.fromEntries(board.rows.map((x: any) => [x.run_id, x.synthetic_data]))).toEqual({
      'run-k5-skill': true,
      'run-k7-lucky': false,
      'run-k7-plain': false,
      'run-k5-poor': false,
    });
    const boardCsv = (await cli(['leaderboard', '--csv'], { dataDir: data.dir })).stdout.trim().split('\n');
    expect(boardCsv[0]).toMatch(/,synthetic_data$/);
    expect(boardCsv[1]).toMatch(/^1,run-k5-skill,.*,true$/);
    expect((await cli(['leaderboard'], { dataDir: data.dir })).stdout).toMatch(/run-k5-skill \(synthetic\)[\s\S]*1 of these runs ran on the SYNTHETIC sample/);
    const api = (await s.get('/api/v1/leaderboard', s.keys.viewer)).json();
    expect(api.rows.find((x: any) => x.run_id === 'run-k5-skill').synthetic_data).toBe(true);
    expect((await s.get('/api/v1/runs', s.keys.viewer)).json().items.find((x: any) => x.run_id === 'run-k5-skill').synthetic_data).toBe(true);
  });
});

/** A deterministic mix of 5-, 6- and 7-number runs: NULL figures, equal lifts, with and without best-of baselines. */
function insertMixedRows(db: Db, n: number): void {
  const ins = db.prepare(
    `INSERT INTO runs (run_id, recipe_hash, recipe_json, strategy, seed, numbers_per_ticket, tickets_per_contest, engine_version, first_contest, last_contest,
      status, contests_planned, contests_done, tickets, mean_hits, rate_2, rate_3, rate_4, rate_5, best_2plus, best_3plus, best_4plus, best_of_baseline, file, created_at)
     VALUES (@id, 'h', '{}', 'random', 1, @k, @t, 'e', 1, 100, @status, 100, 100, 1000, @mean, @r2, @r3, @r4, @r5, @b2, @b3, @b4, @bestOf, 'runs/x.sqlite', @at)`,
  );
  const expected = [0.3125, 0.375, 0.4375];
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const j = (i * 7919) % 97;
      const k = 5 + (i % 3);
      const nul = (x: number) => (i % 11 === 3 ? null : x);
      // every 13th run sits exactly on its expectation: lift 1, tied across ticket sizes
      const mean = i % 13 === 0 ? expected[k - 5]! : expected[k - 5]! * (0.9 + (j % 21) / 100);
      const bestOf =
        i % 4 === 0
          ? null
          : JSON.stringify({
              2: { expected: 0.2 + (j % 5) / 50, p_value: 0.5, null_model: 'exact' },
              3: { expected: 0.02 + (j % 7) / 500, p_value: 0.5, null_model: 'exact' },
              4: { expected: 0.001 * (1 + (j % 3)), p_value: 0.5, null_model: 'exact' },
            });
      ins.run({
        id: `mix-${String(i).padStart(4, '0')}`,
        k,
        t: 1 + (i % 5) * 3,
        status: i % 9 === 8 ? 'failed' : 'completed',
        mean: nul(mean),
        r2: nul(0.02 + (j % 13) / 1000),
        r3: nul((j % 5) / 1000),
        r4: i % 2 ? 0 : nul(0.0001),
        r5: 0,
        b2: nul(0.15 + (j % 17) / 100),
        b3: nul((j % 9) / 200),
        b4: i % 6 === 1 ? null : (j % 4) / 1000,
        bestOf,
        at: `2025-02-01T00:00:${String(i % 60).padStart(2, '0')}.${String(i).padStart(3, '0')}Z`,
      });
    }
  })();
}

describe('[12.5.5] the run list orders by stored lifts', () => {
  const data = tempDir('luckyfive-lift-');
  let c: Catalog;
  beforeAll(() => {
    c = openCatalog(data.dir);
    insertMixedRows(c.db, 300);
    refreshRunLifts(c.db);
  });
  afterAll(() => {
    c.close();
    data.cleanup();
  });

  it('[12.5.5] the order from SQL equals the JS ranking (5-, 6- and 7-number runs, NULL figures, ties), page by page', () => {
    const rows = c.db.prepare("SELECT * FROM runs WHERE status = 'completed'").all() as RunRow[];
    for (const metric of LIFT_METRICS as MetricName[]) {
      for (const desc of [true, false]) {
        // The JS ranking: each run's figure beside its own baseline (leaderboard, compare), ranked by lift.
        // Ties keep their input order, which is the list's run_id order in the same direction.
        const input = [...rows].sort((a, b) => (desc ? b.run_id.localeCompare(a.run_id) : a.run_id.localeCompare(b.run_id)));
        const entries = input.map((r) => ({ run_id: r.run_id, ...metricFigure(metric, readRunMetrics(c, r)) }));
        const js = rankEntries(entries, desc === METRIC_DOCS[metric].higher_is_better, 'lift').map((e) => e.run_id);
        const sql = listRuns(c.db, { status: 'completed', order_by: metric, desc }).map((r) => r.run_id);
        expect(sql, `${metric} ${desc ? 'desc' : 'asc'}`).toEqual(js);
        // keyset pages (the API's cursor: the lift and the run id) walk the same order
        const paged: string[] = [];
        let after: { value: number | string | null; run_id: string } | undefined;
        for (;;) {
          const page = listRuns(c.db, { status: 'completed', order_by: metric, desc, limit: 23, after });
          paged.push(...page.map((r) => r.run_id));
          if (page.length < 23) break;
          const last = page.at(-1)!;
          after = { value: runOrderValue(last, metric), run_id: last.run_id };
        }
        expect(paged, `${metric} ${desc ? 'desc' : 'asc'} by pages`).toEqual(js);
      }
    }
    // the mix really has NULL lifts and ties across ticket sizes
    expect(rows.filter((r) => r.lift_mean_hits === null).length).toBeGreaterThan(10);
    expect(new Set(rows.filter((r) => r.lift_mean_hits === 1).map((r) => r.numbers_per_ticket)).size).toBe(3);
  });

  it('[12.5.5] catalog migration 11 fills the lifts of runs indexed before it from their stored columns', () => {
    const old = tempDir('luckyfive-lift-old-');
    try {
      const db = openDatabase(join(old.dir, 'catalog.sqlite'));
      migrate(
        db,
        CATALOG_MIGRATIONS.filter((m) => m.version <= 10),
        'catalog',
      );
      insertMixedRows(db, 60);
      db.close();
      const migrated = openCatalog(old.dir);
      try {
        for (const id of ['mix-0000', 'mix-0001', 'mix-0003', 'mix-0005', 'mix-0014']) {
          const a = getRun(migrated.db, id)!;
          const b = getRun(c.db, id)!;
          for (const m of LIFT_METRICS) expect(a[`lift_${m}` as keyof RunRow], `${id} ${m}`).toBe(b[`lift_${m}` as keyof RunRow]);
        }
        expect(listRuns(migrated.db, { order_by: 'best_2plus', desc: true }).map((r) => r.run_id)).toEqual(
          listRuns(c.db, { order_by: 'best_2plus', desc: true })
            .filter((r) => r.run_id < 'mix-0060')
            .map((r) => r.run_id),
        );
      } finally {
        migrated.close();
      }
    } finally {
      old.cleanup();
    }
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
