// Whole-number axes for contests and counts (src/core/charts/style.ts), checked on the charts that
// draw them: no tick between two contests, no label twice.
import { describe, expect, it } from 'vitest';
import { bestOfLaw, bestOfRng } from '../../../../src/core/best-of.js';
import { bestHitsChart } from '../../../../src/core/charts/best-hits-chart.js';
import { pairedDifferenceChart } from '../../../../src/core/charts/compare-charts.js';
import { numberFrequencyChart } from '../../../../src/core/charts/draw-charts.js';
import { cumulativeNetChart, hitDistributionChart } from '../../../../src/core/charts/run-charts.js';
import { contestX, countScale, integerTicks, symlogCountScale } from '../../../../src/core/charts/style.js';
import type { DrawStats } from '../../../../src/core/draw-stats.js';
import { bestHitsTail } from '../../../../src/core/stats/best-hits.js';
import { axisLabels, strictRender } from './strict-render.js';

const unique = (xs: readonly string[]) => new Set(xs).size === xs.length;

describe('whole-number axes', () => {
  it('[15.3.30] integer ticks: a step of 1, 2 or 5 x 10^k, never under 1, inside the range', () => {
    expect(integerTicks(6880, 6882)).toEqual([6880, 6881, 6882]);
    expect(integerTicks(1, 6882)).toEqual([1000, 2000, 3000, 4000, 5000, 6000]);
    expect(integerTicks(3, 3)).toEqual([3]);
    expect(integerTicks(0, 35, 6)).toEqual([0, 10, 20, 30]);
    expect(contestX([6880, 6881, 6882])).toMatchObject({ scale: { domain: [6879.5, 6882.5], nice: false }, axis: { format: 'd', values: [6880, 6881, 6882] } });
    expect(countScale(2)).toEqual({ scale: { domain: [0, 2], nice: false }, axis: { format: 'd', values: [0, 1, 2] } });
    expect(countScale(177).scale.domain).toEqual([0, 200]);
    expect(symlogCountScale(800_000).axis.values).toEqual([0, 1, 10, 100, 1_000, 10_000, 100_000, 1_000_000]);
    expect(symlogCountScale(43).axis.values).toEqual([0, 1, 2, 5, 10, 20, 50]);
    expect(symlogCountScale(3).axis.values).toEqual([0, 1, 2, 3]);
  });

  it('[15.3.31] every chart with contests on x shows each contest once, whole numbers only (3 contests used to read 6880 6881 6881 6882 6882)', async () => {
    const contests = [6880, 6881, 6882];
    const ticket = [3, 17, 29, 44, 80];
    const tail = bestHitsTail(
      ticket,
      5,
      bestOfLaw(ticket, 5, () => bestOfRng(1, 6880)),
    );
    const specs = [
      pairedDifferenceChart({ a: 'a', b: 'b', unit: 'mean hits per ticket', diffs: contests.map((contest, i) => ({ contest, diff: i / 10 - 0.1 })) }),
      cumulativeNetChart(contests.map((contest) => ({ contest, cost_cents: 300, prize_cents: 0 }))),
      bestHitsChart(contests.map((contest) => ({ contest, best_hits: 1, tail }))),
    ];
    for (const spec of specs) {
      const { svg, warnings } = await strictRender(spec);
      expect(warnings).toEqual([]);
      expect(axisLabels(svg).contest).toEqual(['6880', '6881', '6882']);
    }
    // a long run: round thousands, each once
    const long = await strictRender(cumulativeNetChart(Array.from({ length: 6882 }, (_, i) => ({ contest: i + 1, cost_cents: 300, prize_cents: 0 }))));
    const labels = axisLabels(long.svg).contest!;
    expect(unique(labels)).toBe(true);
    expect(labels.every((l) => /^\d+$/.test(l))).toBe(true);
  });

  it('[15.3.32] count axes show whole numbers: 3 draws no longer tick at 0.5; a million tickets tick at 1, 10, 100, ... on the log scale', async () => {
    const stats = {
      frequency: Array.from({ length: 80 }, (_, i) => ({ number: i + 1, count: i % 3 })),
      expected_per_number: 15 / 80,
      chi_square: { statistic: 80, df: 79, p_value: 0.45 },
    } as unknown as Pick<DrawStats, 'frequency' | 'expected_per_number' | 'chi_square'>;
    const freq = await strictRender(numberFrequencyChart(stats, 3));
    expect(freq.warnings).toEqual([]);
    expect(axisLabels(freq.svg)['times drawn']).toEqual(['0', '1', '2']);
    expect(freq.svg).toContain('(3 draws)');
    const p = [0.7179, 0.2528, 0.02809, 0.001154, 0.0000156, 4.16e-8];
    const level = (tickets: number) =>
      p.map((probability, hits) => ({ hits, observed: Math.round(probability * tickets), expected: probability * tickets, probability }));
    const big = await strictRender(hitDistributionChart(level(1_000_000), 1_000_000));
    expect(big.warnings).toEqual([]);
    expect(axisLabels(big.svg)['tickets (symmetric log scale)']).toEqual(['0', '1', '10', '100', '1,000', '10,000', '100,000', '1,000,000']);
    const small = await strictRender(hitDistributionChart(level(5), 5));
    expect(axisLabels(small.svg)['tickets (symmetric log scale)']!.every((l) => /^\d+$/.test(l))).toBe(true);
  });
});
