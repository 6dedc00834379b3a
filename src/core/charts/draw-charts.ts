/**
 * The draws' per-number frequency beside its exact expectation: 80 bars (how often each number
 * was drawn), the expectation draws x 5/80 and the 95% band of one number's count under uniform
 * draws (binomial quantiles), with the chi-square uniformity test (src/core/draw-stats.ts) in the
 * subtitle.
 */
import { BALL_MAX, BALLS_PER_DRAW } from '../draw.js';
import type { DrawStats } from '../draw-stats.js';
import { binomialQuantile } from '../stats/binomial.js';
import { formatPValue } from '../stats/format.js';
import type { ChartSpec } from './run-charts.js';
import { countOf } from './text.js';
import { COLOURS, CONFIG, SCHEMA, WIDTH, countScale } from './style.js';

/** The 95% band of one number's count in `draws` uniform draws: Binomial(draws, 5/80) at 2.5% and 97.5%. */
export function numberBand(draws: number): [number, number] {
  const p = BALLS_PER_DRAW / BALL_MAX;
  return [binomialQuantile(0.025, draws, p), binomialQuantile(0.975, draws, p)];
}

/**
 * How often each number 1..80 was drawn in `draws` draws (bars; outside the band in vermillion),
 * the exact expectation (orange line) and the 95% band of luck (shaded); the subtitle gives the
 * chi-square statistic, its degrees of freedom and p-value, and how many numbers fall outside the
 * band against the ~4 of 80 luck puts there.
 */
export function numberFrequencyChart(stats: Pick<DrawStats, 'frequency' | 'expected_per_number' | 'chi_square'>, draws: number): ChartSpec {
  const [lo, hi] = numberBand(draws);
  const values = stats.frequency.map((f) => ({
    number: f.number,
    count: f.count,
    outside: f.count < lo || f.count > hi ? 'outside the band' : 'inside the band',
  }));
  const outside = values.filter((v) => v.outside === 'outside the band').length;
  const chi = stats.chi_square;
  // whole-number ticks: a few draws otherwise get ticks every half draw
  const y = { type: 'quantitative', title: 'times drawn', ...countScale(Math.max(hi, ...values.map((v) => v.count))) };
  return {
    $schema: SCHEMA,
    title: {
      text: `How often each number was drawn (${countOf(draws, 'draw')})`,
      subtitle: [
        `orange line: exact expectation ${stats.expected_per_number.toFixed(2)}; shaded: 95% band ${lo}-${hi} per number; ${outside} of 80 outside (about 4 by luck)`,
        `uniformity: chi-square ${chi.statistic.toFixed(1)} on ${chi.df} df, p = ${formatPValue(chi.p_value)}`,
      ],
    },
    width: WIDTH,
    height: 220,
    config: CONFIG,
    layer: [
      {
        data: { values: [{ lo, hi, expected: stats.expected_per_number }] },
        layer: [
          { mark: { type: 'rect', color: COLOURS.band, opacity: 0.35 }, encoding: { y: { field: 'lo', ...y }, y2: { field: 'hi' } } },
          { mark: { type: 'rule', color: COLOURS.orange, strokeWidth: 2 }, encoding: { y: { field: 'expected', ...y } } },
        ],
      },
      {
        data: { values },
        mark: { type: 'bar', opacity: 0.85 },
        encoding: {
          x: { field: 'number', type: 'ordinal', title: 'number', axis: { values: [1, 10, 20, 30, 40, 50, 60, 70, 80], labelAngle: 0 } },
          y: { field: 'count', ...y },
          color: {
            field: 'outside',
            type: 'nominal',
            scale: { domain: ['inside the band', 'outside the band'], range: [COLOURS.blue, COLOURS.vermillion] },
            title: null,
          },
        },
      },
    ],
  };
}
