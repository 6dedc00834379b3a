// A run figure's 95% interval for the sweep line chart.
import { describe, expect, it } from 'vitest';
import { hitsSd } from '../../../../src/core/odds.js';
import { wilsonInterval } from '../../../../src/core/stats/estimates.js';
import { metricInterval } from '../../../../src/core/stats/metric-interval.js';

describe('metricInterval', () => {
  const t = { tickets: 400, contests: 100, numbers_per_ticket: 5 };
  it('[15.3.24] Wilson over tickets for rate_h, over contests for best_hplus; mean ± 1.96 sd/√n for mean_hits; none for money', () => {
    expect(metricInterval('rate_2', 0.03, t)).toEqual(wilsonInterval(12, 400));
    expect(metricInterval('best_2plus', 0.11, t)).toEqual(wilsonInterval(11, 100));
    const [lo, hi] = metricInterval('mean_hits', 0.3, t)!;
    const half = 1.959963984540054 * (hitsSd(5) / 20);
    expect(lo).toBeCloseTo(0.3 - half, 12);
    expect(hi).toBeCloseTo(0.3 + half, 12);
    expect(metricInterval('net_cents', -500, t)).toBeNull();
    expect(metricInterval('mean_hits', null, t)).toBeNull();
    expect(metricInterval('rate_2', 0.03, { tickets: null, contests: null, numbers_per_ticket: null })).toBeNull();
  });

  it('[15.3.34] a short run’s mean_hits interval stops at 0 (no ticket hits fewer than 0 numbers)', () => {
    const [lo, hi] = metricInterval('mean_hits', 0.2, { tickets: 9, contests: 3, numbers_per_ticket: 5 })!;
    expect(lo).toBe(0);
    expect(hi).toBeCloseTo(0.2 + 1.959963984540054 * (hitsSd(5) / 3), 12);
  });
});
