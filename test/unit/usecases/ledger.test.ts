// The ledger use cases (src/usecases/ledger.ts) as both front-ends call them: each returns the
// document the CLI prints with --json and the API returns.
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/clock.js';
import { type Catalog, openCatalog } from '../../../src/store/catalog.js';
import {
  assertLedgerBalance,
  checkLedger,
  listLedgerEntries,
  recordLedgerEntry,
  reportLedger,
  retractLedgerAssertion,
  reverseLedgerEntry,
  settleLedgerContest,
  showLedgerBalance,
} from '../../../src/usecases/ledger.js';
import { insertDraws, makeDraw } from '../../helpers/books.js';
import { tempDir } from '../../helpers/cli.js';
import { cleanupAfterEach } from '../../helpers/cleanups.js';

const clock: Clock = { now: '2025-11-20T12:00:00.000Z', today: '2025-11-20' };
const cleanups = cleanupAfterEach();

function books(): { catalog: Catalog; clock: Clock } {
  const t = tempDir();
  insertDraws(t.dir, [
    makeDraw(6800, '2025-08-15', [1, 2, 3, 4, 50], {
      5: { winners: 0, prize_cents: 0 },
      4: { winners: 10, prize_cents: 800_000 },
      3: { winners: 200, prize_cents: 11_000 },
      2: { winners: 5000, prize_cents: 400 },
    }),
  ]);
  const catalog = openCatalog(t.dir);
  cleanups.push(t.cleanup, () => catalog.close());
  return { catalog, clock };
}

describe('recordLedgerEntry', () => {
  it('dates and signs each type: a withdrawal is stored negative, a prize on its draw date, cash today', () => {
    const deps = books();
    expect(recordLedgerEntry(deps, { type: 'deposit', amount_cents: 10_000 }).entry).toMatchObject({ entry_date: '2025-11-20', amount_cents: 10_000 });
    expect(recordLedgerEntry(deps, { type: 'withdrawal', amount_cents: 2_000 }).entry).toMatchObject({ type: 'withdrawal', amount_cents: -2_000 });
    expect(recordLedgerEntry(deps, { type: 'adjustment', amount_cents: -5, date: '2025-11-01' }).entry).toMatchObject({
      entry_date: '2025-11-01',
      amount_cents: -5,
    });
    const prize = recordLedgerEntry(deps, { type: 'prize', contest: 6800, tier: 'terno', amount_cents: 11_000 });
    expect(prize).toEqual({ status: 'recorded', entry: expect.objectContaining({ entry_date: '2025-08-15', tier: 'terno', contest: 6800 }) });
    expect(recordLedgerEntry(deps, { type: 'prize', contest: 9999, tier: 'duque', amount_cents: 400 }).entry.entry_date).toBe('2025-11-20');
  });

  it('a bet says how it was priced and whether its run is known; a key records it once', () => {
    const deps = books();
    const bet = recordLedgerEntry(deps, { type: 'bet', contest: 6800, tickets: 2, run_id: 'nosuchrun', key: 'k1' });
    expect(bet).toMatchObject({ status: 'recorded', cost_source: 'auto', base_price_cents: 300, price_date: '2025-08-15', run_known: false });
    expect(bet.entry).toMatchObject({ amount_cents: -600, entry_date: '2025-08-15', ticket_numbers: null });
    expect(recordLedgerEntry(deps, { type: 'bet', contest: 6800, tickets: 2, run_id: 'nosuchrun', key: 'k1' })).toMatchObject({
      status: 'already_recorded',
      entry: { id: bet.entry.id },
    });
    expect(() => recordLedgerEntry(deps, { type: 'bet', contest: 6800, tickets: 3, key: 'k1' })).toThrow(expect.objectContaining({ code: 'E_CONFLICT' }));
  });

  it('refuses an overspending bet unless over_budget', async () => {
    const deps = books();
    const { createBudget } = await import('../../../src/usecases/budgets.js');
    createBudget(deps, { name: 'aug', amount_cents: 300, from: '2025-08-01', to: '2025-08-31' });
    expect(() => recordLedgerEntry(deps, { type: 'bet', contest: 6800, tickets: 2 })).toThrow(expect.objectContaining({ code: 'E_BUDGET_EXCEEDED' }));
    expect(recordLedgerEntry(deps, { type: 'bet', contest: 6800, tickets: 2, over_budget: true }).status).toBe('recorded');
  });
});

describe('reverse, settle, assertions, check', () => {
  it('reversing a settled bet names the prize entries still standing', () => {
    const deps = books();
    const bet = recordLedgerEntry(deps, { type: 'bet', contest: 6800, ticket_list: [[1, 2, 3, 10, 11]] });
    const settled = settleLedgerContest(deps, { contest: 6800 });
    expect(settled).toMatchObject({ contest: 6800, bets: 1, recorded_cents: 11_000, lines: [{ tier: 3, status: 'recorded' }] });
    expect(settleLedgerContest(deps, { contest: 6800 }).lines[0]!.status).toBe('already_recorded');
    const r = reverseLedgerEntry(deps, { id: bet.entry.id, reason: 'never played' });
    expect(r).toEqual({
      status: 'recorded',
      entry: expect.objectContaining({ type: 'reversal', reverses_id: bet.entry.id, amount_cents: 300 }),
      unreversed_settlements: [settled.lines[0]!.entry_id],
    });
  });

  it('an assertion says whether it holds; a retraction withdraws it; check is sound', () => {
    const deps = books();
    recordLedgerEntry(deps, { type: 'deposit', amount_cents: 10_000, date: '2025-01-02' });
    const a = assertLedgerBalance(deps, { date: '2025-01-31', balance_cents: 10_000 });
    expect(a).toMatchObject({ actual_cents: 10_000, holds: true, assertion: { balance_cents: 10_000, retracted_by: null } });
    expect(assertLedgerBalance(deps, { date: '2025-02-01', balance_cents: 1, force: true }).holds).toBe(false);
    expect(() => assertLedgerBalance(deps, { date: '2025-03-01', balance_cents: 1 })).toThrow(expect.objectContaining({ code: 'E_CONFLICT' }));
    expect(retractLedgerAssertion(deps, { id: a.assertion.id, reason: 'test' }).assertion.retracted_by).not.toBeNull();
    expect(checkLedger(deps).problems.map((p) => p.kind)).toEqual(['assertion']);
  });
});

describe('list, report, balance', () => {
  it('lists in keyset pages whose positions chain, and the balance is as of today by default', () => {
    const deps = books();
    for (const [date, amount] of [
      ['2025-01-01', 100],
      ['2025-01-01', 200],
      ['2025-02-01', 300],
      ['2099-01-01', 400],
    ] as const) {
      recordLedgerEntry(deps, { type: 'deposit', amount_cents: amount, date });
    }
    const all = listLedgerEntries(deps, {});
    expect(all.entries.map((e) => e.amount_cents)).toEqual([100, 200, 300, 400]);
    expect(all.next).toBeNull();
    const p1 = listLedgerEntries(deps, { limit: 2 });
    expect(p1.next).toEqual({ entry_date: '2025-01-01', id: p1.entries[1]!.id });
    const p2 = listLedgerEntries(deps, { limit: 2, after: p1.next! });
    expect([...p1.entries, ...p2.entries]).toEqual(all.entries);
    expect(p2.next).toBeNull();
    expect(listLedgerEntries(deps, { since: '2025-02-01', until: '2025-12-31' }).entries.map((e) => e.amount_cents)).toEqual([300]);
    expect(showLedgerBalance(deps, {})).toEqual({ date: '2025-11-20', balance_cents: 600 });
    expect(showLedgerBalance(deps, { date: '2025-01-01' })).toEqual({ date: '2025-01-01', balance_cents: 300 });
    expect(reportLedger(deps, { group_by: 'month' }).total.deposits_cents).toBe(1_000);
  });
});
