// Paired differences per contest, the zero line and the mean difference with its 95% interval.
import { describe, expect, it } from 'vitest';
import { meanDifference, pairedDifferenceChart } from '../../../../src/core/charts/compare-charts.js';
import { strictRender } from './strict-render.js';

describe('paired difference chart', () => {
  it('[15.3.13] the mean difference and its interval mean ± 1.96 sd/√n, by hand', () => {
    // diffs 1, 2, 3, 4: mean 2.5, sample sd √(5/3), se √(5/12)
    const d = meanDifference([1, 2, 3, 4]);
    const half = 1.959963984540054 * Math.sqrt(5 / 12);
    expect(d.n).toBe(4);
    expect(d.mean).toBe(2.5);
    expect(d.lo).toBeCloseTo(2.5 - half, 9);
    expect(d.hi).toBeCloseTo(2.5 + half, 9);
    expect(meanDifference([0.5])).toEqual({ n: 1, mean: 0.5, lo: null, hi: null });
    expect(meanDifference([])).toEqual({ n: 0, mean: 0, lo: null, hi: null });
  });

  it('[15.3.14] the chart carries every contest’s difference, the mean band and zero; renders with no warning', async () => {
    const diffs = [
      { contest: 10, diff: 0.2 },
      { contest: 11, diff: -0.2 },
      { contest: 12, diff: 0.6 },
    ];
    const spec = pairedDifferenceChart({ a: 'run-a', b: 'run-b', unit: 'mean hits per ticket', diffs });
    const layers = spec.layer as Array<{ data: { values: Array<Record<string, unknown>> } }>;
    // the band first, the contests drawn on top of it
    expect(layers[1]!.data.values).toEqual(diffs);
    const summary = layers[0]!.data.values[0]!;
    expect(summary.mean).toBeCloseTo(0.2, 12);
    expect(summary.zero).toBe(0);
    expect(summary.lo as number).toBeLessThan(0.2);
    for (const s of [spec, pairedDifferenceChart({ a: 'a', b: 'b', unit: 'net R$', diffs: [{ contest: 1, diff: -5 }] })]) {
      const { svg, warnings } = await strictRender(s);
      expect(warnings).toEqual([]);
      expect(svg).toContain('Paired difference per contest');
    }
  });

  it('[15.3.27] a long comparison is drawn as block means; the mean and its interval still come from every contest', async () => {
    const diffs = Array.from({ length: 6_882 }, (_, i) => ({ contest: i + 1, diff: i % 2 === 0 ? 1 : -0.5 }));
    const spec = pairedDifferenceChart({ a: 'a', b: 'b', unit: 'mean hits per ticket', diffs });
    const layers = spec.layer as Array<{ data: { values: Array<{ contest?: number; diff?: number; mean?: number; lo?: number }> } }>;
    const blocks = layers[1]!.data.values;
    expect(blocks).toHaveLength(Math.ceil(6_882 / Math.ceil(6_882 / 150)));
    // blocks of 46 contests (even length): the block mean is exactly 0.25
    expect(blocks[0]).toEqual({ contest: 24, diff: 0.25 });
    const summary = layers[0]!.data.values[0]!;
    expect(summary.mean).toBeCloseTo(0.25, 12);
    expect(summary.lo).toBeCloseTo(meanDifference(diffs.map((d) => d.diff)).lo!, 12);
    const { svg, warnings } = await strictRender(spec);
    expect(warnings).toEqual([]);
    expect(svg.length).toBeLessThan(200_000);
  });
});
