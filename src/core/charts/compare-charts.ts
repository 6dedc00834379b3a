/**
 * A comparison's chart: the paired difference per contest (run A minus run B, in mean hits per
 * ticket or in net), the zero line where neither is ahead, and the mean difference with its 95%
 * interval as a band, so a "winner" can be seen against the draw-to-draw noise.
 */
import { mean, stdSample } from '../stats/descriptive.js';
import { meanInterval } from '../stats/estimates.js';
import { formatNumber } from '../stats/format.js';
import type { ChartSpec } from './run-charts.js';
import { countOf } from './text.js';
import { COLOURS, CONFIG, MAX_CONTEST_MARKS, SCHEMA, WIDTH, contestBlocks, contestX } from './style.js';

/** The mean of paired differences with its normal 95% interval (null interval under 2 contests). */
export interface MeanDifference {
  n: number;
  mean: number;
  lo: number | null;
  hi: number | null;
}

/** Mean difference and its 95% interval mean ± 1.96·sd/√n (sample sd). */
export function meanDifference(diffs: readonly number[]): MeanDifference {
  const n = diffs.length;
  if (n === 0) return { n, mean: 0, lo: null, hi: null };
  const m = mean(diffs);
  if (n < 2) return { n, mean: m, lo: null, hi: null };
  const [lo, hi] = meanInterval(m, stdSample(diffs), n);
  return { n, mean: m, lo, hi };
}

/**
 * Per contest both runs covered, A minus B (points), the zero line (black), the mean difference
 * (blue line) and its 95% interval (shaded). `unit` names what is differenced ("mean hits per
 * ticket", "net R$"). Over {@link MAX_CONTEST_MARKS} contests each point is the mean difference
 * over a block of consecutive contests (the mean and its interval still come from every contest).
 */
export function pairedDifferenceChart(input: { a: string; b: string; unit: string; diffs: ReadonlyArray<{ contest: number; diff: number }> }): ChartSpec {
  const d = meanDifference(input.diffs.map((x) => x.diff));
  const y = { type: 'quantitative', title: `${input.unit}: A minus B` };
  const interval = d.lo === null ? 'no interval (fewer than 2 contests)' : `95% interval ${formatNumber(d.lo, 3)} to ${formatNumber(d.hi!, 3)}`;
  const summary = [{ mean: d.mean, lo: d.lo ?? d.mean, hi: d.hi ?? d.mean, zero: 0 }];
  const blocked = input.diffs.length > MAX_CONTEST_MARKS;
  const blocks = blocked ? contestBlocks(input.diffs, 150) : [];
  const points = blocked ? blocks.map((b) => ({ contest: b[Math.floor(b.length / 2)]!.contest, diff: mean(b.map((x) => x.diff)) })) : input.diffs;
  const x = contestX(input.diffs.map((v) => v.contest));
  const what = blocked ? `grey: the mean difference over each block of ${blocks[0]!.length} contests` : 'grey: each contest';
  return {
    $schema: SCHEMA,
    title: {
      text: `Paired difference per contest: A minus B (${input.unit})`,
      subtitle: [
        `A = ${input.a}, B = ${input.b}; ${countOf(d.n, 'shared contest')}; ${what}`,
        `blue line: mean difference ${formatNumber(d.mean, 3)}, shaded: its ${interval}; black: zero (no difference)`,
      ],
    },
    width: WIDTH,
    height: 220,
    config: CONFIG,
    layer: [
      {
        data: { values: summary },
        layer: [
          { mark: { type: 'rect', color: COLOURS.band, opacity: 0.45 }, encoding: { y: { field: 'lo', ...y }, y2: { field: 'hi' } } },
          { mark: { type: 'rule', color: COLOURS.blue, strokeWidth: 2 }, encoding: { y: { field: 'mean', ...y } } },
          { mark: { type: 'rule', color: COLOURS.ink, strokeDash: [4, 4] }, encoding: { y: { field: 'zero', ...y } } },
        ],
      },
      // the contests last, on top of the band: under it, the few points of a short comparison vanished
      {
        data: { values: points },
        mark: { type: 'circle', color: COLOURS.grey, size: points.length > 60 ? 14 : 40, opacity: 0.85, stroke: COLOURS.ink, strokeWidth: 0.5 },
        encoding: { x, y: { field: 'diff', ...y } },
      },
    ],
  };
}
