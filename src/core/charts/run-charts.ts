/**
 * The charts of a run, defined once as vega-lite 5 specs (plain data, rendered to SVG by
 * `engine/charts/render.ts`): the hit distribution beside its exact expectation and the 95% band
 * luck alone gives, and the cumulative net with its drawdown and break-even line.
 */
import { binomialQuantile } from '../stats/binomial.js';
import { CONFIG, MAX_CONTEST_MARKS, WIDTH, contestBlocks, contestX, symlogCountScale } from './style.js';

/** A vega-lite specification, as JSON. */
export type ChartSpec = Record<string, unknown>;

/** One hit level of a run's baseline (`summary.baseline.distribution`). */
export interface HitLevel {
  hits: number;
  observed: number;
  expected: number;
  probability: number;
}

/** A contest's money, as the run file stores it. */
export interface ContestMoney {
  contest: number;
  cost_cents: number;
  prize_cents: number;
}

/** The 95% band of a hit level's ticket count under uniform draws: the 2.5% and 97.5% binomial quantiles. */
export function nullBand(tickets: number, probability: number): [number, number] {
  return [binomialQuantile(0.025, tickets, probability), binomialQuantile(0.975, tickets, probability)];
}

/**
 * Tickets by number of hits: the observed count (bars), the exact expected count (a tick) and the
 * 95% band of counts uniform draws give (a rule), on a symmetric log scale so 4 and 5 hits stay visible.
 */
export function hitDistributionChart(levels: readonly HitLevel[], tickets: number): ChartSpec {
  const values = levels.map((l) => {
    const [lo, hi] = nullBand(tickets, l.probability);
    return { hits: String(l.hits), observed: l.observed, expected: l.expected, lo, hi };
  });
  // symlog: linear near zero, logarithmic beyond, so 0 and 4 or 5 hits stay visible beside thousands
  const y = {
    type: 'quantitative',
    title: 'tickets (symmetric log scale)',
    ...symlogCountScale(Math.max(...values.flatMap((v) => [v.observed, v.expected, v.hi]))),
  };
  const x = { field: 'hits', type: 'ordinal', title: 'hits per ticket', axis: { labelAngle: 0 } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: {
      text: 'Hits per ticket: observed, exact expectation, 95% band of luck',
      subtitle: 'bars: tickets observed; red tick: exact expectation; black line: the 95% band of uniform draws',
    },
    width: WIDTH,
    height: 220,
    data: { values },
    config: CONFIG,
    layer: [
      { mark: { type: 'bar', color: '#4c78a8', opacity: 0.8 }, encoding: { x, y: { field: 'observed', ...y } } },
      { mark: { type: 'rule', color: '#222', strokeWidth: 2 }, encoding: { x, y: { field: 'lo', ...y }, y2: { field: 'hi' } } },
      { mark: { type: 'tick', color: '#e45756', thickness: 3, size: 30 }, encoding: { x, y: { field: 'expected', ...y } } },
    ],
  };
}

/**
 * The points of a step series worth drawing when there are more than a plot can show: per block of
 * consecutive points its first, lowest, highest and last (in order, each once), so every peak and
 * trough (the largest drawdown included) is drawn exactly where it is.
 */
function keepExtremes<T extends { reais: number }>(series: readonly T[]): T[] {
  if (series.length <= MAX_CONTEST_MARKS) return [...series];
  return contestBlocks(series, 250).flatMap((b) => {
    let lo = 0;
    let hi = 0;
    b.forEach((v, i) => {
      if (v.reais < b[lo]!.reais) lo = i;
      if (v.reais > b[hi]!.reais) hi = i;
    });
    return [...new Set([0, lo, hi, b.length - 1])].sort((x, y) => x - y).map((i) => b[i]!);
  });
}

/**
 * Cumulative net (prizes minus cost) over contests, the drawdown from its running peak, and the
 * break-even line at zero. Over {@link MAX_CONTEST_MARKS} contests each line keeps, per block of
 * contests, its first, lowest, highest and last point (see keepExtremes).
 */
export function cumulativeNetChart(contests: readonly ContestMoney[]): ChartSpec {
  let net = 0;
  let peak = 0;
  const series = contests.map((c) => {
    net += c.prize_cents - c.cost_cents;
    peak = Math.max(peak, net);
    return { contest: c.contest, net: net / 100, drawdown: (net - peak) / 100 };
  });
  const values = [
    ...keepExtremes(series.map((v) => ({ contest: v.contest, series: 'cumulative net', reais: v.net }))),
    ...keepExtremes(series.map((v) => ({ contest: v.contest, series: 'drawdown', reais: v.drawdown }))),
  ].sort((a, b) => a.contest - b.contest);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'Cumulative net and drawdown (R$); break-even at 0',
    width: WIDTH,
    height: 220,
    config: CONFIG,
    layer: [
      {
        data: { values },
        mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 },
        encoding: {
          x: contestX(contests.map((c) => c.contest)),
          y: { field: 'reais', type: 'quantitative', title: 'R$' },
          color: { field: 'series', type: 'nominal', scale: { domain: ['cumulative net', 'drawdown'], range: ['#4c78a8', '#e45756'] }, title: null },
          // dashed drawdown: where the net never rose above zero, the two lines coincide and both stay visible
          strokeDash: {
            field: 'series',
            type: 'nominal',
            scale: {
              domain: ['cumulative net', 'drawdown'],
              range: [
                [1, 0],
                [5, 3],
              ],
            },
            title: null,
          },
        },
      },
      { data: { values: [{ zero: 0 }] }, mark: { type: 'rule', strokeDash: [4, 4], color: '#222' }, encoding: { y: { field: 'zero', type: 'quantitative' } } },
    ],
  };
}
