/**
 * A 95% interval for one run's figure of a metric, for the sweep line chart: Wilson's interval for
 * the share metrics (over tickets for rate_h, over contests for best_hplus and win_rate), and
 * mean ± 1.96·sd/√tickets for mean_hits with the exact sd of uniform draws (the figure's spread
 * under the null, which is what its distance from the baseline is measured in), cut at 0 (no
 * ticket hits fewer than 0 numbers). With the run's exact null variances (`variance`: tickets that
 * share numbers move together) the mean's sd is the exact one of its total and rate_h's interval is
 * over the effective number of tickets (src/core/stats/design-effect.ts).
 * Money metrics have none: one quina decides them.
 */
import type { MetricName } from '../metrics.js';
import { hitsSd, probExactly } from '../odds.js';
import { designEffect, effectiveShare } from './design-effect.js';
import { meanInterval, wilsonInterval } from './estimates.js';

/** The trials behind a figure. */
export interface FigureTrials {
  tickets: number | null;
  contests: number | null;
  numbers_per_ticket: number | null;
  /** the run's exact null variance of this metric's total or count for its actual tickets (src/core/metrics.ts BestOfIndex.variance) */
  variance?: number | null | undefined;
}

const atLeastZero = ([lo, hi]: [number, number]): [number, number] => [Math.max(0, lo), hi];

/** [lo, hi], or null when the metric has no such interval or the trials are unknown. */
export function metricInterval(metric: MetricName, value: number | null, t: FigureTrials): [number, number] | null {
  if (value === null || !Number.isFinite(value)) return null;
  const variance = t.variance ?? undefined;
  const share = (n: number | null, p0?: number): [number, number] | null => {
    if (n === null || !(n > 0)) return null;
    const successes = Math.min(n, Math.max(0, Math.round(value * n)));
    const eff = p0 === undefined ? { x: successes, n } : effectiveShare(successes, n, designEffect(variance, n, p0));
    return wilsonInterval(eff.x, eff.n);
  };
  switch (metric) {
    case 'mean_hits': {
      if (!t.tickets || !(t.tickets > 0) || !t.numbers_per_ticket) return null;
      // the per-ticket sd that gives the total its exact spread
      const sd = variance === undefined ? hitsSd(t.numbers_per_ticket) : Math.sqrt(variance / t.tickets);
      // hits are never negative: a short run's interval stops at 0
      return atLeastZero(meanInterval(value, sd, t.tickets));
    }
    case 'rate_2':
    case 'rate_3':
    case 'rate_4':
    case 'rate_5':
      return share(t.tickets, t.numbers_per_ticket ? probExactly(t.numbers_per_ticket, Number(metric.slice(5))) : undefined);
    case 'best_2plus':
    case 'best_3plus':
    case 'best_4plus':
    case 'win_rate':
      return share(t.contests);
    default:
      return null;
  }
}
