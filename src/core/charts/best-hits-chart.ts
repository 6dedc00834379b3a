/**
 * A run's best hits per contest over time beside what luck gives THAT contest's tickets: the
 * observed best (points), its exact expectation (line) and the 2.5%-97.5% band of the best under a
 * uniform draw (shaded), from each contest's own null law (src/core/stats/best-hits.ts).
 */
import { type BestHitsTail, bestHitsQuantile, expectedBestHits } from '../stats/best-hits.js';
import type { ChartSpec } from './run-charts.js';
import { COLOURS, CONFIG, SCHEMA, WIDTH } from './style.js';

/** One contest of a run: its best hits and the null law of the best for its tickets. */
export interface BestHitsPoint {
  contest: number;
  best_hits: number;
  tail: BestHitsTail;
}

/** The chart's rows: per contest the observed best, the expectation and the 95% band (computed here, checked by tests). */
export function bestHitsRows(points: readonly BestHitsPoint[]): Array<{ contest: number; best: number; expected: number; lo: number; hi: number }> {
  return points.map((p) => ({
    contest: p.contest,
    best: p.best_hits,
    expected: expectedBestHits(p.tail),
    lo: bestHitsQuantile(p.tail, 0.025),
    hi: bestHitsQuantile(p.tail, 0.975),
  }));
}

/**
 * Best hits per contest (points) over the contests, with the exact expected best (orange line)
 * and the band of the best that uniform draws give 95% of the time for those very tickets
 * (shaded); the subtitle counts the contests above and below the band against the ~2.5% each
 * luck puts there.
 */
export function bestHitsChart(points: readonly BestHitsPoint[]): ChartSpec {
  const values = bestHitsRows(points);
  const above = values.filter((v) => v.best > v.hi).length;
  const below = values.filter((v) => v.best < v.lo).length;
  const x = { field: 'contest', type: 'quantitative', title: 'contest', scale: { zero: false }, axis: { format: 'd' } };
  const y = { type: 'quantitative', title: 'best hits among the contest’s tickets', scale: { domain: [0, 5] }, axis: { tickCount: 6, format: 'd' } };
  return {
    $schema: SCHEMA,
    title: {
      text: 'Best hits per contest, with the band luck gives those tickets',
      subtitle: `points: best ticket; orange line: exact expected best; shaded: 95% band under uniform draws; ${above} contests above it, ${below} below (of ${values.length})`,
    },
    width: WIDTH,
    height: 200,
    data: { values },
    config: CONFIG,
    layer: [
      { mark: { type: 'area', interpolate: 'step', color: COLOURS.band, opacity: 0.35 }, encoding: { x, y: { field: 'lo', ...y }, y2: { field: 'hi' } } },
      { mark: { type: 'line', interpolate: 'step', color: COLOURS.orange, strokeWidth: 2 }, encoding: { x, y: { field: 'expected', ...y } } },
      { mark: { type: 'circle', color: COLOURS.blue, size: 14, opacity: 0.7 }, encoding: { x, y: { field: 'best', ...y } } },
    ],
  };
}
