// Best hits per contest beside each contest's own band of luck.
import { describe, expect, it } from 'vitest';
import { bestHitsChart, bestHitsRows } from '../../../../src/core/charts/best-hits-chart.js';
import { bestOfLaw, bestOfRng } from '../../../../src/core/best-of.js';
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
    expect(JSON.stringify(spec.title)).toContain('1 contests above it, 1 below (of 3)');
  });

  it('[15.3.7] renders to SVG with no warning', async () => {
    const { svg, warnings } = await strictRender(bestHitsChart(points));
    expect(warnings).toEqual([]);
    expect(svg).toContain('Best hits per contest');
  });
});
