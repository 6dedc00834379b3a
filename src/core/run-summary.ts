/**
 * The one summary pipeline: a run's contests, in one pass, give its hit figures beside the exact
 * baseline, its trial counts, its simulated books and its metrics. Finishing a run, `runs import`,
 * `runs verify`, `maintain --repair`, compare, leaderboards and sweeps all summarise through
 * {@link summarizeRun} (or its pass, {@link tallyContests}), so a figure means the same everywhere.
 */
import { type BaselineReport, type BestOfLaws, compareToBaseline } from './baseline.js';
import type { BestOfLaw } from './best-of.js';
import { addMoments, zeroMoments } from './contest-moments.js';
import type { HitCounts } from './hit-counts.js';
import type { ContestSummary, Metrics } from './metrics.js';

export interface FinanceSummary {
  cost_cents: number;
  prize_cents: number;
  net_cents: number;
  roi_pct: number | null;
  break_even_contest: number | null;
  max_drawdown_cents: number;
  best_prize: { contest: number; prize_cents: number } | null;
  win_rate: number;
  prizes_estimated: boolean;
  contests_outside_money_era: number;
}

export interface HitSummary {
  tickets_per_contest: number;
  numbers_per_ticket: number;
  hit_distribution: number[];
  mean_hits: number;
  rates: { rate_2: number; rate_3: number; rate_4: number; rate_5: number };
  best_hits_at_least: { 2: number; 3: number; 4: number; 5: number };
  best_rates: { best_2plus: number; best_3plus: number; best_4plus: number };
  /** null while the run has no contest (cancelled before its first write) */
  baseline: BaselineReport | null;
}

/** A run's summary as its report and run file store it. */
export interface RunTotals {
  contests: number;
  tickets: number;
  summary: HitSummary;
  finance: FinanceSummary;
}

/** One contest as the pipeline reads it (a run file's contest row gives every field). */
export interface RunContest extends ContestSummary {
  /** the contest number (for the break-even contest and the best prize) */
  contest?: number;
  prize_estimated?: boolean;
}

/** What one pass over a run's contests counts; every figure of the run is a projection of it. */
export interface ContestTally {
  contests: number;
  tickets: number;
  /** tickets with 0..5 hits */
  distribution: number[];
  /** contests (with tickets) whose best ticket reached >= h hits */
  best_at_least: { 2: number; 3: number; 4: number; 5: number };
  cost_cents: number;
  prize_cents: number;
  max_drawdown_cents: number;
  break_even_contest: number | null;
  best_prize: { contest: number; prize_cents: number } | null;
  /** contests with any prize */
  wins: number;
  prizes_estimated: boolean;
  /** contests with neither cost nor prize (before the money era) */
  outside_money_era: number;
}

/** The single pass over a run's contests, in contest order (the drawdown depends on it). */
export function tallyContests(contests: readonly RunContest[]): ContestTally {
  const distribution = [0, 0, 0, 0, 0, 0];
  const best = { 2: 0, 3: 0, 4: 0, 5: 0 };
  let cost = 0;
  let prize = 0;
  let peak = 0;
  let drawdown = 0;
  let breakEven: number | null = null;
  let bestPrize: ContestTally['best_prize'] = null;
  let wins = 0;
  let estimated = false;
  let outside = 0;
  for (const c of contests) {
    let any = false;
    c.hits.forEach((n, h) => {
      distribution[h]! += n;
      any ||= n > 0;
    });
    if (any) for (const h of [2, 3, 4, 5] as const) if (c.best_hits >= h) best[h]++;
    if (c.cost_cents === 0 && c.prize_cents === 0) outside++;
    cost += c.cost_cents;
    prize += c.prize_cents;
    const net = prize - cost;
    peak = Math.max(peak, net);
    drawdown = Math.max(drawdown, peak - net);
    if (breakEven === null && cost > 0 && prize >= cost && c.contest !== undefined) breakEven = c.contest;
    if (c.prize_cents > 0) {
      wins++;
      if (c.contest !== undefined && (!bestPrize || c.prize_cents > bestPrize.prize_cents)) bestPrize = { contest: c.contest, prize_cents: c.prize_cents };
    }
    estimated ||= c.prize_estimated === true;
  }
  return {
    contests: contests.length,
    tickets: distribution.reduce((a, b) => a + b, 0),
    distribution,
    best_at_least: best,
    cost_cents: cost,
    prize_cents: prize,
    max_drawdown_cents: drawdown,
    break_even_contest: breakEven,
    best_prize: bestPrize,
    wins,
    prizes_estimated: estimated,
    outside_money_era: outside,
  };
}

/** Every metric of src/core/metrics.ts from a tally; null where a share is undefined (no tickets, no contests, no cost). */
export function metricsOfTally(t: ContestTally): Metrics {
  const perTicket = (n: number): number | null => (t.tickets > 0 ? n / t.tickets : null);
  const perContest = (n: number): number | null => (t.contests > 0 ? n / t.contests : null);
  return {
    mean_hits: perTicket(t.distribution.reduce((s, n, h) => s + n * h, 0)),
    rate_2: perTicket(t.distribution[2]!),
    rate_3: perTicket(t.distribution[3]!),
    rate_4: perTicket(t.distribution[4]!),
    rate_5: perTicket(t.distribution[5]!),
    best_2plus: perContest(t.best_at_least[2]),
    best_3plus: perContest(t.best_at_least[3]),
    best_4plus: perContest(t.best_at_least[4]),
    net_cents: t.prize_cents - t.cost_cents,
    roi_pct: t.cost_cents > 0 ? ((t.prize_cents - t.cost_cents) / t.cost_cents) * 100 : null,
    max_drawdown_cents: t.max_drawdown_cents,
    win_rate: perContest(t.wins),
  };
}

/**
 * The counts the baseline report needs. Without `ticketsPerContest` it is the rounded mean (the
 * best-of expectation then becomes an approximation when contests carry different numbers of tickets).
 */
export function hitCountsOfTally(t: ContestTally, k: number, ticketsPerContest?: number): HitCounts {
  return {
    tickets: t.tickets,
    numbers_per_ticket: k,
    distribution: t.distribution,
    contests: t.contests,
    best_at_least: t.best_at_least,
    tickets_per_contest: ticketsPerContest ?? Math.max(1, Math.round(t.tickets / Math.max(1, t.contests))),
  };
}

/** Per-contest laws in the shape the baseline report takes. */
export function toBestOfLaws(laws: readonly BestOfLaw[]): BestOfLaws {
  const p = { 2: new Float64Array(laws.length), 3: new Float64Array(laws.length), 4: new Float64Array(laws.length) };
  const mc_variance = { 2: 0, 3: 0, 4: 0 };
  // the moments count only when every contest has them (a contest without would be taken as independent tickets)
  const moments = laws.every((l) => l.moments) ? zeroMoments() : undefined;
  laws.forEach((l, i) => {
    if (moments) addMoments(moments, l.moments!);
    p[2][i] = l.p2;
    p[3][i] = l.p3;
    p[4][i] = l.p4;
    mc_variance[2] += l.var2;
    mc_variance[3] += l.var3;
    mc_variance[4] += l.var4;
  });
  return moments ? { p, mc_variance, moments } : { p, mc_variance };
}

export interface RunSummaryInput {
  numbers_per_ticket: number;
  /** the recipe's tickets per contest */
  tickets_per_contest: number;
  /** in contest order */
  contests: readonly RunContest[];
  /** one per contest: gives the best-of figures their baseline for the actual tickets; without it they use the independent-tickets formula and say so */
  laws?: readonly BestOfLaw[] | undefined;
}

/**
 * A run's totals from its contests: hit figures beside the exact baseline (null without tickets),
 * trial counts and simulated books. Rates are 0 (not null) where a run has no tickets: this is
 * the stored report's shape; {@link metricsOfTally} gives the nullable metrics.
 */
export function summarizeRun(input: RunSummaryInput): RunTotals {
  const t = tallyContests(input.contests);
  const k = input.numbers_per_ticket;
  const m = metricsOfTally(t);
  const z = (v: number | null) => v ?? 0;
  const counts = hitCountsOfTally(t, k, input.tickets_per_contest);
  const baseline = t.tickets === 0 ? null : compareToBaseline(counts, input.laws ? toBestOfLaws(input.laws) : undefined);
  return {
    contests: t.contests,
    tickets: t.tickets,
    summary: {
      tickets_per_contest: input.tickets_per_contest,
      numbers_per_ticket: k,
      hit_distribution: t.distribution,
      mean_hits: z(m.mean_hits),
      rates: { rate_2: z(m.rate_2), rate_3: z(m.rate_3), rate_4: z(m.rate_4), rate_5: z(m.rate_5) },
      best_hits_at_least: t.best_at_least,
      best_rates: { best_2plus: z(m.best_2plus), best_3plus: z(m.best_3plus), best_4plus: z(m.best_4plus) },
      baseline,
    },
    finance: {
      cost_cents: t.cost_cents,
      prize_cents: t.prize_cents,
      net_cents: m.net_cents!,
      roi_pct: m.roi_pct,
      break_even_contest: t.break_even_contest,
      max_drawdown_cents: t.max_drawdown_cents,
      best_prize: t.best_prize,
      win_rate: z(m.win_rate),
      prizes_estimated: t.prizes_estimated,
      contests_outside_money_era: t.outside_money_era,
    },
  };
}

/**
 * The run index's `best_of_baseline` JSON (src/core/metrics.ts BestOfIndex) from a report: the
 * best-of baselines and, when the tickets were known, the exact null variances the per-ticket
 * metrics' p-values need; null without a report.
 */
export function formatBestOfIndex(b: BaselineReport | null): string | null {
  if (!b) return null;
  const entry = (f: BaselineReport['figures']['best_2plus']) => ({
    expected: f.expected,
    p_value: f.p_value,
    null_model: f.null_model ?? 'independent-tickets',
  });
  const v = b.null_variances;
  const variance = v
    ? {
        variance: {
          mean_hits: v.total_hits,
          mean_hits_k3: v.total_hits_k3,
          rate_2: v.exactly[2],
          rate_3: v.exactly[3],
          rate_4: v.exactly[4],
          rate_5: v.exactly[5],
        },
      }
    : {};
  return JSON.stringify({ 2: entry(b.figures.best_2plus), 3: entry(b.figures.best_3plus), 4: entry(b.figures.best_4plus), ...variance });
}
