// A sweep's heatmap (value, raw and adjusted p per square, colour around the baseline) and its one-parameter line.
import { describe, expect, it } from 'vitest';
import { sweepHeatmapChart, sweepLineChart } from '../../../../src/core/charts/sweep-charts.js';
import { axisLabels, strictRender } from './strict-render.js';

type Values = { values: Array<Record<string, unknown>> };

describe('sweep charts', () => {
  const heat = sweepHeatmapChart({
    metric: 'mean_hits',
    x: 'tickets',
    y: 'strategy',
    baseline: 0.3125,
    adjustment: 'Holm',
    squares: [
      { x: 5, y: 'frequency', value: 0.31, p_raw: 0.412, p_adjusted: 1 },
      { x: 10, y: 'frequency', value: 0.33, p_raw: 0.0042, p_adjusted: 0.0168 },
      { x: 5, y: 'random', value: null, p_raw: null, p_adjusted: null },
      { x: 10, y: 'random', value: 0.3125, p_raw: 1, p_adjusted: 1 },
    ],
  });

  it('[15.3.10] each square carries its value and the raw and adjusted p-values; the colour is centred on the baseline', () => {
    expect((heat.data as Values).values.map((v) => [v.x, v.y, v.line1, v.line2])).toEqual([
      ['5', 'frequency', '0.3100', 'p 0.41 / adj 1.00'],
      ['10', 'frequency', '0.3300', 'p 0.004 / adj 0.02'],
      ['5', 'random', 'no result', 'p - / adj -'],
      ['10', 'random', '0.3125', 'p 1.00 / adj 1.00'],
    ]);
    expect(JSON.stringify(heat.layer)).toContain('"domainMid":0.3125');
    expect(JSON.stringify(heat.title)).toContain('Holm-adjusted');
  });

  it('[15.3.11] the line keeps each cell’s interval and draws the baseline; cells without a value are left out', () => {
    const line = sweepLineChart({
      metric: 'rate_2',
      parameter: 'tickets',
      baseline: 0.0281,
      points: [
        { x: 5, value: 0.03, lo: 0.025, hi: 0.035 },
        { x: 10, value: null, lo: null, hi: null },
        { x: 20, value: 0.027, lo: 0.024, hi: 0.03 },
      ],
    });
    const layers = line.layer as Array<{ data: Values }>;
    expect(layers[0]!.data.values).toEqual([
      { x: '5', value: 0.03, lo: 0.025, hi: 0.035 },
      { x: '20', value: 0.027, lo: 0.024, hi: 0.03 },
    ]);
    expect(layers[1]!.data.values).toEqual([{ baseline: 0.0281 }]);
    expect(sweepLineChart({ metric: 'net_cents', parameter: 'p', baseline: null, points: [{ x: 'a', value: -100, lo: null, hi: null }] }).layer).toHaveLength(
      1,
    );
  });

  const big = sweepHeatmapChart({
    metric: 'mean_hits',
    x: 'a',
    y: 'b',
    baseline: 0.3125,
    adjustment: 'Holm',
    squares: Array.from({ length: 7 * 3 }, (_, i) => ({ x: i % 7, y: Math.floor(i / 7), value: 0.3 + i / 1000, p_raw: 0.5, p_adjusted: 1 })),
  });

  it('[15.3.29] past 6 columns the squares go unlabelled and the subtitle says where the numbers are', () => {
    expect(big.layer).toHaveLength(1);
    expect(JSON.stringify(big.title)).toContain('too many squares to label (21)');
    expect(heat.layer).toHaveLength(3);
  });

  it('[15.3.12] heatmap and line render to SVG with no warning (numeric and named parameter values, no baseline)', async () => {
    const specs = [
      heat,
      sweepHeatmapChart({
        metric: 'net_cents',
        x: 'a',
        y: 'b',
        baseline: null,
        adjustment: 'Holm',
        squares: [{ x: true, y: 'x', value: -12_345, p_raw: null, p_adjusted: null }],
        averaged_over: ['seed'],
      }),
      sweepLineChart({
        metric: 'rate_2',
        parameter: 'tickets',
        baseline: 0.0281,
        points: [
          { x: 5, value: 0.03, lo: 0.025, hi: 0.035 },
          { x: 10, value: 0.02, lo: 0.015, hi: 0.025 },
        ],
      }),
      sweepLineChart({
        metric: 'net_cents',
        parameter: 'strategy',
        baseline: null,
        points: [
          { x: 'a', value: -100, lo: null, hi: null },
          { x: 'b', value: -50, lo: null, hi: null },
        ],
      }),
    ];
    for (const spec of specs) {
      const { svg, warnings } = await strictRender(spec);
      expect(warnings).toEqual([]);
      expect(svg.startsWith('<svg')).toBe(true);
    }
  });

  it('[15.3.33] few parameter values get a slot each, labelled with the values (3 and 5 used to tick 3.0, 3.2, ... 5.0, the end cells on the frame); an interval of hits stops at 0', async () => {
    const few = sweepLineChart({
      metric: 'mean_hits',
      parameter: 'tickets',
      baseline: 0.3125,
      non_negative: true,
      points: [
        { x: 3, value: 0.3333, lo: -0.01, hi: 0.68 },
        { x: 5, value: 0.2667, lo: -0.05, hi: 0.53 },
      ],
    });
    const { svg, warnings } = await strictRender(few);
    expect(warnings).toEqual([]);
    const labels = axisLabels(svg);
    expect(labels.tickets).toEqual(['3', '5']);
    expect(labels.mean_hits!.every((l) => !l.startsWith('−') && !l.startsWith('-'))).toBe(true);
    const x = (few.layer as Array<{ layer: Array<{ encoding: { x: Record<string, unknown> } }> }>)[0]!.layer[0]!.encoding.x;
    expect(x).toMatchObject({ type: 'ordinal', scale: { type: 'point', padding: 0.5 } });
    // unevenly spaced (exponential) values: a slot each too
    const exp = await strictRender(
      sweepLineChart({
        metric: 'mean_hits',
        parameter: 'lambda',
        baseline: 0.3125,
        points: [0.001, 0.01, 0.1, 1].map((v) => ({ x: v, value: 0.31, lo: 0.3, hi: 0.32 })),
      }),
    );
    expect(axisLabels(exp.svg).lambda).toEqual(['0.001', '0.01', '0.1', '1']);
    // many evenly spaced whole numbers: a continuous axis with whole-number ticks, each once
    const many = await strictRender(
      sweepLineChart({
        metric: 'rate_2',
        parameter: 'history',
        baseline: 0.0281,
        non_negative: true,
        points: Array.from({ length: 20 }, (_, i) => ({ x: 100 + 50 * i, value: 0.028, lo: 0.024, hi: 0.032 })),
      }),
    );
    expect(many.warnings).toEqual([]);
    const history = axisLabels(many.svg).history!;
    expect(history.length).toBeGreaterThan(2);
    expect(history.every((l) => /^\d+$/.test(l))).toBe(true);
    expect(new Set(history).size).toBe(history.length);
  });
});
