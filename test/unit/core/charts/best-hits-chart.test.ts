// Best hits per contest beside each contest's own band of luck.
import { describe, expect, it } from 'vitest';
import { bestHitsChart, bestHitsPoints, bestHitsRows } from '../../../../src/core/charts/best-hits-chart.js';
import { bestOfLaw, bestOfRng, formatBestOfLaw } from '../../../../src/core/best-of.js';
import { choose } from '../../../../src/core/finance/prices.js';
import { bestHitsTail } from '../../../../src/core/stats/best-hits.js';
import { strictRender } from './strict-render.js';

describe('best hits chart', () => {
  const one = [3, 17, 29, 44, 80];
  const all = Array.from({ length: 80 }, (_, i) => i + 1);
  const points = [
    {
      contest: 100,
      best_hits: 1,
      tail: bestHitsTail(
        one,
        5,
        bestOfLaw(one, 5, () => bestOfRng(1, 100)),
      ),
    },
    {
      contest: 101,
      best_hits: 3,
      tail: bestHitsTail(
        one,
        5,
        bestOfLaw(one, 5, () => bestOfRng(1, 101)),
      ),
    },
    {
      contest: 102,
      best_hits: 0,
      tail: bestHitsTail(
        all,
        5,
        bestOfLaw(all, 5, () => bestOfRng(1, 102)),
      ),
    },
  ];

  it('[15.3.6] each contest carries its best, its exact expected best and its own 95% band', () => {
    const rows = bestHitsRows(points);
    expect(rows.map((r) => [r.contest, r.best, r.lo, r.hi])).toEqual([
      [100, 1, 0, 2],
      [101, 3, 0, 2],
      [102, 0, 1, 2],
    ]);
    expect(rows[0]!.expected).toBeCloseTo(25 / 80, 12);
    // 16 disjoint tickets: E[best] = 1 + P(>= 2) + ... > 1
    expect(rows[2]!.expected).toBeGreaterThan(1);
    const spec = bestHitsChart(points);
    expect(JSON.stringify(spec.title)).toContain('1 contest above the band, 1 below (of 3;');
  });

  it('[15.3.7] renders to SVG with no warning; a long run is drawn in blocks, its counts and band kept', async () => {
    const { svg, warnings } = await strictRender(bestHitsChart(points));
    expect(warnings).toEqual([]);
    expect(svg).toContain('Best hits per contest');
    // 6,882 contests of the same tickets, best hits cycling 0, 1, 2, 3
    const tail = points[0]!.tail;
    const long = Array.from({ length: 6_882 }, (_, i) => ({ contest: i + 1, best_hits: i % 4, tail }));
    const spec = bestHitsChart(long);
    const layers = spec.layer as Array<{ data: { values: Array<Record<string, number>> } }>;
    const dots = layers[1]!.data.values;
    expect(dots.reduce((s, d) => s + d.contests!, 0)).toBe(6_882);
    expect(dots.length).toBeLessThanOrEqual(140 * 4);
    expect(layers[0]!.data.values.every((b) => b.lo === 0 && b.hi === 2)).toBe(true);
    // 3 hits is above the band [0, 2]: a quarter of the contests
    expect(JSON.stringify(spec.title)).toContain('1720 contests above the band, 0 below (of 6882;');
    const drawn = await strictRender(spec);
    expect(drawn.warnings).toEqual([]);
    expect(drawn.svg.length).toBeLessThan(200_000);
  });
});

describe('bestHitsPoints', () => {
  it('[15.3.25] merges a run file’s contests and tickets; a missing stored law is recomputed the engine’s way, to the same tail', () => {
    const tickets = [
      { contest: 99, numbers: [1, 2, 3, 4, 5] }, // a contest not listed: skipped
      { contest: 100, numbers: [3, 17, 29, 44, 80] },
      { contest: 100, numbers: [1, 2, 3, 4, 5] },
      { contest: 101, numbers: [6, 7, 8, 9, 10] },
    ];
    const stored = formatBestOfLaw(bestOfLaw([3, 17, 29, 44, 80, 1, 2, 3, 4, 5], 5, () => bestOfRng(7, 100)));
    const fromStored = bestHitsPoints(
      [
        { contest: 100, best_hits: 2, best_of: stored },
        { contest: 101, best_hits: 0, best_of: null },
      ],
      tickets,
      5,
      7,
    );
    const recomputed = bestHitsPoints(
      [
        { contest: 100, best_hits: 2, best_of: null },
        { contest: 101, best_hits: 0, best_of: null },
      ],
      tickets,
      5,
      7,
    );
    expect(recomputed).toEqual(fromStored);
    expect(fromStored.map((p) => [p.contest, p.best_hits])).toEqual([
      [100, 2],
      [101, 0],
    ]);
    // contest 100: 9 distinct numbers, 2 tickets; contest 101: one ticket
    expect(fromStored[0]!.tail[1]).toBeCloseTo(1 - choose(71, 5) / choose(80, 5), 15);
    expect(fromStored[0]!.tail[5]).toBe(2 / choose(80, 5));
    expect(fromStored[1]!.tail[1]).toBeCloseTo(1 - choose(75, 5) / choose(80, 5), 15);
  });
});
