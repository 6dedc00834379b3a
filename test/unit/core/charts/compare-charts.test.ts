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
    expect(layers[0]!.data.values).toEqual(diffs);
    const summary = layers[1]!.data.values[0]!;
    expect(summary.mean).toBeCloseTo(0.2, 12);
    expect(summary.zero).toBe(0);
    expect(summary.lo as number).toBeLessThan(0.2);
    for (const s of [spec, pairedDifferenceChart({ a: 'a', b: 'b', unit: 'net R$', diffs: [{ contest: 1, diff: -5 }] })]) {
      const { svg, warnings } = await strictRender(s);
      expect(warnings).toEqual([]);
      expect(svg).toContain('Paired difference per contest');
    }
  });
});
