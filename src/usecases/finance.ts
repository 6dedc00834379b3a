/**
 * Prices and money analysis, shared by `luckyfive finance ...` and the `/prices` and `/finance`
 * routes: the price table and its audit, the payout rule, a contest's prize table, each run's ROI
 * beside the house edge and the real money linked to it, and one ticket's expected value.
 */
import { TIERS } from '../core/draw.js';
import { EV_RULE, expectedTierPrizes, ticketExpectation } from '../core/finance/ev.js';
import type { LedgerEntry } from '../core/finance/ledger.js';
import { type PrizeTable, buildPrizeTable } from '../core/finance/prize-table.js';
import type { PayoutRule } from '../core/finance/prizes.js';
import { type RealMoney, type RoiRow, buildRealMoney, buildRoiRow, buildRoiVerdict } from '../core/finance/roi.js';
import { LuckyError } from '../errors.js';
import { getDraw, getDrawDate, readDrawBounds } from '../store/draws-repo.js';
import { readEntries } from '../store/ledger-repo.js';
import {
  type PriceChange,
  type PriceRow,
  readBasePriceOn,
  readContestPrice,
  readPayoutRule,
  readPriceChanges,
  readPriceRows,
  readPriceTable,
  writePayoutRule,
  writePrice,
} from '../store/prices-repo.js';
import { readDrawDates, readRoiRuns } from '../store/roi-repo.js';
import type { UseCaseDeps } from './deps.js';

type CatalogDeps = Pick<UseCaseDeps, 'catalog'>;

/** The price periods, oldest first, each with its end and its first imported contest. */
export function listPrices(deps: CatalogDeps): { prices: PriceRow[] } {
  return { prices: readPriceRows(deps.catalog.db) };
}

/**
 * Adds a price period starting `from`, or changes the price of the period starting on exactly that
 * day; the change is appended to the audit. Refuses a price that is not more than zero
 * (E_INPUT_INVALID). Returns the audit row.
 */
export function setPrice(
  deps: Pick<UseCaseDeps, 'catalog' | 'clock'>,
  input: { from: string; price_cents: number; note?: string | undefined },
): { change: PriceChange } {
  return { change: writePrice(deps.catalog.db, input.from, input.price_cents, input.note ?? null, deps.clock.now) };
}

/** Every change to the price table, oldest first (the seed rows included). */
export function listPriceChanges(deps: CatalogDeps): { changes: PriceChange[] } {
  return { changes: readPriceChanges(deps.catalog.db) };
}

/** The payout rule for tickets of more than 5 numbers. */
export function showPayoutRule(deps: CatalogDeps): { payout_rule: PayoutRule } {
  return { payout_rule: readPayoutRule(deps.catalog.db) };
}

/** Sets the payout rule for tickets of more than 5 numbers; returns it. */
export function setPayoutRule(deps: CatalogDeps, input: { rule: PayoutRule }): { payout_rule: PayoutRule } {
  writePayoutRule(deps.catalog.db, input.rule);
  return showPayoutRule(deps);
}

/** A contest's prize table with the payout rule and the base price its bets were sold at. */
export type PrizeTableDoc = PrizeTable & { payout_rule: PayoutRule; base_price_cents: number; price_date: string };

/**
 * Per tier, the winners and net prize per winning ticket of `contest` (estimates marked), with the
 * payout rule and the contest's base price (a contest not drawn yet: every prize an estimate, the
 * price of today). Refuses a contest missing from the imported range (E_NOT_FOUND: a gap).
 */
export function showPrizeTable(deps: Pick<UseCaseDeps, 'catalog' | 'clock'>, input: { contest: number }): PrizeTableDoc {
  const db = deps.catalog.db;
  const { contest } = input;
  const draw = getDraw(db, contest);
  if (!draw && contest <= (readDrawBounds(db).last_contest ?? 0))
    throw new LuckyError('E_NOT_FOUND', `contest ${contest} is not imported (a gap in the catalog)`);
  const table = buildPrizeTable(contest, draw ?? null);
  const priceDate = table.date ?? deps.clock.today;
  return {
    ...table,
    payout_rule: readPayoutRule(db),
    base_price_cents: table.date !== null ? readContestPrice(db, table.date) : readBasePriceOn(db, priceDate),
    price_date: priceDate,
  };
}

/** Each run's simulated ROI beside the house edge and the real money linked to it. */
export interface RoiDoc {
  payout_rule: PayoutRule;
  ev_rule: string;
  runs: RoiRow[];
  ledger: RealMoney;
  verdict: string;
}

/**
 * The simulated ROI of the given runs (default every completed run) next to the house-edge
 * expectation (cost-weighted over each run's contests, with its standard error) and the real
 * money linked to each run, plus the whole ledger's. Three queries whatever the number of runs:
 * the runs, every entry and every draw date of their span. Refuses an unknown run id (E_NOT_FOUND).
 */
export function analyzeRoi(deps: CatalogDeps, input: { run_ids: readonly string[] }): RoiDoc {
  const db = deps.catalog.db;
  const rule = readPayoutRule(db);
  const prices = readPriceTable(db);
  const runs = readRoiRuns(db, input.run_ids);
  const entries = readEntries(db);
  const byRun = new Map<string, LedgerEntry[]>();
  for (const e of entries) {
    if (e.run_id === null) continue;
    const list = byRun.get(e.run_id);
    if (list) list.push(e);
    else byRun.set(e.run_id, [e]);
  }
  const allDates = runs.length
    ? readDrawDates(db, Math.min(...runs.map((r) => r.first_contest)), Math.max(...runs.map((r) => r.last_contest)))
    : new Map<number, string>();
  const rows = runs.map((run) => {
    const dates = new Map<number, string>();
    for (let c = run.first_contest; c <= run.last_contest; c++) {
      const d = allDates.get(c);
      if (d !== undefined) dates.set(c, d);
    }
    return buildRoiRow(run, byRun.get(run.run_id) ?? [], dates, prices, rule);
  });
  const ledger = buildRealMoney(entries, rule);
  return { payout_rule: rule, ev_rule: EV_RULE, runs: rows, ledger, verdict: buildRoiVerdict(rows, ledger) };
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** One ticket's expected value, per tier. */
export interface TicketValueDoc {
  contest: number;
  /** the date whose price was used; null when the price was given */
  price_date: string | null;
  base_price_cents: number;
  numbers: number;
  payout_rule: PayoutRule;
  cost_cents: number;
  ev_cents: number;
  roi_pct: number;
  sd_cents: number;
  tiers: Array<{
    tier: (typeof TIERS)[keyof typeof TIERS];
    hits: number;
    probability: number;
    pays: boolean;
    gross_cents: number;
    net_cents: number;
    taxed: boolean;
  }>;
  ev_rule: string;
}

/**
 * The expected value of one `numbers`-number ticket of `contest` (default the one after the last
 * imported) at `price_cents` (default the price table on the contest's draw date, or today for a
 * contest not drawn yet): the house edge, per tier. Refuses when no contest is given and no draws
 * are imported (E_DATA_MISSING).
 */
export function estimateTicketValue(
  deps: Pick<UseCaseDeps, 'catalog' | 'clock'>,
  input: { contest?: number | undefined; numbers: number; price_cents?: number | undefined },
): TicketValueDoc {
  const db = deps.catalog.db;
  const last = readDrawBounds(db).last_contest;
  const contest = input.contest ?? (last === null ? undefined : last + 1);
  if (contest === undefined) throw new LuckyError('E_DATA_MISSING', 'no draws are imported, so the next contest is unknown: pass --contest N');
  const drawDate = getDrawDate(db, contest);
  const date = drawDate ?? deps.clock.today;
  const given = input.price_cents;
  const price = given ?? (drawDate !== undefined ? readContestPrice(db, drawDate) : readBasePriceOn(db, date));
  const rule = readPayoutRule(db);
  const t = ticketExpectation(contest, price, input.numbers, rule);
  const tiers = Object.values(expectedTierPrizes(contest, price))
    .sort((a, b) => b.tier - a.tier)
    .map((x) => ({
      tier: TIERS[x.tier],
      hits: x.tier,
      probability: x.probability,
      pays: x.pays,
      gross_cents: round2(x.gross_cents),
      net_cents: round2(x.net_cents),
      taxed: x.taxed,
    }));
  return {
    contest,
    price_date: given === undefined ? date : null,
    base_price_cents: price,
    numbers: input.numbers,
    payout_rule: rule,
    cost_cents: t.cost_cents,
    ev_cents: round2(t.ev_cents),
    roi_pct: round2(t.roi_pct),
    sd_cents: round2(t.sd_cents),
    tiers,
    ev_rule: EV_RULE,
  };
}
