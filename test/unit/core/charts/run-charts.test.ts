// The run charts' specs: the band of luck around each hit level, and the net series.
import { describe, expect, it } from 'vitest';
import { cumulativeNetChart, hitDistributionChart, nullBand } from '../../../../src/core/charts/run-charts.js';
import { binomialCdf } from '../../../../src/core/stats/binomial.js';
import { strictRender } from './strict-render.js';

describe('run charts', () => {
  it('[15.1.4] the 95% band of a hit level is the 2.5% and 97.5% binomial quantiles, around the expectation', () => {
    const n = 1250;
    const p = 0.0280885836348861; // 2 hits of 5 numbers
    const [lo, hi] = nullBand(n, p);
    expect(lo).toBeLessThanOrEqual(n * p);
    expect(hi).toBeGreaterThanOrEqual(n * p);
    expect(binomialCdf(lo, n, p)).toBeGreaterThanOrEqual(0.025);
    expect(binomialCdf(lo - 1, n, p)).toBeLessThan(0.025);
    expect(binomialCdf(hi, n, p)).toBeGreaterThanOrEqual(0.975);
    expect(binomialCdf(hi - 1, n, p)).toBeLessThan(0.975);
    // a level luck almost never reaches: the band is [0, 0] or [0, 1]
    expect(nullBand(n, 4.159731008498497e-8)).toEqual([0, 0]);
  });

  it('[15.1.5] the hit chart carries observed, expected and band per level; the net chart the running net and its drawdown', () => {
    const spec = hitDistributionChart(
      [
        { hits: 0, observed: 900, expected: 897.4, probability: 0.718 },
        { hits: 1, observed: 350, expected: 316, probability: 0.2528 },
      ],
      1250,
    );
    const values = (spec.data as { values: Array<Record<string, unknown>> }).values;
    expect(values.map((v) => [v.hits, v.observed, v.expected])).toEqual([
      ['0', 900, 897.4],
      ['1', 350, 316],
    ]);
    const net = cumulativeNetChart([
      { contest: 10, cost_cents: 500, prize_cents: 0 },
      { contest: 11, cost_cents: 500, prize_cents: 2_000 },
      { contest: 12, cost_cents: 500, prize_cents: 0 },
    ]);
    const layer = (net.layer as Array<{ data: { values: Array<{ contest: number; series: string; reais: number }> } }>)[0]!;
    expect(layer.data.values.filter((v) => v.series === 'cumulative net').map((v) => v.reais)).toEqual([-5, 10, 5]);
    expect(layer.data.values.filter((v) => v.series === 'drawdown').map((v) => v.reais)).toEqual([-5, 0, -5]);
  });
});

describe('a long run’s net', () => {
  it('[15.3.28] over 500 contests each line keeps per block its first, lowest, highest and last point: the final net and the largest drawdown exactly', async () => {
    // a jackpot at contest 3,000, then a slow bleed
    const contests = Array.from({ length: 6_882 }, (_, i) => ({
      contest: i + 1,
      cost_cents: 250,
      prize_cents: i === 2_999 ? 1_000_000 : i % 7 === 0 ? 400 : 0,
    }));
    let net = 0;
    let peak = 0;
    let worst = 0;
    for (const c of contests) {
      net += c.prize_cents - c.cost_cents;
      peak = Math.max(peak, net);
      worst = Math.min(worst, net - peak);
    }
    const spec = cumulativeNetChart(contests);
    const values = (spec.layer as Array<{ data: { values: Array<{ contest: number; series: string; reais: number }> } }>)[0]!.data.values;
    const netLine = values.filter((v) => v.series === 'cumulative net');
    const drawdown = values.filter((v) => v.series === 'drawdown');
    expect(netLine.length).toBeLessThanOrEqual(1_000);
    expect(netLine.at(-1)).toEqual({ contest: 6_882, series: 'cumulative net', reais: net / 100 });
    expect(Math.max(...netLine.map((v) => v.reais))).toBe(peak / 100);
    expect(Math.min(...drawdown.map((v) => v.reais))).toBe(worst / 100);
    const { svg, warnings } = await strictRender(spec);
    expect(warnings).toEqual([]);
    expect(svg.length).toBeLessThan(150_000);
  });
});
