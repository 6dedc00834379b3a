// The draws' per-number frequency with its exact expectation, the binomial band and the uniformity test.
import { describe, expect, it } from 'vitest';
import { numberBand, numberFrequencyChart } from '../../../../src/core/charts/draw-charts.js';
import { type Balls } from '../../../../src/core/draw.js';
import { computeDrawStats } from '../../../../src/core/draw-stats.js';
import { binomialCdf } from '../../../../src/core/stats/binomial.js';
import { strictRender } from './strict-render.js';

describe('number frequency chart', () => {
  it('[15.3.8] the band is the 2.5% and 97.5% quantiles of Binomial(draws, 1/16)', () => {
    const [lo, hi] = numberBand(6_882);
    const p = 5 / 80;
    expect(binomialCdf(lo, 6_882, p)).toBeGreaterThanOrEqual(0.025);
    expect(binomialCdf(lo - 1, 6_882, p)).toBeLessThan(0.025);
    expect(binomialCdf(hi, 6_882, p)).toBeGreaterThanOrEqual(0.975);
    expect(binomialCdf(hi - 1, 6_882, p)).toBeLessThan(0.975);
    expect(lo).toBeLessThan(6_882 / 16);
    expect(hi).toBeGreaterThan(6_882 / 16);
  });

  it('[15.3.9] 80 bars, the expectation draws x 5/80, numbers outside the band marked, the chi-square in the subtitle; renders', async () => {
    // 160 draws that cycle through 1..80: every number drawn exactly 10 times, chi-square 0
    const draws = Array.from({ length: 160 }, (_, i) => Array.from({ length: 5 }, (_, j) => ((i * 5 + j) % 80) + 1) as unknown as Balls);
    draws[0] = [1, 2, 3, 4, 6] as unknown as Balls; // number 5 drawn 9 times, 6 drawn 11
    const stats = computeDrawStats(draws);
    const spec = numberFrequencyChart(stats, draws.length);
    const layers = spec.layer as Array<{ data: { values: Array<Record<string, unknown>> } }>;
    expect(layers[0]!.data.values).toEqual([{ lo: 4, hi: 16, expected: 10 }]);
    const bars = layers[1]!.data.values;
    expect(bars).toHaveLength(80);
    expect(bars[4]).toEqual({ number: 5, count: 9, outside: 'inside the band' });
    expect(bars[5]).toEqual({ number: 6, count: 11, outside: 'inside the band' });
    expect(JSON.stringify(spec.title)).toContain(`chi-square ${stats.chi_square.statistic.toFixed(1)} on 79 df`);
    const { svg, warnings } = await strictRender(spec);
    expect(warnings).toEqual([]);
    expect(svg).toContain('How often each number was drawn');
  });
});
