/**
 * A run's summary from its file, through the one pipeline (src/core/run-summary.ts
 * `summarizeRun`): derived only from what the run file holds, so a resumed run summarises
 * exactly like an uninterrupted one.
 */
import { type BestOfLaw, bestOfLaw, bestOfRng, parseBestOfLaw } from '../core/best-of.js';
import { contestMoments } from '../core/contest-moments.js';
import { type RunContest, type RunTotals, summarizeRun } from '../core/run-summary.js';
import type { ContestRow, RunFile } from '../store/run-file.js';

export type { FinanceSummary, HitSummary, RunTotals } from '../core/run-summary.js';

/** A run file's contest row as the summary pipeline reads it. */
export function runContestOf(r: ContestRow): RunContest {
  return {
    contest: r.contest,
    hits: r.hits_histogram,
    best_hits: r.best_hits,
    cost_cents: r.cost_cents,
    prize_cents: r.prize_cents,
    prize_estimated: r.prize_estimated,
  };
}

/**
 * The null law of each row: the stored one, or (files written before run-file migration 2)
 * recomputed from the contest's stored tickets, exactly as the worker computes it; a law stored
 * without its moments (older files) gets them from the same tickets.
 */
function resolveBestOfLaws(rf: RunFile, rows: readonly ContestRow[], k: number, seed: number): BestOfLaw[] {
  return rows.map((r) => {
    const stored = parseBestOfLaw(r.best_of);
    if (stored?.moments) return stored;
    const numbers = rf.contestTickets(r.contest).flatMap((t) => t.numbers);
    // a law stored before the moments were kept: its moments from the same tickets
    if (stored) return { ...stored, moments: contestMoments(numbers, k) };
    return bestOfLaw(numbers, k, () => bestOfRng(seed, r.contest));
  });
}

/** A run file's totals: its contest rows with their best-of laws (stored or recomputed). */
export function summarizeRunFile(rf: RunFile, k: number, ticketsPerContest: number, seed: number): RunTotals {
  const rows = rf.contests();
  return summarizeRun({
    numbers_per_ticket: k,
    tickets_per_contest: ticketsPerContest,
    contests: rows.map(runContestOf),
    laws: resolveBestOfLaws(rf, rows, k, seed),
  });
}
