/**
 * ROI analysis: each simulated run's ROI next to the house-edge expectation for the same
 * tickets and next to what real money linked to that run did. The expectation is the same for
 * every strategy (draws are uniform), and one run's ROI is dominated by whether it hit a quina,
 * so the table shows the standard error too: a simulated "edge" is measured in it.
 */
import { type LedgerEntry, effectiveEntries } from './ledger.js';
import { formatBRL } from './money.js';
import { type PricePeriod, basePriceOn, contestPriceOn } from './prices.js';
import type { PayoutRule } from './prizes.js';
import { roiPct } from './report.js';
import { ticketExpectation } from './ev.js';

/** The columns of a catalog `runs` row that the analysis reads. */
export interface RunRow {
  run_id: string;
  name: string | null;
  status: string;
  synthetic: number;
  first_contest: number;
  last_contest: number;
  numbers_per_ticket: number;
  tickets: number;
  cost_cents: number | null;
  prize_cents: number | null;
  net_cents: number | null;
  roi_pct: number | null;
}

export interface Expectation {
  /** expected prize of one ticket, averaged over the run's contests (rounded centavos) */
  ev_per_ticket_cents: number;
  /** cost of one ticket averaged over the run's contests, each at its own price (rounded centavos) */
  cost_per_ticket_cents: number;
  roi_pct: number;
  /** one standard error of the run's ROI over its tickets (tickets treated as independent) */
  roi_se_pct: number | null;
}

export interface RealMoney {
  bets: number;
  tickets: number;
  invested_cents: number;
  won_cents: number;
  net_cents: number;
  roi_pct: number | null;
  /** what the same bets are worth in expectation */
  expected_won_cents: number;
  expected_roi_pct: number | null;
}

export interface RoiRow {
  run_id: string;
  name: string | null;
  status: string;
  synthetic: boolean;
  first_contest: number;
  last_contest: number;
  numbers_per_ticket: number;
  tickets: number;
  simulated: { cost_cents: number | null; prize_cents: number | null; net_cents: number | null; roi_pct: number | null };
  expected: Expectation;
  /** (simulated ROI - expected ROI) / standard error */
  simulated_z: number | null;
  real: RealMoney;
}

// `|| 0` turns -0 into 0 so JSON and equality checks never see a negative zero
const round2 = (x: number) => Math.round(x * 100) / 100 || 0;

/** Draw dates by contest, for pricing contests; contests without a date use the newest price. */
export type DrawDates = ReadonlyMap<number, string>;

function priceOf(contest: number, dates: DrawDates, prices: readonly PricePeriod[]): number {
  const date = dates.get(contest);
  return date !== undefined ? contestPriceOn(prices, date) : basePriceOn(prices, '9999-12-31');
}

/**
 * The house-edge expectation for one ticket per contest over a run's range, cost-weighted: the
 * expected prize and cost per ticket are the AVERAGES over the run's contests (each at its own
 * price), not the last contest's, so a run that spans a price change states what it paid on
 * average.
 */
export function buildExpectation(
  run: Pick<RunRow, 'first_contest' | 'last_contest' | 'numbers_per_ticket' | 'tickets'>,
  dates: DrawDates,
  prices: readonly PricePeriod[],
  rule: PayoutRule,
): Expectation {
  let ev = 0;
  let cost = 0;
  let variance = 0;
  let n = 0;
  for (let c = run.first_contest; c <= run.last_contest; c++) {
    if (!dates.has(c) && dates.size > 0) continue;
    const t = ticketExpectation(c, priceOf(c, dates, prices), run.numbers_per_ticket, rule);
    ev += t.ev_cents;
    cost += t.cost_cents;
    variance += t.sd_cents * t.sd_cents;
    n++;
  }
  if (n === 0) {
    const last = ticketExpectation(run.last_contest, priceOf(run.last_contest, dates, prices), run.numbers_per_ticket, rule);
    ev = last.ev_cents;
    cost = last.cost_cents;
    variance = last.sd_cents * last.sd_cents;
    n = 1;
  }
  // The run's tickets spread evenly over its contests: SE(ROI) = sd(total prize) / total cost.
  const perContest = run.tickets / n;
  return {
    ev_per_ticket_cents: Math.round(ev / n),
    cost_per_ticket_cents: Math.round(cost / n),
    roi_pct: round2(cost > 0 ? ((ev - cost) / cost) * 100 : 0),
    roi_se_pct: run.tickets > 0 && cost > 0 ? round2((Math.sqrt(variance * perContest) / (cost * perContest)) * 100) : null,
  };
}

/** Real money of `entries` (reversals netted out), with the expectation of the same bets. */
export function buildRealMoney(entries: readonly LedgerEntry[], rule: PayoutRule): RealMoney {
  let bets = 0;
  let tickets = 0;
  let invested = 0;
  let won = 0;
  let expected = 0;
  for (const e of effectiveEntries(entries)) {
    if (e.type === 'bet') {
      bets++;
      tickets += e.tickets ?? 0;
      invested -= e.amount_cents;
      // The expected ROI does not depend on the price (prizes scale with it), so any price works.
      const t = ticketExpectation(e.contest ?? 1_000_000, 100, e.numbers_per_ticket ?? 5, rule);
      expected += -e.amount_cents * (t.ev_cents / t.cost_cents);
    } else if (e.type === 'prize') {
      won += e.amount_cents;
    }
  }
  const expectedWon = Math.round(expected);
  return {
    bets,
    tickets,
    invested_cents: invested,
    won_cents: won,
    net_cents: won - invested,
    roi_pct: roiPct(invested, won),
    expected_won_cents: expectedWon,
    expected_roi_pct: roiPct(invested, expectedWon),
  };
}

export function buildRoiRow(run: RunRow, runEntries: readonly LedgerEntry[], dates: DrawDates, prices: readonly PricePeriod[], rule: PayoutRule): RoiRow {
  const expected = buildExpectation(run, dates, prices, rule);
  const z = run.roi_pct !== null && expected.roi_se_pct ? round2((run.roi_pct - expected.roi_pct) / expected.roi_se_pct) : null;
  return {
    run_id: run.run_id,
    name: run.name,
    status: run.status,
    synthetic: run.synthetic === 1,
    first_contest: run.first_contest,
    last_contest: run.last_contest,
    numbers_per_ticket: run.numbers_per_ticket,
    tickets: run.tickets,
    simulated: { cost_cents: run.cost_cents, prize_cents: run.prize_cents, net_cents: run.net_cents, roi_pct: run.roi_pct },
    expected,
    simulated_z: z,
    real: buildRealMoney(runEntries, rule),
  };
}

/** The sentence under the table: the simulated edge against its noise, and what real money did. */
export function buildRoiVerdict(rows: readonly RoiRow[], ledger: RealMoney): string {
  const parts: string[] = [];
  const withZ = rows.filter((r) => r.simulated_z !== null);
  if (withZ.length) {
    const maxZ = Math.max(...withZ.map((r) => Math.abs(r.simulated_z!)));
    const se = Math.min(...withZ.map((r) => r.expected.roi_se_pct!));
    parts.push(
      `Every ticket has the same expected ROI whatever the strategy (${withZ[0]!.expected.roi_pct.toFixed(1)}% here, the house edge); ` +
        `a run's ROI has a standard error of at least ${se.toFixed(0)} percentage points, mostly whether it hit a quina, and the largest ` +
        `simulated departure is ${maxZ.toFixed(2)} standard errors: the simulated edge is noise${maxZ > 3 ? ' (a departure this large is a jackpot, not a strategy)' : ''}.`,
    );
  } else {
    parts.push('No simulated run with money figures to compare.');
  }
  if (ledger.bets > 0) {
    parts.push(
      `Real money: invested ${formatBRL(ledger.invested_cents)}, won ${formatBRL(ledger.won_cents)}, net ${formatBRL(ledger.net_cents)}` +
        ` (ROI ${ledger.roi_pct?.toFixed(1) ?? '-'}%, expected ${ledger.expected_roi_pct?.toFixed(1) ?? '-'}%).`,
    );
  } else {
    parts.push('No real bets are recorded in the ledger.');
  }
  return parts.join(' ');
}
