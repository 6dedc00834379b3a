/**
 * The one definition of every run metric. Sweeps, compare and leaderboards all sort and filter by
 * these names, and the README's metric table is generated from {@link METRIC_DOCS}, so a metric
 * means the same thing everywhere. Hit metrics have an exact baseline under uniform draws
 * ({@link metricBaseline}) and a p-value ({@link metricPValue}); money metrics depend on the
 * prizes actually paid and have none.
 */
import { LuckyError } from '../errors.js';
import { BALLS_PER_DRAW } from './draw.js';
import { ticketThirdMoment } from './contest-moments.js';
import { expectedHits, hitsVariance, probBestAtLeast, probExactly } from './odds.js';
import { binomialTest } from './stats.js';
import { designEffect, effectiveShare } from './stats/design-effect.js';
import { skewedTotalTest } from './stats/edgeworth.js';
import type { HitCounts } from './hit-counts.js';
import { hitCountsOfTally, metricsOfTally, tallyContests } from './run-summary.js';

export const METRIC_NAMES = [
  'mean_hits',
  'rate_2',
  'rate_3',
  'rate_4',
  'rate_5',
  'best_2plus',
  'best_3plus',
  'best_4plus',
  'net_cents',
  'roi_pct',
  'max_drawdown_cents',
  'win_rate',
] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

export interface MetricDoc {
  description: string;
  higher_is_better: boolean;
  unit: 'hits' | 'share' | 'cents' | 'percent';
  /** true when the metric has an exact expectation under uniform draws */
  has_baseline: boolean;
}

/** What each metric means, for help texts and the README. */
export const METRIC_DOCS: Readonly<Record<MetricName, MetricDoc>> = {
  mean_hits: { description: 'mean hits per ticket (expected 5k/80: 0.3125 for 5 numbers)', higher_is_better: true, unit: 'hits', has_baseline: true },
  rate_2: { description: 'share of tickets with exactly 2 hits', higher_is_better: true, unit: 'share', has_baseline: true },
  rate_3: { description: 'share of tickets with exactly 3 hits', higher_is_better: true, unit: 'share', has_baseline: true },
  rate_4: { description: 'share of tickets with exactly 4 hits', higher_is_better: true, unit: 'share', has_baseline: true },
  rate_5: { description: 'share of tickets with exactly 5 hits', higher_is_better: true, unit: 'share', has_baseline: true },
  best_2plus: { description: 'share of contests whose best ticket had 2 or more hits', higher_is_better: true, unit: 'share', has_baseline: true },
  best_3plus: { description: 'share of contests whose best ticket had 3 or more hits', higher_is_better: true, unit: 'share', has_baseline: true },
  best_4plus: { description: 'share of contests whose best ticket had 4 or more hits', higher_is_better: true, unit: 'share', has_baseline: true },
  net_cents: { description: 'prizes minus cost over the run, in centavos', higher_is_better: true, unit: 'cents', has_baseline: false },
  roi_pct: {
    description: 'net / cost x 100 (-100 = lost everything; null when nothing was spent)',
    higher_is_better: true,
    unit: 'percent',
    has_baseline: false,
  },
  max_drawdown_cents: {
    description: 'largest fall of the running balance (prizes minus cost, contest by contest, from 0) below its previous peak, in centavos',
    higher_is_better: false,
    unit: 'cents',
    has_baseline: false,
  },
  win_rate: { description: 'share of contests where the tickets won any prize (prize > 0)', higher_is_better: true, unit: 'share', has_baseline: false },
};

/** One contest of a run, as the engine summarises it. */
export interface ContestSummary {
  /** tickets of this contest with 0..5 hits (6 counts) */
  hits: readonly number[];
  /** the most hits any of its tickets had */
  best_hits: number;
  cost_cents: number;
  prize_cents: number;
}

export interface MetricsInput {
  numbers_per_ticket: number;
  /** in contest order (the drawdown depends on it) */
  contests: readonly ContestSummary[];
}

/** All metrics of a run; null where undefined (no tickets, no cost). */
export type Metrics = Record<MetricName, number | null>;

function checkContest(c: ContestSummary, i: number): string[] {
  const p: string[] = [];
  const at = `contests[${i}]`;
  if (!Array.isArray(c.hits) || c.hits.length !== BALLS_PER_DRAW + 1 || !c.hits.every((n) => Number.isSafeInteger(n) && n >= 0)) {
    p.push(`${at}.hits: must be 6 non-negative integer counts (tickets with 0..5 hits)`);
    return p;
  }
  let top = -1;
  c.hits.forEach((n, h) => {
    if (n > 0) top = h;
  });
  if (top >= 0 && c.best_hits !== top) p.push(`${at}.best_hits: ${c.best_hits}, but the hit counts say ${top}`);
  if (!Number.isSafeInteger(c.cost_cents) || c.cost_cents < 0) p.push(`${at}.cost_cents: must be a non-negative integer`);
  if (!Number.isSafeInteger(c.prize_cents) || c.prize_cents < 0) p.push(`${at}.prize_cents: must be a non-negative integer`);
  return p;
}

function validateSummary(input: MetricsInput): void {
  const problems = input.contests.flatMap(checkContest);
  if (problems.length) throw new LuckyError('E_INPUT_INVALID', 'invalid run summary', problems.slice(0, 20));
}

/**
 * Computes every metric of {@link METRIC_DOCS} from a run's per-contest summary (the one pass of
 * src/core/run-summary.ts). Throws E_INPUT_INVALID on inconsistent input (best_hits disagreeing
 * with the counts, negative money).
 */
export function computeMetrics(input: MetricsInput): Metrics {
  validateSummary(input);
  return metricsOfTally(tallyContests(input.contests));
}

/**
 * The counts the baseline report needs, from the same summary. tickets_per_contest is the
 * rounded mean when contests carry different numbers of tickets (the best-of expectation then
 * becomes an approximation).
 */
export function buildHitCounts(input: MetricsInput): HitCounts {
  validateSummary(input);
  return hitCountsOfTally(tallyContests(input.contests), input.numbers_per_ticket);
}

/**
 * A run's best-of baselines for its actual tickets, as the run index keeps them: for h = 2, 3, 4
 * the expected share of contests whose best ticket reaches h (the mean of the per-contest
 * probabilities, src/core/best-of.ts) and the p-value of the run's own observed share (exact
 * Poisson-binomial, or with the Monte Carlo error included).
 */
export type BestOfIndex = Record<'2' | '3' | '4', { expected: number; p_value: number; null_model: string }> & {
  /**
   * the exact null variances of the run's actual tickets (src/core/contest-moments.ts), summed over
   * its contests: of the total hits (`mean_hits`) and of the tickets with exactly h hits
   * (`rate_h`); absent for runs indexed before they were kept
   */
  variance?: IndexVariances;
};

/** The per-ticket metrics whose p-value needs the tickets' exact null variance (and, for the mean, the third central moment of the total). */
export type IndexVariances = Record<'mean_hits' | 'mean_hits_k3' | 'rate_2' | 'rate_3' | 'rate_4' | 'rate_5', number>;

const VARIANCE_KEYS = ['mean_hits', 'mean_hits_k3', 'rate_2', 'rate_3', 'rate_4', 'rate_5'] as const;

/** Parses the run index's `best_of_baseline` JSON; null when absent or malformed. */
export function parseBestOfIndex(text: string | null | undefined): BestOfIndex | null {
  if (!text) return null;
  try {
    const v = JSON.parse(text) as Partial<BestOfIndex>;
    for (const h of ['2', '3', '4'] as const) {
      const e = v[h];
      if (!e || typeof e.expected !== 'number' || typeof e.p_value !== 'number') return null;
    }
    // malformed variances are dropped (the p-values then take the tickets as independent), never trusted
    if (v.variance !== undefined && !VARIANCE_KEYS.every((key) => typeof v.variance?.[key] === 'number' && (v.variance[key] >= 0 || key === 'mean_hits_k3')))
      delete v.variance;
    return v as BestOfIndex;
  } catch {
    return null;
  }
}

/**
 * The exact expected value of a hit metric for k-number tickets under uniform draws, or null for
 * money metrics (and win_rate, which depends on which tiers paid in the range). The best-of
 * metrics take the run's own baselines (`bestOf`, computed for its actual tickets); without them
 * they fall back to 1 - (1 - P(>= h))^T, which holds only for tickets that share no numbers.
 */
export function metricBaseline(name: MetricName, k: number, ticketsPerContest: number, bestOf?: BestOfIndex | null): number | null {
  switch (name) {
    case 'mean_hits':
      return expectedHits(k);
    case 'rate_2':
    case 'rate_3':
    case 'rate_4':
    case 'rate_5':
      return probExactly(k, Number(name.slice(5)));
    case 'best_2plus':
    case 'best_3plus':
    case 'best_4plus':
      return bestOf ? bestOf[name[5] as '2' | '3' | '4'].expected : probBestAtLeast(k, Number(name[5]), ticketsPerContest);
    default:
      return null;
  }
}

/**
 * Two-sided p-value of an observed hit metric against its baseline, as the run's baseline report
 * computes it: with `best_of`, the run's stored Poisson-binomial p-value for best_hplus, and for
 * mean_hits and rate_h the exact null moments of its actual tickets (`best_of.variance`): the
 * total hits tested with their exact variance and skew (src/core/stats/edgeworth.ts), rate_h by
 * an exact binomial test on the effective number of tickets (src/core/stats/design-effect.ts).
 * Without them the tickets are taken as independent: exact binomial over tickets (rate_h) or
 * contests (best_hplus), counts recovered as round(observed x trials), and the total hits with
 * the hypergeometric variance and skew per ticket. Null for metrics without a baseline or no trials.
 */
export function metricPValue(
  name: MetricName,
  observed: number,
  counts: Pick<HitCounts, 'tickets' | 'contests' | 'numbers_per_ticket' | 'tickets_per_contest'> & { best_of?: BestOfIndex | null },
): number | null {
  // A run's best-of p-values were computed with its per-contest law (Poisson-binomial) for its own observed share.
  if (counts.best_of && name.startsWith('best_')) return counts.best_of[name[5] as '2' | '3' | '4'].p_value;
  const expected = metricBaseline(name, counts.numbers_per_ticket, counts.tickets_per_contest);
  if (expected === null || !Number.isFinite(observed)) return null;
  const variances = counts.best_of?.variance;
  const variance = variances?.[name as keyof IndexVariances];
  if (name === 'mean_hits') {
    if (!(counts.tickets > 0)) return null;
    // the total hits, with the exact variance and skew of the run's tickets, or of independent tickets (as its baseline report)
    const n = counts.tickets;
    const k = counts.numbers_per_ticket;
    return skewedTotalTest(
      Math.round(observed * n),
      expected * n,
      variances?.mean_hits ?? n * hitsVariance(k),
      variances?.mean_hits_k3 ?? n * ticketThirdMoment(k),
    );
  }
  const trials = name.startsWith('best_') ? counts.contests : counts.tickets;
  if (!(trials > 0)) return null;
  const successes = Math.round(observed * trials);
  if (successes < 0 || successes > trials) throw new LuckyError('E_INPUT_INVALID', `${name} must be a share in [0, 1]`, [`${name}: ${observed}`]);
  const eff = effectiveShare(successes, trials, designEffect(variance, trials, expected));
  return binomialTest(eff.x, eff.n, expected);
}

/** Parses a metric name (for --sort-by and friends); E_USAGE listing the valid names otherwise. */
export function parseMetricName(s: string): MetricName {
  if ((METRIC_NAMES as readonly string[]).includes(s)) return s as MetricName;
  throw new LuckyError('E_USAGE', `unknown metric "${s}"`, [`metric: one of ${METRIC_NAMES.join(', ')}`]);
}
