// The queries the CLI and the server run most must read through an index, never scan a large
// table. Each query is run through the real repository function against a catalog with a
// realistic number of rows (after ANALYZE); its SQL and parameters are captured and given to
// EXPLAIN QUERY PLAN. Set SHOW_PLANS=1 to print every plan.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Catalog, openCatalog } from '../../src/store/catalog.js';
import { getDraw, listDraws, UPSERT_DRAW_SQL, drawToParams } from '../../src/store/draws-repo.js';
import { type RunFile, openRunFile, readContestPage } from '../../src/store/run-file.js';
import { getRun, listRuns, refreshRunLifts } from '../../src/store/runs-repo.js';
import { type Db, openDatabase } from '../../src/store/sqlite.js';
import { tempDir } from '../helpers/cli.js';
import { makeDraws } from '../helpers/draws.js';

/** Tables that grow without bound; a plain SCAN of one of them is a failure. */
const LARGE = new Set(['draws', 'runs', 'contests', 'tickets', 'ledger']);

let dir: string;
let cleanup: () => void;
let catalog: Catalog;
let run: RunFile;
let runDb: Db;

beforeAll(() => {
  ({ dir, cleanup } = tempDir());
  catalog = openCatalog(dir);
  const db = catalog.db;
  const up = db.prepare(UPSERT_DRAW_SQL);
  db.transaction(() => makeDraws(1, 6882).forEach((d) => up.run(drawToParams(d, null, '2025-01-01T00:00:00Z', null))))();
  const ins = db.prepare(`INSERT INTO runs (run_id, recipe_hash, recipe_json, strategy, seed, numbers_per_ticket, tickets_per_contest,
      engine_version, first_contest, last_contest, status, contests_planned, file, created_at, mean_hits, roi_pct, p_value)
    VALUES (?, ?, '{}', 'random', 1, 5, 5, 'e', 1, 100, ?, 100, ?, ?, ?, ?, ?)`);
  const statuses = ['completed', 'completed', 'completed', 'completed', 'completed', 'completed', 'failed', 'cancelled', 'running'];
  db.transaction(() => {
    for (let i = 0; i < 3000; i++) {
      const id = `20250101-${String(i).padStart(6, '0')}-abcdef`;
      const metric = i % 10 === 0 ? null : ((i * 7919) % 1000) / 1000;
      ins.run(
        id,
        ((i * 2654435761) % 2 ** 32).toString(16).padStart(8, '0').repeat(8),
        statuses[i % statuses.length],
        `runs/${id}.sqlite`,
        new Date(Date.UTC(2025, 0, 1) + i * 3_600_000).toISOString(),
        metric,
        metric === null ? null : metric * 100 - 50,
        metric,
      );
    }
  })();
  refreshRunLifts(db);
  db.exec('ANALYZE');
  run = openRunFile(join(dir, 'runs-probe.sqlite'));
  const write = run.resultWriter();
  const tickets = Array.from({ length: 10 }, () => ({ numbers: [1, 2, 3, 4, 5], score: 0, hits: 0 }));
  write(
    Array.from({ length: 2000 }, (_, i) => ({
      contest: 4001 + i,
      draw_date: '2020-01-01',
      balls: [1, 2, 3, 4, 5],
      tickets,
      best_hits: 0,
      best_ticket: 0,
      hits_histogram: [10, 0, 0, 0, 0, 0],
      cost_cents: 2000,
      prize_cents: 0,
      prize_estimated: false,
    })),
  );
  run.close();
  runDb = openDatabase(join(dir, 'runs-probe.sqlite'));
  runDb.exec('ANALYZE');
});

afterAll(() => {
  runDb?.close();
  catalog?.close();
  cleanup();
});

interface Captured {
  sql: string;
  params: unknown[];
}

/** A view of `db` that records the SQL and parameters of every statement it runs. */
function spy(db: Db, into: Captured[]): Db {
  const wrap = (stmt: object, sql: string): object =>
    new Proxy(stmt, {
      get(target, prop) {
        const v = Reflect.get(target, prop) as unknown;
        if (typeof v !== 'function') return v;
        if (prop === 'all' || prop === 'get' || prop === 'iterate' || prop === 'run') {
          return (...params: unknown[]) => {
            into.push({ sql, params });
            return (v as (...a: unknown[]) => unknown).apply(target, params);
          };
        }
        if (prop === 'pluck' || prop === 'raw' || prop === 'expand') return (...a: unknown[]) => wrap((v as (...x: unknown[]) => object).apply(target, a), sql);
        return (v as (...a: unknown[]) => unknown).bind(target);
      },
    });
  return new Proxy(db, {
    get(target, prop) {
      const v = Reflect.get(target, prop) as unknown;
      if (prop === 'prepare') return (sql: string) => wrap(target.prepare(sql), sql);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

function plan(db: Db, q: Captured): string[] {
  return (db.prepare(`EXPLAIN QUERY PLAN ${q.sql}`).all(...q.params) as Array<{ detail: string }>).map((r) => r.detail);
}

/** Plans of every statement `fn` runs on the catalog (or the given db). */
function plansOf(fn: (db: Db) => unknown, db: Db = catalog.db): string[][] {
  const captured: Captured[] = [];
  fn(spy(db, captured));
  expect(captured.length).toBeGreaterThan(0);
  return captured.map((q) => plan(db, q));
}

function fullScans(lines: string[]): string[] {
  return lines.filter((l) => {
    const m = /^SCAN (\w+)/.exec(l);
    return m !== null && LARGE.has(m[1]!) && !/USING (INDEX|COVERING INDEX|INTEGER PRIMARY KEY|PRIMARY KEY)/.test(l);
  });
}

const shown: string[] = [];
function check(name: string, plans: string[][], options: { noSort?: boolean } = {}): void {
  shown.push(`${name}\n${plans.map((p) => p.map((l) => `    ${l}`).join('\n')).join('\n    --\n')}`);
  for (const p of plans) {
    expect(fullScans(p), `${name}: ${p.join(' | ')}`).toEqual([]);
    if (options.noSort)
      expect(
        p.filter((l) => l.includes('TEMP B-TREE')),
        `${name}: ${p.join(' | ')}`,
      ).toEqual([]);
  }
}

describe('query plans of the common queries', () => {
  it('run lists by metric, date and status read an index in order (no sort step)', () => {
    check(
      'runs list --order-by roi_pct --desc',
      plansOf((db) => listRuns(db, { order_by: 'roi_pct', desc: true, limit: 50 })),
      { noSort: true },
    );
    check(
      'runs list (newest first)',
      plansOf((db) => listRuns(db, { limit: 50 })),
      { noSort: true },
    );
    check(
      'runs list --status failed',
      plansOf((db) => listRuns(db, { status: 'failed', limit: 50 })),
      { noSort: true },
    );
    check(
      'runs list --order-by created_at --asc --limit 50 --offset 1000',
      plansOf((db) => listRuns(db, { order_by: 'created_at', desc: false, limit: 50, offset: 1000 })),
      { noSort: true },
    );
  });

  it('the API pages run lists by keyset, through the same index and without a sort step', () => {
    const after = { value: 0.5, run_id: '20250101-000100-abcdef' };
    check(
      'GET /runs?order_by=roi_pct&desc=true&cursor=...',
      plansOf((db) => listRuns(db, { order_by: 'roi_pct', desc: true, limit: 51, after })),
      { noSort: true },
    );
    check(
      'GET /runs?order_by=roi_pct&cursor=... (past the NULLs)',
      plansOf((db) => listRuns(db, { order_by: 'roi_pct', desc: false, limit: 51, after: { value: null, run_id: after.run_id } })),
      { noSort: true },
    );
    check(
      'GET /runs?cursor=... (newest first)',
      plansOf((db) => listRuns(db, { limit: 51, after: { value: '2025-03-01T00:00:00.000Z', run_id: after.run_id } })),
      { noSort: true },
    );
    check(
      'the contests page of a run file',
      plansOf((db) => readContestPage(db, { after: 4500, minHits: 0, limit: 51 }), runDb),
      { noSort: true },
    );
  });

  it('[12.5.5] runs ordered by lift use an index', () => {
    // Hit metrics order by lift over each run's own expectation, stored per row with an index
    // (catalog migration 11): first pages and keyset pages read it in order, with no sort step.
    const after = { value: 1.01, run_id: '20250101-000100-abcdef' };
    for (const [name, f] of [
      ['runs list --order-by mean_hits (desc)', { order_by: 'mean_hits', desc: true, limit: 50 }],
      ['runs list --order-by mean_hits --asc', { order_by: 'mean_hits', desc: false, limit: 50 }],
      ['runs list --order-by rate_3 --desc', { order_by: 'rate_3', desc: true, limit: 50 }],
      ['runs list --order-by best_2plus --asc', { order_by: 'best_2plus', desc: false, limit: 50 }],
      ['runs list --order-by best_4plus --desc', { order_by: 'best_4plus', desc: true, limit: 50 }],
      ['GET /runs?order_by=mean_hits&desc=true&cursor=...', { order_by: 'mean_hits', desc: true, limit: 51, after }],
      ['GET /runs?order_by=mean_hits&cursor=...', { order_by: 'mean_hits', desc: false, limit: 51, after }],
      [
        'GET /runs?order_by=mean_hits&cursor=... (past the NULLs)',
        { order_by: 'mean_hits', desc: false, limit: 51, after: { value: null, run_id: after.run_id } },
      ],
      ['GET /runs?order_by=best_3plus&desc=true&cursor=...', { order_by: 'best_3plus', desc: true, limit: 51, after }],
    ] as const) {
      const plans = plansOf((db) => listRuns(db, f));
      check(name, plans, { noSort: true });
      expect(plans.flat().join(' | '), name).toMatch(new RegExp(`INDEX runs_by_lift_${f.order_by}\\b`));
    }
  });

  it('filtered run lists search an index', () => {
    check(
      'runs list --status completed --order-by mean_hits',
      plansOf((db) => listRuns(db, { status: 'completed', order_by: 'mean_hits', desc: true, limit: 50 })),
    );
    check(
      'runs list --recipe-hash 9e37',
      plansOf((db) => listRuns(db, { recipe_hash: '9e37', limit: 50 })),
    );
    check(
      'runs list --min mean_hits=0.5',
      plansOf((db) => listRuns(db, { min: { mean_hits: 0.5 }, limit: 50 })),
    );
    check(
      'runs show <id>',
      plansOf((db) => getRun(db, '20250101-000123-abcdef')),
    );
  });

  it('draws by contest range and by date range use the primary key or the date index', () => {
    check(
      'draws list --from 5000 --to 5100',
      plansOf((db) => listDraws(db, { from: 5000, to: 5100 })),
    );
    check(
      'draws list --since 2030-01-01 --until 2030-12-31',
      plansOf((db) => listDraws(db, { since: '2030-01-01', until: '2030-12-31' })),
    );
    check(
      'draws list --since 2035-06-01 (limit 50)',
      plansOf((db) => listDraws(db, { since: '2035-06-01', limit: 50 })),
    );
    check(
      'draws list --until 2021-01-01 --desc (limit 50)',
      plansOf((db) => listDraws(db, { until: '2021-01-01', limit: 50, order: 'desc' })),
    );
    check(
      'draws show <contest>',
      plansOf((db) => getDraw(db, 4321)),
    );
    // the date bound is exact: same rows as a plain filter
    const viaRepo = listDraws(catalog.db, { since: '2030-01-01', until: '2030-12-31' }).map((d) => d.contest);
    const plain = catalog.db.prepare("SELECT contest FROM draws WHERE draw_date BETWEEN '2030-01-01' AND '2030-12-31' ORDER BY contest").pluck().all();
    expect(viaRepo).toEqual(plain);
    expect(viaRepo.length).toBe(365);
  });

  it("a run file's per-contest results are read by contest through its keys", () => {
    const ranged = (db: Db) => db.prepare('SELECT * FROM contests WHERE contest >= ? AND contest <= ? ORDER BY contest').all(4500, 4600);
    // the statement `runs verify` uses for each contest
    const ticketsOf = (db: Db) => db.prepare('SELECT ticket, numbers FROM tickets WHERE contest = ? ORDER BY ticket').all(4500);
    const ticketRange = (db: Db) =>
      db.prepare('SELECT contest, ticket, numbers, hits FROM tickets WHERE contest >= ? AND contest <= ? ORDER BY contest, ticket').all(4500, 4600);
    check('run file: contests 4500..4600', plansOf(ranged, runDb), { noSort: true });
    check('run file: tickets of contest 4500', plansOf(ticketsOf, runDb), { noSort: true });
    check('run file: tickets of contests 4500..4600', plansOf(ticketRange, runDb), { noSort: true });
    if (process.env.SHOW_PLANS) console.info(shown.join('\n'));
  });

  it('the detector itself flags a full scan', () => {
    expect(fullScans(plansOf((db) => db.prepare('SELECT * FROM draws WHERE notes = ?').all('x'))[0]!)).toEqual(['SCAN draws']);
  });
});
