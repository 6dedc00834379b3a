/**
 * A run's best hits per contest over time beside what luck gives THAT contest's tickets: the
 * observed best (points), its exact expectation (line) and the 2.5%-97.5% band of the best under a
 * uniform draw (shaded), from each contest's own null law (src/core/stats/best-hits.ts).
 */
import { bestOfLaw, bestOfRng, parseBestOfLaw } from '../best-of.js';
import { type BestHitsTail, bestHitsQuantile, bestHitsTail, expectedBestHits } from '../stats/best-hits.js';
import type { ChartSpec } from './run-charts.js';
import { countOf } from './text.js';
import { COLOURS, CONFIG, MAX_CONTEST_MARKS, SCHEMA, WIDTH, contestBlocks, contestX } from './style.js';

/** One contest of a run: its best hits and the null law of the best for its tickets. */
export interface BestHitsPoint {
  contest: number;
  best_hits: number;
  tail: BestHitsTail;
}

/** A contest of a run file as the chart needs it: `best_of` is the stored law's text (src/core/best-of.ts), null in old files. */
export interface BestHitsContest {
  contest: number;
  best_hits: number;
  best_of: string | null;
}

/**
 * The chart's input from a run file: its contests in contest order and its tickets in (contest,
 * ticket) order (read as one stream beside the other: one contest's tickets are held at a time),
 * k numbers per ticket. Each contest takes its stored best-of law; a file written before the law was stored gets it recomputed the
 * way the engine computes it (`bestOfLaw` with the run's `seed`), so the band is the same.
 */
export function bestHitsPoints(
  contests: readonly BestHitsContest[],
  tickets: Iterable<{ contest: number; numbers: readonly number[] }>,
  k: number,
  seed: number,
): BestHitsPoint[] {
  // a merge of two ordered streams: the tickets of one contest are held at a time
  const it = tickets[Symbol.iterator]();
  let next = it.next();
  const points = contests.map((c) => {
    const flat: number[] = [];
    while (!next.done && next.value.contest <= c.contest) {
      if (next.value.contest === c.contest) flat.push(...next.value.numbers);
      next = it.next();
    }
    const law = parseBestOfLaw(c.best_of) ?? bestOfLaw(flat, k, () => bestOfRng(seed, c.contest));
    return { contest: c.contest, best_hits: c.best_hits, tail: bestHitsTail(flat, k, law) };
  });
  it.return?.(); // a reader of a run file stops here
  return points;
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
 * luck puts there. Over {@link MAX_CONTEST_MARKS} contests, blocks of consecutive contests are
 * drawn instead: per block one dot per best reached (its size: how many contests), the mean
 * expected best, and the band's widest extent over the block.
 */
export function bestHitsChart(points: readonly BestHitsPoint[]): ChartSpec {
  const rows = bestHitsRows(points);
  const above = rows.filter((v) => v.best > v.hi).length;
  const below = rows.filter((v) => v.best < v.lo).length;
  const x = contestX(rows.map((r) => r.contest));
  const y = { type: 'quantitative', title: 'best hits among the contest’s tickets', scale: { domain: [0, 5] }, axis: { tickCount: 6, format: 'd' } };
  const blocked = rows.length > MAX_CONTEST_MARKS;
  const blocks = blocked ? contestBlocks(rows, 140) : rows.map((r) => [r]);
  const band = blocks.map((b) => ({
    contest: b[0]!.contest,
    lo: Math.min(...b.map((r) => r.lo)),
    hi: Math.max(...b.map((r) => r.hi)),
    expected: b.reduce((s, r) => s + r.expected, 0) / b.length,
  }));
  // the last step ends at the last contest
  if (blocked && band.length) band.push({ ...band.at(-1)!, contest: rows.at(-1)!.contest });
  const dots = blocks.flatMap((b) => {
    const mid = b[Math.floor(b.length / 2)]!.contest;
    const counts = new Map<number, number>();
    for (const r of b) counts.set(r.best, (counts.get(r.best) ?? 0) + 1);
    return [...counts].map(([best, contests]) => ({ contest: mid, best, contests }));
  });
  // one contest per row: a step centred on it; blocks: from each block's first contest to the next
  const step = blocked ? 'step-after' : 'step';
  const what = blocked ? `dots: the best reached in each block of ${blocks[0]!.length} contests (size: how many)` : 'points: best ticket';
  return {
    $schema: SCHEMA,
    title: {
      text: 'Best hits per contest, with the band luck gives those tickets',
      subtitle: [
        `${what}; orange line: exact expected best; shaded: 95% band under uniform draws`,
        `${countOf(above, 'contest')} above the band, ${below} below (of ${rows.length}; luck puts about 2.5% on each side at most)`,
      ],
    },
    width: WIDTH,
    height: 200,
    config: CONFIG,
    layer: [
      {
        data: { values: band },
        layer: [
          { mark: { type: 'area', interpolate: step, color: COLOURS.band, opacity: 0.35 }, encoding: { x, y: { field: 'lo', ...y }, y2: { field: 'hi' } } },
          { mark: { type: 'line', interpolate: step, color: COLOURS.orange, strokeWidth: 2 }, encoding: { x, y: { field: 'expected', ...y } } },
        ],
      },
      {
        data: { values: dots },
        mark: { type: 'circle', color: COLOURS.blue, opacity: 0.7, ...(blocked ? {} : { size: 14 }) },
        encoding: {
          x,
          y: { field: 'best', ...y },
          ...(blocked ? { size: { field: 'contests', type: 'quantitative', scale: { range: [4, 80] }, legend: null } } : {}),
        },
      },
    ],
  };
}
