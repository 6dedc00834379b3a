import { describe, expect, it } from 'vitest';
import { compareToBaseline } from '../../../src/core/baseline.js';
import {
  METRIC_DOCS,
  METRIC_NAMES,
  buildHitCounts,
  computeMetrics,
  metricBaseline,
  metricPValue,
  parseBestOfIndex,
  parseMetricName,
  type ContestSummary,
} from '../../../src/core/metrics.js';
import { binomialTest } from '../../../src/core/stats.js';
import { skewedTotalTest } from '../../../src/core/stats/edgeworth.js';
import { bestOfLaw } from '../../../src/core/best-of.js';
import { ticketThirdMoment } from '../../../src/core/contest-moments.js';
import { createRng } from '../../../src/core/rng.js';
import { formatBestOfIndex, toBestOfLaws } from '../../../src/core/run-summary.js';

const contest = (hits: number[], cost: number, prize: number): ContestSummary => ({
  hits,
  best_hits: hits.reduce((b, n, h) => (n > 0 ? h : b), 0),
  cost_cents: cost,
  prize_cents: prize,
});

// 4 contests x 2 tickets at R$3.00
const RUN = {
  numbers_per_ticket: 5,
  contests: [
    contest([1, 1, 0, 0, 0, 0], 600, 0), // best 1
    contest([0, 1, 1, 0, 0, 0], 600, 404), // a duque
    contest([2, 0, 0, 0, 0, 0], 600, 0), // best 0
    contest([0, 1, 0, 1, 0, 0], 600, 10200), // a terno
  ],
};

describe('metrics', () => {
  it('computes every metric from the per-contest summary', () => {
    const m = computeMetrics(RUN);
    expect(m.mean_hits).toBe((0 * 4 + 1 * 3 + 2 * 1 + 3 * 1) / 8);
    expect(m.rate_2).toBe(1 / 8);
    expect(m.rate_3).toBe(1 / 8);
    expect(m.rate_4).toBe(0);
    expect(m.rate_5).toBe(0);
    expect(m.best_2plus).toBe(2 / 4);
    expect(m.best_3plus).toBe(1 / 4);
    expect(m.best_4plus).toBe(0);
    expect(m.net_cents).toBe(404 + 10200 - 2400);
    expect(m.roi_pct).toBeCloseTo(((10604 - 2400) / 2400) * 100, 12);
    expect(m.win_rate).toBe(2 / 4);
    // balance: -600, -796, -1396, +8204; peak 0 then 8204; deepest fall 1396 below 0
    expect(m.max_drawdown_cents).toBe(1396);
    expect(Object.keys(m).sort()).toEqual([...METRIC_NAMES].sort());
  });

  it('drawdown is measured from the running peak, not from 0', () => {
    const m = computeMetrics({
      numbers_per_ticket: 5,
      contests: [contest([0, 0, 1, 0, 0, 0], 300, 5000), contest([1, 0, 0, 0, 0, 0], 300, 0), contest([1, 0, 0, 0, 0, 0], 300, 0)],
    });
    expect(m.max_drawdown_cents).toBe(600);
    expect(m.net_cents).toBe(4100);
  });

  it('an empty run has nulls, not zeros, where a share is undefined', () => {
    const m = computeMetrics({ numbers_per_ticket: 5, contests: [] });
    expect(m).toMatchObject({ mean_hits: null, rate_2: null, best_2plus: null, roi_pct: null, win_rate: null, net_cents: 0, max_drawdown_cents: 0 });
  });

  it('rejects inconsistent summaries', () => {
    const bad = { ...RUN, contests: [{ ...contest([1, 1, 0, 0, 0, 0], 600, 0), best_hits: 3 }] };
    expect(() => computeMetrics(bad)).toThrow(
      expect.objectContaining({ code: 'E_INPUT_INVALID', details: ['contests[0].best_hits: 3, but the hit counts say 1'] }),
    );
    expect(() => computeMetrics({ ...RUN, contests: [contest([1, 1, 0], 600, 0)] })).toThrow(expect.objectContaining({ code: 'E_INPUT_INVALID' }));
    expect(() => computeMetrics({ ...RUN, contests: [contest([1, 0, 0, 0, 0, 0], -1, 0)] })).toThrow(expect.objectContaining({ code: 'E_INPUT_INVALID' }));
  });

  it('documents every metric, and says "exactly" for rate_h', () => {
    for (const name of METRIC_NAMES) expect(METRIC_DOCS[name].description.length).toBeGreaterThan(10);
    for (const h of [2, 3, 4, 5]) expect(METRIC_DOCS[`rate_${h}` as 'rate_2'].description).toMatch(/exactly/);
    expect(METRIC_DOCS.max_drawdown_cents.higher_is_better).toBe(false);
    expect(METRIC_DOCS.mean_hits.has_baseline).toBe(true);
    expect(METRIC_DOCS.roi_pct.has_baseline).toBe(false);
  });

  it('parseMetricName lists the valid names', () => {
    expect(parseMetricName('best_3plus')).toBe('best_3plus');
    expect(() => parseMetricName('quina_rate')).toThrow(expect.objectContaining({ code: 'E_USAGE', details: [expect.stringContaining('mean_hits, rate_2')] }));
  });
});

describe('metric baselines and p-values', () => {
  it('baselines are the exact odds', () => {
    expect(metricBaseline('mean_hits', 5, 1)).toBe(0.3125);
    expect(metricBaseline('rate_2', 5, 1)).toBe(675250 / 24040016);
    expect(metricBaseline('rate_5', 6, 1)).toBe(6 / 24040016);
    expect(metricBaseline('best_2plus', 5, 10)).toBeCloseTo(0.256919708354816, 14);
    expect(metricBaseline('net_cents', 5, 1)).toBeNull();
    expect(metricBaseline('win_rate', 5, 1)).toBeNull();
  });

  it('p-values agree with the baseline report and the underlying tests', () => {
    const counts = buildHitCounts(RUN);
    expect(counts).toEqual({
      tickets: 8,
      numbers_per_ticket: 5,
      distribution: [3, 3, 1, 1, 0, 0],
      contests: 4,
      best_at_least: { 2: 2, 3: 1, 4: 0, 5: 0 },
      tickets_per_contest: 2,
    });
    const m = computeMetrics(RUN);
    expect(metricPValue('rate_3', m.rate_3!, counts)).toBe(binomialTest(1, 8, 27750 / 24040016));
    expect(metricPValue('best_2plus', m.best_2plus!, counts)).toBe(binomialTest(2, 4, metricBaseline('best_2plus', 5, 2)!));
    // the total hits (8 over 8 tickets) against the hypergeometric variance and skew of 8 independent tickets
    expect(metricPValue('mean_hits', m.mean_hits!, counts)).toBe(skewedTotalTest(8, 8 * 0.3125, 8 * 0.27813488924050633, 8 * ticketThirdMoment(5)));
    const report = compareToBaseline(counts);
    expect(metricPValue('best_3plus', m.best_3plus!, counts)).toBe(report.figures.best_3plus.p_value);
    expect(metricPValue('mean_hits', m.mean_hits!, counts)).toBeCloseTo(report.figures.mean_hits.p_value, 14);
    expect(metricPValue('roi_pct', 12, counts)).toBeNull();
    // with the run's exact null moments (tickets that share numbers), the index p-values are the report's
    const tickets = [1, 2, 3, 4, 5, 1, 2, 3, 4, 6];
    const law = bestOfLaw(tickets, 5, () => createRng(1, 1));
    const withLaws = compareToBaseline(counts, toBestOfLaws([law, law, law, law]));
    const index = parseBestOfIndex(formatBestOfIndex(withLaws))!;
    expect(index.variance?.mean_hits).toBeCloseTo(4 * law.moments!.total, 12);
    const full = { ...counts, best_of: index };
    expect(metricPValue('mean_hits', m.mean_hits!, full)).toBeCloseTo(withLaws.figures.mean_hits.p_value, 14);
    expect(metricPValue('mean_hits', m.mean_hits!, full)).not.toBeCloseTo(report.figures.mean_hits.p_value, 3);
    const share5 = { ...withLaws.figures.tickets_5 };
    expect(metricPValue('rate_5', 0, full)).toBe(share5.p_value);
    expect(() => metricPValue('rate_2', 1.5, counts)).toThrow(expect.objectContaining({ code: 'E_INPUT_INVALID' }));
  });
});
