// The books over HTTP: ledger entries (idempotent), reversals, settlement, checks and reports,
// budgets (and their refusal), prices (admin only), ROI and prize tables, and the dashboard.
// Where the CLI prints the same document, the API's answer is compared with it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshRunLifts } from '../../src/store/runs-repo.js';
import { cli } from '../helpers/cli.js';
import { makeDraws, seedDraws } from '../helpers/draws.js';
import { type TestServer, startTestServer } from '../helpers/server.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ rate_limit_write: 10_000, rate_limit_read: 10_000 });
  seedDraws(s.dir, makeDraws(4001, 4200));
  const ins = s.catalog.db.prepare(
    `INSERT INTO runs (run_id, name, recipe_hash, recipe_json, strategy, seed, numbers_per_ticket, tickets_per_contest, engine_version,
      first_contest, last_contest, status, contests_planned, contests_done, tickets, file, created_at, mean_hits, p_value,
      cost_cents, prize_cents, net_cents, roi_pct)
     VALUES (?, ?, 'ab', '{}', 'random', 1, 5, 10, 'e', 4101, 4200, 'completed', 100, 100, 1000, ?, ?, ?, ?, 250000, ?, ?, ?)`,
  );
  ins.run(
    'roi-run-000001',
    'lucky',
    'runs/roi-run-000001.sqlite',
    '2025-01-01T00:00:00Z',
    0.34,
    0.21,
    80_000,
    80_000 - 250_000,
    ((80_000 - 250_000) / 250_000) * 100,
  );
  ins.run(
    'roi-run-000002',
    'plain',
    'runs/roi-run-000002.sqlite',
    '2025-01-02T00:00:00Z',
    0.3,
    0.7,
    60_000,
    60_000 - 250_000,
    ((60_000 - 250_000) / 250_000) * 100,
  );
  // the lifts the dashboard's best run is chosen by, as the index row builder stores them
  refreshRunLifts(s.catalog.db);
});
afterAll(async () => s.close());

const entries = () => (s.catalog.db.prepare('SELECT COUNT(*) AS n FROM ledger_entries').get() as { n: number }).n;
const TICKETS = [
  [1, 2, 3, 4, 5],
  [6, 7, 8, 9, 10],
];

describe('ledger', () => {
  it('records a deposit (201) with the CLI entry shape; viewers may not write', async () => {
    const r = await s.post('/api/v1/ledger', s.keys.analyst, { type: 'deposit', amount_cents: 50_000, date: '2020-01-01', note: 'start' });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({
      status: 'recorded',
      entry: { id: 1, type: 'deposit', amount_cents: 50_000, entry_date: '2020-01-01', note: 'start', reversed_by: null },
    });
    const listed = (await cli(['ledger', 'list', '--json'], { dataDir: s.dir })).json().entries[0];
    expect(r.json().entry).toEqual(listed);
    expect((await s.post('/api/v1/ledger', s.keys.viewer, { type: 'deposit', amount_cents: 1 })).statusCode).toBe(403);
  });

  it('an idempotency key (body or Idempotency-Key header) records one entry however often it is sent', async () => {
    const before = entries();
    const body = { type: 'withdrawal', amount_cents: 1_000, date: '2020-01-02', idempotency_key: 'w-1' };
    const first = await s.post('/api/v1/ledger', s.keys.analyst, body);
    const second = await s.post('/api/v1/ledger', s.keys.analyst, body);
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(200);
    expect(second.json().status).toBe('already_recorded');
    expect(second.json().entry).toEqual(first.json().entry);
    expect(first.json().entry.amount_cents).toBe(-1_000);
    const h = { 'idempotency-key': 'h-1' };
    const a = await s.post('/api/v1/ledger', s.keys.analyst, { type: 'deposit', amount_cents: 700, date: '2020-01-02' }, h);
    const b = await s.post('/api/v1/ledger', s.keys.analyst, { type: 'deposit', amount_cents: 700, date: '2020-01-02' }, h);
    expect([a.statusCode, b.statusCode]).toEqual([201, 200]);
    expect(a.json().entry.idempotency_key).toBe('h-1');
    expect(entries()).toBe(before + 2);
    const reused = await s.post('/api/v1/ledger', s.keys.analyst, { ...body, amount_cents: 2_000 });
    expect(reused.statusCode).toBe(409);
    expect(reused.json().error.code).toBe('E_CONFLICT');
    const clash = await s.post('/api/v1/ledger', s.keys.analyst, { ...body, idempotency_key: 'x' }, { 'idempotency-key': 'y' });
    expect(clash.statusCode).toBe(400);
    expect(clash.json().error.details[0]).toMatch(/^headers\.idempotency-key: /);
    expect(entries()).toBe(before + 2);
  });

  it('refuses bad entries with path: problem details', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ type: 'withdrawal', amount_cents: -5 }, /^body\.amount_cents: /],
      [{ type: 'adjustment', amount_cents: 0 }, /^body\.amount_cents: must not be zero/],
      [{ type: 'deposit', amount_cents: 1.5 }, /^body\.amount_cents: /],
      [{ type: 'gift', amount_cents: 5 }, /^body\.type: /],
      [{ type: 'deposit', amount_cents: 5, date: '2020-02-30' }, /^body\.date: /],
      [{ type: 'deposit', amount_cents: 5, note: 'a\u0000b' }, /^body\.note: /],
      [{ type: 'deposit', amount_cents: 5, idempotency_key: 'has space' }, /^body\.idempotency_key: /],
      [{ type: 'prize', contest: 4100, tier: 'sena', amount_cents: 5 }, /^body\.tier: /],
      [{ type: 'bet', contest: 4100, ticket_numbers: [[1, 2, 3, 4, 99]] }, /./],
      [{ type: 'deposit', amount_cents: 5, run_id: 'r' }, /^body: /],
    ];
    for (const [body, detail] of cases) {
      const r = await s.post('/api/v1/ledger', s.keys.analyst, body);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      expect(r.json().error.details.join('\n'), JSON.stringify(body)).toMatch(detail);
    }
  });

  it('a bet priced automatically; a budget refuses an overspending bet (409) unless over_budget', async () => {
    const price = (await s.get('/api/v1/finance/prizes/4100', s.keys.viewer)).json().base_price_cents;
    const budget = await s.post('/api/v1/budgets', s.keys.analyst, { name: 'april', amount_cents: price * 3, from: '2020-04-01', to: '2020-04-30' });
    expect(budget.statusCode, budget.body).toBe(201);
    const bet = await s.post('/api/v1/ledger', s.keys.analyst, { type: 'bet', contest: 4100, ticket_numbers: TICKETS, run_id: 'roi-run-000001' });
    expect(bet.statusCode, bet.body).toBe(201);
    expect(bet.json()).toMatchObject({
      cost_source: 'auto',
      base_price_cents: price,
      run_known: true,
      entry: { amount_cents: -2 * price, tickets: 2, entry_date: '2020-04-09', ticket_numbers: TICKETS, recipe_hash: 'ab' },
    });
    const before = entries();
    const over = await s.post('/api/v1/ledger', s.keys.analyst, { type: 'bet', contest: 4101, tickets: 2 });
    expect(over.statusCode).toBe(409);
    expect(over.json().error.code).toBe('E_BUDGET_EXCEEDED');
    expect(over.json().error.details).toContain('body.over_budget: true records it anyway');
    expect(entries()).toBe(before);
    const forced = await s.post('/api/v1/ledger', s.keys.analyst, { type: 'bet', contest: 4101, tickets: 2, over_budget: true });
    expect(forced.statusCode).toBe(201);
    const view = (await s.get('/api/v1/budgets/april', s.keys.viewer)).json();
    expect(view).toMatchObject({ spent_cents: 4 * price, remaining_cents: -price, status: 'expired' });
  });

  it('reverses an entry once; a reversal cannot be reversed; unknown ids 404', async () => {
    const r = await s.post('/api/v1/ledger/3/reverse', s.keys.analyst, { reason: 'typo', date: '2020-01-03' });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().entry).toMatchObject({ type: 'reversal', reverses_id: 3, amount_cents: -700, reason: 'typo' });
    expect((await s.post('/api/v1/ledger/3/reverse', s.keys.analyst, { reason: 'again' })).json().error.code).toBe('E_CONFLICT');
    expect((await s.post(`/api/v1/ledger/${r.json().entry.id}/reverse`, s.keys.analyst, { reason: 'x' })).json().error.code).toBe('E_CONFLICT');
    expect((await s.post('/api/v1/ledger/999/reverse', s.keys.analyst, { reason: 'x' })).statusCode).toBe(404);
    const noReason = await s.post('/api/v1/ledger/1/reverse', s.keys.analyst, {});
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().error.details[0]).toMatch(/^body\.reason: /);
    expect((await s.post('/api/v1/ledger/abc/reverse', s.keys.analyst, { reason: 'x' })).statusCode).toBe(400);
  });

  it('settles a contest idempotently; an unimported contest is 409', async () => {
    const first = await s.post('/api/v1/ledger/settle', s.keys.analyst, { contest: 4100 });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ contest: 4100, bets: 1, bets_without_tickets: 0 });
    const again = (await s.post('/api/v1/ledger/settle', s.keys.analyst, { contest: 4100 })).json();
    expect(again.recorded_cents).toBe(0);
    expect(again.lines.every((l: { status: string }) => l.status === 'already_recorded')).toBe(true);
    expect((await s.post('/api/v1/ledger/settle', s.keys.analyst, { contest: 5000 })).json().error.code).toBe('E_DATA_MISSING');
  });

  it('list (keyset pages), report, balance and check agree with the CLI', async () => {
    const paged: unknown[] = [];
    let cursor: string | null = null;
    do {
      const r = await s.get(`/api/v1/ledger?limit=2${cursor ? `&cursor=${cursor}` : ''}`, s.keys.viewer);
      paged.push(...r.json().items);
      cursor = r.json().next_cursor;
    } while (cursor);
    expect(paged).toEqual((await cli(['ledger', 'list', '--json'], { dataDir: s.dir })).json().entries);
    const bets = (await s.get('/api/v1/ledger?type=bet&from=4100&to=4100', s.keys.viewer)).json().items;
    expect(bets).toHaveLength(1);
    for (const g of ['month', 'tier', 'run']) {
      const api = (await s.get(`/api/v1/ledger/report?group_by=${g}`, s.keys.viewer)).json();
      expect(api, g).toEqual((await cli(['ledger', 'report', '--group-by', g, '--json'], { dataDir: s.dir })).json());
    }
    const bal = (await s.get('/api/v1/ledger/balance', s.keys.viewer)).json();
    // as of the server's today (its clock), like the CLI's default on that day
    expect(bal.date).toBe('2026-01-01');
    expect(bal).toEqual((await cli(['ledger', 'balance', '--date', bal.date, '--json'], { dataDir: s.dir })).json());
    expect((await s.get('/api/v1/ledger/check', s.keys.viewer)).json()).toEqual({ sound: true, problems: [] });
    // [16.5.1] the API's check is recorded for /metrics like the CLI's
    expect(JSON.parse(readFileSync(join(s.dir, 'ops', 'ledger-check.json'), 'utf8'))).toMatchObject({ ok: true });
    expect((await s.get('/api/v1/ledger/report?group_by=year', s.keys.viewer)).statusCode).toBe(400);
  });
});

describe('budgets, prices, finance', () => {
  it('budgets: create, list in pages, show; duplicates 409, bad windows 400, viewers 403', async () => {
    expect((await s.post('/api/v1/budgets', s.keys.analyst, { name: 'open', amount_cents: 10_000, from: '2019-01-01' })).statusCode).toBe(201);
    expect((await s.post('/api/v1/budgets', s.keys.analyst, { name: 'open', amount_cents: 1, from: '2019-01-01' })).json().error.code).toBe('E_CONFLICT');
    const bad = await s.post('/api/v1/budgets', s.keys.analyst, { name: 'bad', amount_cents: 1, from: '2020-02-01', to: '2020-01-01' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0]).toMatch(/^body\.to: /);
    expect((await s.post('/api/v1/budgets', s.keys.viewer, { name: 'v', amount_cents: 1, from: '2020-01-01' })).statusCode).toBe(403);
    const page1 = (await s.get('/api/v1/budgets?limit=1', s.keys.viewer)).json();
    const page2 = (await s.get(`/api/v1/budgets?limit=1&cursor=${page1.next_cursor}`, s.keys.viewer)).json();
    expect([...page1.items, ...page2.items]).toEqual(
      (await cli(['budget', 'list', '--json'], { dataDir: s.dir })).json().budgets.map((b: object) => ({ ...b, status: expect.any(String) })),
    );
    expect(page2.next_cursor).toBeNull();
    expect((await s.get('/api/v1/budgets/nope', s.keys.viewer)).statusCode).toBe(404);
  });

  it('prices: anyone reads, only an admin writes (audited)', async () => {
    const list = (await s.get('/api/v1/prices', s.keys.viewer)).json();
    expect(list.items).toEqual((await cli(['finance', 'prices', 'list', '--json'], { dataDir: s.dir })).json().prices);
    const body = { from: '2030-01-01', price_cents: 900, note: 'guess' };
    expect((await s.post('/api/v1/prices', s.keys.analyst, body)).statusCode).toBe(403);
    const r = await s.post('/api/v1/prices', s.keys.admin, body);
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().change).toMatchObject({ from_date: '2030-01-01', old_price_cents: null, new_price_cents: 900 });
    expect((await s.get('/api/v1/prices/history', s.keys.viewer)).json().items.at(-1)).toEqual(r.json().change);
    expect((await s.post('/api/v1/prices', s.keys.admin, { from: '2030-01-01', price_cents: 0 })).statusCode).toBe(400);
  });

  it('ROI and prize tables are the CLI documents', async () => {
    const roi = await s.get('/api/v1/finance/roi', s.keys.viewer);
    expect(roi.statusCode, roi.body).toBe(200);
    expect(roi.json()).toEqual((await cli(['finance', 'roi', '--json'], { dataDir: s.dir })).json());
    expect(roi.json().runs[0].real.bets).toBe(1);
    const one = (await s.get('/api/v1/finance/roi?run_id=roi-run-000002', s.keys.viewer)).json();
    expect(one).toEqual((await cli(['finance', 'roi', '--run', 'roi-run-000002', '--json'], { dataDir: s.dir })).json());
    const two = (await s.get('/api/v1/finance/roi?run_id=roi-run-000002&run_id=roi-run-000001', s.keys.viewer)).json();
    expect(two.runs.map((r: { run_id: string }) => r.run_id)).toEqual(['roi-run-000002', 'roi-run-000001']);
    expect((await s.get('/api/v1/finance/roi?run_id=nosuch-run', s.keys.viewer)).statusCode).toBe(404);
    expect((await s.get('/api/v1/finance/roi?run_id=..%2Fx', s.keys.viewer)).statusCode).toBe(400);
    const prizes = (await s.get('/api/v1/finance/prizes/4150', s.keys.viewer)).json();
    expect(prizes).toEqual((await cli(['finance', 'prizes', '4150', '--json'], { dataDir: s.dir })).json());
    expect((await s.get('/api/v1/finance/prizes/0', s.keys.viewer)).statusCode).toBe(400);
  });
});

describe('GET /dashboard', () => {
  it('summarizes draws, runs (the best with its baseline and caveat), books, budgets and jobs; a write refreshes it', async () => {
    const r = await s.get('/api/v1/dashboard', s.keys.viewer);
    expect(r.statusCode, r.body).toBe(200);
    const d = r.json();
    expect(d.draws).toEqual({
      count: 200,
      first_contest: 4001,
      last_contest: 4200,
      last_date: makeDraws(4001, 4200).at(-1)!.date,
      synthetic: true,
      synthetic_count: 200,
    });
    expect(d.runs.count).toBe(2);
    expect(d.runs.by_status).toEqual({ pending: 0, running: 0, completed: 2, failed: 0, cancelled: 0, interrupted: 0 });
    expect(d.runs.latest.map((x: { run_id: string }) => x.run_id)).toEqual(['roi-run-000002', 'roi-run-000001']);
    expect(d.runs.best).toMatchObject({
      run_id: 'roi-run-000001',
      mean_hits: 0.34,
      expected_mean_hits: 0.3125,
      p_value: 0.21,
      completed_runs: 2,
      sentence: null,
    });
    expect(d.runs.best.p_value_best_of).toBeCloseTo(1 - 0.79 ** 2, 12);
    expect(d.runs.best.caveat).toMatch(/noise unless/);
    const balance = (await s.get('/api/v1/ledger/balance', s.keys.viewer)).json().balance_cents;
    expect(d.ledger.balance_cents).toBe(balance);
    const report = (await s.get('/api/v1/ledger/report', s.keys.viewer)).json().total;
    expect(d.ledger).toMatchObject({ invested_cents: report.invested_cents, won_cents: report.won_cents, roi_pct: report.roi_pct });
    expect(d.budgets.count).toBe(2);
    expect(d.jobs).toEqual({ queue_depth: 0, running: 0 });
    expect((await s.get('/api/v1/dashboard', s.keys.viewer, { 'if-none-match': r.headers.etag as string })).statusCode).toBe(304);
    await s.post('/api/v1/ledger', s.keys.analyst, { type: 'deposit', amount_cents: 123, date: '2020-05-01' });
    const after = (await s.get('/api/v1/dashboard', s.keys.viewer)).json();
    expect(after.ledger.balance_cents).toBe(balance + 123);
    expect((await s.get('/api/v1/dashboard')).statusCode).toBe(401);
  });
});
