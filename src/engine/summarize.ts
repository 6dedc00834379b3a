/**
 * A run's summary, derived only from what the run file holds (so a resumed run summarises
 * exactly like an uninterrupted one): hit figures beside the exact baseline, and the
 * simulated books.
 */
import { type BaselineReport, type BestOfLaws, compareToBaseline } from '../core/baseline.js';
import { type BestOfLaw, bestOfLaw, bestOfRng, parseBestOfLaw } from '../core/best-of.js';
import type { Db } from '../store/sqlite.js';
import { type ContestRow, readContestRows, readContestTickets } from '../store/run-file.js';

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

export interface RunTotals {
  contests: number;
  tickets: number;
  summary: HitSummary;
  finance: FinanceSummary;
}

/**
 * The best-of null law of each row: the stored one, or (files written before run-file migration 2)
 * recomputed from the contest's stored tickets, exactly as the worker computes it.
 */
export function resolveBestOfLaws(db: Db, rows: readonly ContestRow[], k: number, seed: number): BestOfLaw[] {
  return rows.map((r) => parseBestOfLaw(r.best_of) ?? bestOfLaw(readContestTickets(db, r.contest), k, () => bestOfRng(seed, r.contest)));
}

/** Per-contest laws in the shape the baseline report takes. */
export function toBestOfLaws(laws: readonly BestOfLaw[]): BestOfLaws {
  const p = { 2: new Float64Array(laws.length), 3: new Float64Array(laws.length), 4: new Float64Array(laws.length) };
  const mc_variance = { 2: 0, 3: 0, 4: 0 };
  laws.forEach((l, i) => {
    p[2][i] = l.p2;
    p[3][i] = l.p3;
    p[4][i] = l.p4;
    mc_variance[2] += l.var2;
    mc_variance[3] += l.var3;
    mc_variance[4] += l.var4;
  });
  return { p, mc_variance };
}

/** A run file's totals: its contest rows with their best-of laws (stored or recomputed). */
export function summarizeRunFile(db: Db, k: number, ticketsPerContest: number, seed: number): RunTotals {
  const rows = readContestRows(db);
  return summarizeRows(rows, k, ticketsPerContest, resolveBestOfLaws(db, rows, k, seed));
}

/** The run index's `best_of_baseline` JSON (src/core/metrics.ts BestOfIndex) from a report; null without one. */
export function bestOfIndexJson(b: BaselineReport | null): string | null {
  if (!b) return null;
  const entry = (f: BaselineReport['figures']['best_2plus']) => ({ expected: f.expected, p_value: f.p_value, null_model: f.null_model ?? 'independent-tickets' });
  return JSON.stringify({ 2: entry(b.figures.best_2plus), 3: entry(b.figures.best_3plus), 4: entry(b.figures.best_4plus) });
}

/**
 * Totals from contest rows. `laws` (one per row) gives the best-of figures their baseline for the
 * actual tickets; without it they use the independent-tickets formula and say so.
 */
export function summarizeRows(rows: readonly ContestRow[], k: number, ticketsPerContest: number, laws?: readonly BestOfLaw[]): RunTotals {
  const dist = [0, 0, 0, 0, 0, 0];
  const bestAtLeast = { 2: 0, 3: 0, 4: 0, 5: 0 };
  let cost = 0;
  let prize = 0;
  let peak = 0;
  let maxDrawdown = 0;
  let breakEven: number | null = null;
  let best: FinanceSummary['best_prize'] = null;
  let wins = 0;
  let estimated = false;
  let outside = 0;
  for (const r of rows) {
    r.hits_histogram.split(' ').forEach((v, h) => (dist[h]! += Number(v)));
    for (const h of [2, 3, 4, 5] as const) if (r.best_hits >= h) bestAtLeast[h]++;
    if (r.cost_cents === 0 && r.prize_cents === 0) outside++;
    cost += r.cost_cents;
    prize += r.prize_cents;
    const net = prize - cost;
    peak = Math.max(peak, net);
    maxDrawdown = Math.max(maxDrawdown, peak - net);
    if (breakEven === null && cost > 0 && prize >= cost) breakEven = r.contest;
    if (r.prize_cents > 0) {
      wins++;
      if (!best || r.prize_cents > best.prize_cents) best = { contest: r.contest, prize_cents: r.prize_cents };
    }
    estimated ||= r.prize_estimated === 1;
  }
  const tickets = dist.reduce((a, b) => a + b, 0);
  const contests = rows.length;
  const rate = (n: number, d: number) => (d > 0 ? n / d : 0);
  const meanHits = rate(dist.reduce((s, n, h) => s + n * h, 0), tickets);
  const baseline = tickets === 0 ? null : compareToBaseline({
    tickets,
    numbers_per_ticket: k,
    distribution: dist,
    contests,
    best_at_least: bestAtLeast,
    tickets_per_contest: ticketsPerContest,
  }, laws ? toBestOfLaws(laws) : undefined);
  return {
    contests,
    tickets,
    summary: {
      tickets_per_contest: ticketsPerContest,
      numbers_per_ticket: k,
      hit_distribution: dist,
      mean_hits: meanHits,
      rates: { rate_2: rate(dist[2]!, tickets), rate_3: rate(dist[3]!, tickets), rate_4: rate(dist[4]!, tickets), rate_5: rate(dist[5]!, tickets) },
      best_hits_at_least: bestAtLeast,
      best_rates: { best_2plus: rate(bestAtLeast[2], contests), best_3plus: rate(bestAtLeast[3], contests), best_4plus: rate(bestAtLeast[4], contests) },
      baseline,
    },
    finance: {
      cost_cents: cost,
      prize_cents: prize,
      net_cents: prize - cost,
      roi_pct: cost > 0 ? ((prize - cost) / cost) * 100 : null,
      break_even_contest: breakEven,
      max_drawdown_cents: maxDrawdown,
      best_prize: best,
      win_rate: rate(wins, contests),
      prizes_estimated: estimated,
      contests_outside_money_era: outside,
    },
  };
}
