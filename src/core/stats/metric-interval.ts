/**
 * A 95% interval for one run's figure of a metric, for the sweep line chart: Wilson's interval for
 * the share metrics (over tickets for rate_h, over contests for best_hplus and win_rate), and
 * mean ± 1.96·sd/√tickets for mean_hits with the exact per-ticket sd of uniform draws (the
 * figure's spread under the null, which is what its distance from the baseline is measured in),
 * cut at 0 (no ticket hits fewer than 0 numbers).
 * Money metrics have none: one quina decides them.
 */
import type { MetricName } from '../metrics.js';
import { hitsSd } from '../odds.js';
import { meanInterval, wilsonInterval } from './estimates.js';

/** The trials behind a figure. */
export interface FigureTrials {
  tickets: number | null;
  contests: number | null;
  numbers_per_ticket: number | null;
}

const atLeastZero = ([lo, hi]: [number, number]): [number, number] => [Math.max(0, lo), hi];

/** [lo, hi], or null when the metric has no such interval or the trials are unknown. */
export function metricInterval(metric: MetricName, value: number | null, t: FigureTrials): [number, number] | null {
  if (value === null || !Number.isFinite(value)) return null;
  const share = (n: number | null): [number, number] | null => {
    if (n === null || !(n > 0)) return null;
    const successes = Math.min(n, Math.max(0, Math.round(value * n)));
    return wilsonInterval(successes, n);
  };
  switch (metric) {
    case 'mean_hits':
      // hits are never negative: a short run's interval stops at 0
      return t.tickets && t.tickets > 0 && t.numbers_per_ticket ? atLeastZero(meanInterval(value, hitsSd(t.numbers_per_ticket), t.tickets)) : null;
    case 'rate_2':
    case 'rate_3':
    case 'rate_4':
    case 'rate_5':
      return share(t.tickets);
    case 'best_2plus':
    case 'best_3plus':
    case 'best_4plus':
    case 'win_rate':
      return share(t.contests);
    default:
      return null;
  }
}
