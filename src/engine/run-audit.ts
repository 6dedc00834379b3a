/**
 * A run file checked against itself: every ticket's hits recounted from its numbers and the
 * contest's balls, every contest's histogram and best ticket recounted from its tickets, and the
 * stored summary recomputed from the contests (with the one `summarizeRun`), so an edited file
 * cannot rank as a better run than it was. `runs import` refuses a file with differences and
 * `runs verify` reports them; the catalog's index row is always built from the recomputed totals.
 */
import { type BestOfLaw, bestOfLaw, bestOfRng, formatBestOfLaw, sameBestOfLaw } from '../core/best-of.js';
import { type RunTotals, summarizeRun } from '../core/run-summary.js';
import type { ContestRow, RunFile } from '../store/run-file.js';
import { runContestOf } from './summarize.js';
import { ENGINE_VERSION } from './run-types.js';

export interface AuditDifference {
  /** where: `summary.mean_hits`, `contest 4101 ticket 3 hits`, ... */
  path: string;
  stored: unknown;
  recomputed: unknown;
}

export interface RunAudit {
  /** the totals recomputed from the stored contests */
  totals: RunTotals;
  differences: AuditDifference[];
}

/** At most this many differences are listed (the count of the rest is not needed to refuse). */
const MAX_DIFFERENCES = 50;

/**
 * Audits an open run file. `stored` is its stored summary (undefined for a run that never
 * finished); `engineVersion` the version that wrote it: the baseline block (odds and p-values)
 * is compared only when it is the running engine's, the figures counted from the data always.
 */
export function auditRunFile(rf: RunFile, k: number, ticketsPerContest: number, seed: number, stored: unknown, engineVersion: string | undefined): RunAudit {
  const differences: AuditDifference[] = [];
  const add = (d: AuditDifference) => {
    if (differences.length < MAX_DIFFERENCES) differences.push(d);
  };
  const rows = rf.contests();
  const numbers = auditContests(rf, rows, add);
  const totals = summarizeRun({
    numbers_per_ticket: k,
    tickets_per_contest: ticketsPerContest,
    contests: rows.map(runContestOf),
    laws: auditBestOfLaws(rows, numbers, k, seed, add),
  });
  if (stored !== undefined) {
    const s = stored as Partial<RunTotals>;
    const { baseline, ...figures } = totals.summary;
    const { baseline: storedBaseline, ...storedFigures } = (s.summary ?? {}) as Partial<RunTotals['summary']>;
    compare('contests', s.contests, totals.contests, add);
    compare('tickets', s.tickets, totals.tickets, add);
    compare('summary', storedFigures, figures, add);
    compare('finance', s.finance, totals.finance, add);
    if (engineVersion === ENGINE_VERSION) compare('summary.baseline', storedBaseline, baseline, add);
  }
  return { totals, differences };
}

/**
 * Each contest's best-of null law recomputed from its stored tickets, exactly as the worker
 * computes it (never taken from the file: a lowered law would make a run look better than chance);
 * a stored law that differs is reported.
 */
function auditBestOfLaws(
  rows: readonly ContestRow[],
  numbers: ReadonlyMap<number, number[]>,
  k: number,
  seed: number,
  add: (d: AuditDifference) => void,
): BestOfLaw[] {
  return rows.map((r) => {
    const law = bestOfLaw(numbers.get(r.contest) ?? [], k, () => bestOfRng(seed, r.contest));
    if (r.best_of !== null && !sameBestOfLaw(r.best_of, law))
      add({ path: `contest ${r.contest} best_of`, stored: r.best_of, recomputed: formatBestOfLaw(law) });
    return law;
  });
}

/** Hits recounted per ticket; histogram, best hits and best ticket recounted per contest; returns each contest's ticket numbers (flat) for its best-of law. */
function auditContests(rf: RunFile, rows: readonly ContestRow[], add: (d: AuditDifference) => void): Map<number, number[]> {
  const byContest = new Map(
    rows.map((r) => [r.contest, { row: r, balls: new Set(r.balls), hist: [0, 0, 0, 0, 0, 0], best: -1, bestTicket: -1, numbers: [] as number[] }]),
  );
  for (const t of rf.iterateTickets()) {
    const c = byContest.get(t.contest);
    if (!c) {
      add({ path: `contest ${t.contest} ticket ${t.ticket}`, stored: 'a ticket', recomputed: 'no such contest' });
      continue;
    }
    c.numbers.push(...t.numbers);
    const hits = t.numbers.filter((n) => c.balls.has(n)).length;
    if (hits !== t.hits) add({ path: `contest ${t.contest} ticket ${t.ticket} hits`, stored: t.hits, recomputed: hits });
    c.hist[Math.min(5, hits)]!++;
    if (hits > c.best) {
      c.best = hits;
      c.bestTicket = t.ticket;
    }
  }
  for (const [contest, c] of byContest) {
    // shown as the file stores it ("1 0 0 0 0 0")
    const hist = c.hist.join(' ');
    const stored = c.row.hits_histogram.join(' ');
    if (hist !== stored) add({ path: `contest ${contest} hits_histogram`, stored, recomputed: hist });
    if (c.best !== c.row.best_hits) add({ path: `contest ${contest} best_hits`, stored: c.row.best_hits, recomputed: c.best });
    else if (c.bestTicket !== c.row.best_ticket) add({ path: `contest ${contest} best_ticket`, stored: c.row.best_ticket, recomputed: c.bestTicket });
  }
  return new Map([...byContest].map(([contest, c]) => [contest, c.numbers]));
}

/** Deep comparison with a relative tolerance for floating-point figures. */
function compare(path: string, stored: unknown, fresh: unknown, add: (d: AuditDifference) => void): void {
  // JSON stores NaN and Infinity as null.
  if (typeof fresh === 'number' && !Number.isFinite(fresh) && stored === null) return;
  if (typeof fresh === 'number' && typeof stored === 'number') {
    if (!(Math.abs(stored - fresh) <= 1e-9 * Math.max(1, Math.abs(stored), Math.abs(fresh))) && !(Number.isNaN(stored) && Number.isNaN(fresh)))
      add({ path, stored, recomputed: fresh });
    return;
  }
  if (fresh !== null && typeof fresh === 'object' && stored !== null && typeof stored === 'object' && Array.isArray(fresh) === Array.isArray(stored)) {
    const keys = new Set([...Object.keys(fresh), ...Object.keys(stored)]);
    for (const key of keys) compare(`${path}.${key}`, (stored as Record<string, unknown>)[key], (fresh as Record<string, unknown>)[key], add);
    return;
  }
  if (stored !== fresh) add({ path, stored: stored ?? null, recomputed: fresh ?? null });
}
