// The books' charts: reais from centavos, the sign of each month, the cumulative ROI beside its expectation, budgets against limits.
import { describe, expect, it } from 'vitest';
import { balanceChart, budgetsChart, cumulativeRoi, monthlyNetChart, roiChart } from '../../../../src/core/charts/books-charts.js';
import { strictRender } from './strict-render.js';

type Layer = { data: { values: Array<Record<string, unknown>> } };
const layerValues = (spec: Record<string, unknown>, i: number) => (spec.layer as Layer[])[i]!.data.values;

describe('books charts', () => {
  const months = [
    { month: '2026-01', invested_cents: 1_000, won_cents: 0, expected_won_cents: 420 },
    { month: '2026-02', invested_cents: 3_000, won_cents: 5_000, expected_won_cents: 1_260 },
    { month: '2026-03', invested_cents: 0, won_cents: 0, expected_won_cents: 0 },
  ];

  it('[15.3.1] the cumulative ROI is (won - invested) / invested so far, real and expected, by hand', () => {
    expect(cumulativeRoi(months)).toEqual([
      { month: '2026-01', real: -100, expected: -58 },
      { month: '2026-02', real: 25, expected: -58 },
      { month: '2026-03', real: 25, expected: -58 },
    ]);
    expect(cumulativeRoi([{ month: '2026-01', invested_cents: 0, won_cents: 100, expected_won_cents: 0 }])).toEqual([
      { month: '2026-01', real: null, expected: null },
    ]);
  });

  it('[15.3.2] balance, monthly net and budgets carry reais from centavos, each sign and state', () => {
    const balance = balanceChart({
      points: [
        { date: '2026-01-02', balance_cents: 10_000 },
        { date: '2026-01-05', balance_cents: 9_500 },
      ],
      assertions: [
        { date: '2026-01-03', expected_cents: 10_000, holds: true },
        { date: '2026-01-06', expected_cents: 1, holds: false },
      ],
    });
    expect(layerValues(balance, 0).map((v) => v.reais)).toEqual([100, 95]);
    expect(layerValues(balance, 1).map((v) => v.check)).toEqual(['assertion holds', 'assertion fails']);
    const net = monthlyNetChart([
      { month: '2026-01', net_cents: -1_050 },
      { month: '2026-02', net_cents: 2_000 },
    ]);
    expect(layerValues(net, 0)).toEqual([
      { month: '2026-01', reais: -10.5, sign: 'loss' },
      { month: '2026-02', reais: 20, sign: 'gain' },
    ]);
    const budgets = budgetsChart([
      { name: 'jan', spent_cents: 500, amount_cents: 1_000 },
      { name: 'feb', spent_cents: 1_500, amount_cents: 1_000 },
    ]);
    expect((budgets.data as Layer['data']).values.map((v) => [v.spent, v.limit, v.state])).toEqual([
      [5, 10, 'within the limit'],
      [15, 10, 'over the limit'],
    ]);
  });

  it('[15.3.3] every books chart renders to SVG with no warning', async () => {
    const specs = [
      balanceChart({ points: [{ date: '2026-01-02', balance_cents: 10_000 }], assertions: [{ date: '2026-01-03', expected_cents: 10_000, holds: true }] }),
      monthlyNetChart([{ month: '2026-01', net_cents: -1_050 }]),
      roiChart(months),
      budgetsChart([{ name: 'jan', spent_cents: 500, amount_cents: 1_000 }]),
    ];
    for (const spec of specs) {
      const { svg, warnings } = await strictRender(spec);
      expect(warnings).toEqual([]);
      expect(svg.startsWith('<svg')).toBe(true);
    }
  });
});
