// The finance use cases (src/usecases/finance.ts): ROI reads a fixed number of statements whatever
// the number of runs, and gives what the per-run reads gave; prize tables, prices, EV.
import { describe, expect, it, vi } from 'vitest';
import type { Clock } from '../../../src/clock.js';
import { buildRealMoney, buildRoiRow, buildRoiVerdict } from '../../../src/core/finance/roi.js';
import { type Catalog, openCatalog } from '../../../src/store/catalog.js';
import { readEntries } from '../../../src/store/ledger-repo.js';
import { readPayoutRule, readPriceTable } from '../../../src/store/prices-repo.js';
import { readDrawDates, readRoiRuns } from '../../../src/store/roi-repo.js';
import {
  analyzeRoi,
  estimateTicketValue,
  listPriceChanges,
  listPrices,
  setPayoutRule,
  setPrice,
  showPayoutRule,
  showPrizeTable,
} from '../../../src/usecases/finance.js';
import { recordLedgerEntry } from '../../../src/usecases/ledger.js';
import { insertRun, insertStandardDraws } from '../../helpers/books.js';
import { tempDir } from '../../helpers/cli.js';
import { cleanupAfterEach } from '../../helpers/cleanups.js';

const clock: Clock = { now: '2025-11-20T12:00:00.000Z', today: '2025-11-20' };
const cleanups = cleanupAfterEach();

function books(prepare: (dir: string) => void = insertStandardDraws): { catalog: Catalog; clock: Clock } {
  const t = tempDir();
  prepare(t.dir);
  const catalog = openCatalog(t.dir);
  cleanups.push(t.cleanup, () => catalog.close());
  return { catalog, clock };
}

describe('analyzeRoi', () => {
  const runs = [
    { run_id: 'runaaa1', first_contest: 6500, last_contest: 6800, tickets: 1000, cost_cents: 275_000, prize_cents: 52_000, roi_pct: -81.09 },
    { run_id: 'runbbb2', first_contest: 6790, last_contest: 6882, tickets: 93, cost_cents: 27_900, prize_cents: 0, roi_pct: -100 },
    { run_id: 'runccc3', first_contest: 6880, last_contest: 6882, tickets: 3, cost_cents: 900, prize_cents: 400, roi_pct: -55.56 },
  ];

  it('gives what reading each run separately gave, in a fixed number of statements', () => {
    const deps = books((dir) => {
      insertStandardDraws(dir);
      for (const r of runs) insertRun(dir, r);
    });
    recordLedgerEntry(deps, { type: 'bet', contest: 6800, tickets: 2, run_id: 'runaaa1' });
    recordLedgerEntry(deps, { type: 'prize', contest: 6800, tier: 'terno', amount_cents: 11_000, run_id: 'runaaa1' });
    recordLedgerEntry(deps, { type: 'bet', contest: 6882, tickets: 1, run_id: 'runccc3' });
    recordLedgerEntry(deps, { type: 'bet', contest: 6882, tickets: 1 });

    // the per-run reads the CLI used to make (one entries query and one dates query per run)
    const db = deps.catalog.db;
    const rule = readPayoutRule(db);
    const prices = readPriceTable(db);
    const rows = readRoiRuns(db).map((run) =>
      buildRoiRow(run, readEntries(db, { run_id: run.run_id }), readDrawDates(db, run.first_contest, run.last_contest), prices, rule),
    );
    const ledger = buildRealMoney(readEntries(db), rule);
    const doc = analyzeRoi(deps, { run_ids: [] });
    expect(doc).toEqual({ payout_rule: rule, ev_rule: expect.any(String), runs: rows, ledger, verdict: buildRoiVerdict(rows, ledger) });
    expect(doc.runs.map((r) => r.run_id)).toEqual(['runaaa1', 'runbbb2', 'runccc3']);

    const spy = vi.spyOn(db, 'prepare');
    analyzeRoi(deps, { run_ids: ['runccc3'] });
    const one = spy.mock.calls.length;
    expect(one).toBeGreaterThan(0);
    spy.mockClear();
    analyzeRoi(deps, { run_ids: ['runccc3', 'runaaa1', 'runbbb2'] });
    expect(spy.mock.calls.length).toBe(one);
    spy.mockRestore();
    expect(analyzeRoi(deps, { run_ids: ['runccc3', 'runaaa1'] }).runs.map((r) => r.run_id)).toEqual(['runccc3', 'runaaa1']);
  });

  it('refuses an unknown run, and with no runs still reports the ledger', () => {
    const deps = books();
    expect(() => analyzeRoi(deps, { run_ids: ['nope'] })).toThrow(expect.objectContaining({ code: 'E_NOT_FOUND' }));
    expect(analyzeRoi(deps, { run_ids: [] })).toMatchObject({ runs: [], ledger: { bets: 0 } });
  });
});

describe('prices, payout rule, prize tables, ticket value', () => {
  it('a price change is audited and shows in the table', () => {
    const deps = books();
    const before = listPriceChanges(deps).changes.length;
    const { change } = setPrice(deps, { from: '2030-01-01', price_cents: 500, note: 'test' });
    expect(change).toMatchObject({ from_date: '2030-01-01', old_price_cents: null, new_price_cents: 500, changed_at: clock.now });
    expect(listPriceChanges(deps).changes).toHaveLength(before + 1);
    expect(listPrices(deps).prices.at(-1)).toMatchObject({ from: '2030-01-01', to: null, price_cents: 500, first_contest: null });
  });

  it('the payout rule is shown and set', () => {
    const deps = books();
    expect(showPayoutRule(deps)).toEqual({ payout_rule: 'subcombinations' });
    expect(setPayoutRule(deps, { rule: 'highest-tier' })).toEqual({ payout_rule: 'highest-tier' });
    expect(showPayoutRule(deps)).toEqual({ payout_rule: 'highest-tier' });
  });

  it('a prize table carries the contest price; a future contest is priced today; a gap is not found', () => {
    const deps = books();
    expect(showPrizeTable(deps, { contest: 6800 })).toMatchObject({
      contest: 6800,
      status: 'drawn',
      base_price_cents: 300,
      price_date: '2025-08-15',
      payout_rule: 'subcombinations',
    });
    expect(showPrizeTable(deps, { contest: 6883 })).toMatchObject({ status: 'future', date: null, price_date: clock.today, base_price_cents: 300 });
    expect(() => showPrizeTable(deps, { contest: 6700 })).toThrow(expect.objectContaining({ code: 'E_NOT_FOUND' }));
  });

  it('a ticket value defaults to the next contest, and needs one when no draws are imported', () => {
    const deps = books();
    expect(estimateTicketValue(deps, { numbers: 5 })).toMatchObject({
      contest: 6883,
      price_date: clock.today,
      base_price_cents: 300,
      cost_cents: 300,
      ev_cents: 72.25,
    });
    expect(estimateTicketValue(deps, { contest: 6500, numbers: 5, price_cents: 1_000 })).toMatchObject({ price_date: null, base_price_cents: 1_000 });
    expect(() =>
      estimateTicketValue(
        books(() => {}),
        { numbers: 5 },
      ),
    ).toThrow(expect.objectContaining({ code: 'E_DATA_MISSING' }));
  });
});
