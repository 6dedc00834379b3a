/**
 * The books' charts, all in reais from integer centavos: the balance over time (a step line, each
 * balance assertion marked and coloured by whether it holds), the net per month (bars, money in
 * blue, money out vermillion), the real ROI against the exact expected ROI of the tickets bought
 * (cumulative by month), and each budget's spending against its limit. Each needs at least one
 * row to draw (a report leaves an empty chart out and says why).
 */
import type { ChartSpec } from './run-charts.js';
import { COLOURS, CONFIG, SCHEMA, WIDTH } from './style.js';

const reais = (cents: number) => cents / 100;
const zeroRule = (y: Record<string, unknown>) => ({
  data: { values: [{ zero: 0 }] },
  mark: { type: 'rule', color: COLOURS.ink, strokeDash: [4, 4] },
  encoding: { y: { field: 'zero', ...y } },
});

/** The running balance after each day's entries, and the balance assertions of the period. */
export interface BalanceInput {
  points: ReadonlyArray<{ date: string; balance_cents: number }>;
  assertions: ReadonlyArray<{ date: string; expected_cents: number; holds: boolean }>;
}

/** The balance as a step line over dates with zero dashed; each assertion a diamond (blue: holds, vermillion: fails). */
export function balanceChart(input: BalanceInput): ChartSpec {
  // dates are calendar days: UTC, so no time zone moves them
  const x = { field: 'date', type: 'temporal', title: 'date', scale: { type: 'utc' }, axis: { format: '%Y-%m-%d' } };
  const y = { type: 'quantitative', title: 'balance (R$)' };
  const marks = input.assertions.map((a) => ({ date: a.date, reais: reais(a.expected_cents), check: a.holds ? 'assertion holds' : 'assertion fails' }));
  return {
    $schema: SCHEMA,
    title: {
      text: 'Balance over time (R$)',
      subtitle: 'line: balance after each day; diamonds: balance assertions (blue holds, vermillion fails); dashed: zero',
    },
    width: WIDTH,
    height: 200,
    config: CONFIG,
    layer: [
      {
        data: { values: input.points.map((p) => ({ date: p.date, reais: reais(p.balance_cents) })) },
        mark: { type: 'line', interpolate: 'step-after', color: COLOURS.blue, strokeWidth: 2 },
        encoding: { x, y: { field: 'reais', ...y } },
      },
      {
        data: { values: marks },
        mark: { type: 'point', shape: 'diamond', filled: true, size: 90 },
        encoding: {
          x,
          y: { field: 'reais', ...y },
          color: {
            field: 'check',
            type: 'nominal',
            scale: { domain: ['assertion holds', 'assertion fails'], range: [COLOURS.blue, COLOURS.vermillion] },
            title: null,
          },
        },
      },
      zeroRule(y),
    ],
  };
}

/** Net per month (prizes minus bets, reversed entries netted out: `buildLedgerReport`'s net), `month` as YYYY-MM. */
export function monthlyNetChart(months: ReadonlyArray<{ month: string; net_cents: number }>): ChartSpec {
  const y = { type: 'quantitative', title: 'net (R$)' };
  return {
    $schema: SCHEMA,
    title: {
      text: 'Net per month (R$)',
      subtitle: 'prizes minus bets (deposits and withdrawals are cash, not results); blue: the month gained, vermillion: it lost; dashed: zero',
    },
    width: WIDTH,
    height: 200,
    config: CONFIG,
    layer: [
      {
        data: { values: months.map((m) => ({ month: m.month, reais: reais(m.net_cents), sign: m.net_cents >= 0 ? 'gain' : 'loss' })) },
        mark: { type: 'bar' },
        encoding: {
          x: { field: 'month', type: 'ordinal', title: 'month', sort: null, axis: { labelAngle: 0 } },
          y: { field: 'reais', ...y },
          color: { field: 'sign', type: 'nominal', scale: { domain: ['gain', 'loss'], range: [COLOURS.blue, COLOURS.vermillion] }, title: null },
        },
      },
      zeroRule(y),
    ],
  };
}

/** One month of bets and prizes: invested, won, and what the same bets were expected to win (the house edge). */
export interface RoiMonth {
  month: string;
  invested_cents: number;
  won_cents: number;
  expected_won_cents: number;
}

/** (won - invested) / invested x 100, to 2 decimals (`|| 0`: never a negative zero). */
const pct = (won: number, invested: number) => Math.round(((won - invested) / invested) * 10_000) / 100 || 0;

/** The cumulative ROI (%) by month, real and expected; null before anything was invested. */
export function cumulativeRoi(months: readonly RoiMonth[]): Array<{ month: string; real: number | null; expected: number | null }> {
  let invested = 0;
  let won = 0;
  let expected = 0;
  return months.map((m) => {
    invested += m.invested_cents;
    won += m.won_cents;
    expected += m.expected_won_cents;
    return { month: m.month, real: invested > 0 ? pct(won, invested) : null, expected: invested > 0 ? pct(expected, invested) : null };
  });
}

/** Real cumulative ROI (blue) against the exact expected ROI of the same tickets (orange, dashed), with break-even at 0%. */
export function roiChart(months: readonly RoiMonth[]): ChartSpec {
  const values = cumulativeRoi(months).flatMap((r) => [
    ...(r.real === null ? [] : [{ month: r.month, series: 'real ROI', pct: r.real }]),
    ...(r.expected === null ? [] : [{ month: r.month, series: 'expected ROI', pct: r.expected }]),
  ]);
  const y = { type: 'quantitative', title: 'ROI since the start of the period (%)' };
  return {
    $schema: SCHEMA,
    title: {
      text: 'ROI against the expected ROI of the tickets bought',
      subtitle: 'cumulative by month; orange dashed: what the same bets return on average (the house edge); dashed black: break-even',
    },
    width: WIDTH,
    height: 200,
    config: CONFIG,
    layer: [
      {
        data: { values },
        mark: { type: 'line', point: true, strokeWidth: 2 },
        encoding: {
          x: { field: 'month', type: 'ordinal', title: 'month', sort: null, axis: { labelAngle: 0 } },
          y: { field: 'pct', ...y },
          color: { field: 'series', type: 'nominal', scale: { domain: ['real ROI', 'expected ROI'], range: [COLOURS.blue, COLOURS.orange] }, title: null },
          strokeDash: {
            field: 'series',
            type: 'nominal',
            scale: {
              domain: ['real ROI', 'expected ROI'],
              range: [
                [1, 0],
                [6, 4],
              ],
            },
            title: null,
          },
        },
      },
      zeroRule(y),
    ],
  };
}

/** Each budget's spending (bar; vermillion when over) against its limit (black tick). */
export function budgetsChart(budgets: ReadonlyArray<{ name: string; spent_cents: number; amount_cents: number }>): ChartSpec {
  const values = budgets.map((b) => ({
    name: b.name,
    spent: reais(b.spent_cents),
    limit: reais(b.amount_cents),
    state: b.spent_cents > b.amount_cents ? 'over the limit' : 'within the limit',
  }));
  const y = { field: 'name', type: 'nominal', title: 'budget', sort: null };
  const x = { type: 'quantitative', title: 'R$' };
  return {
    $schema: SCHEMA,
    title: { text: 'Budgets: spent against the limit (R$)', subtitle: 'bars: spent in the budget’s window; black tick: its limit' },
    width: WIDTH,
    height: Math.max(40, budgets.length * 26),
    data: { values },
    config: CONFIG,
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          y,
          x: { field: 'spent', ...x },
          color: {
            field: 'state',
            type: 'nominal',
            scale: { domain: ['within the limit', 'over the limit'], range: [COLOURS.blue, COLOURS.vermillion] },
            title: null,
          },
        },
      },
      { mark: { type: 'tick', color: COLOURS.ink, thickness: 3 }, encoding: { y, x: { field: 'limit', ...x } } },
    ],
  };
}
