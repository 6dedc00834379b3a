/**
 * A run's tickets one page of contests at a time, for the dashboard's run page: each contest of
 * the page (its draw and best hits, as `listRunContests` gives them) with every ticket played on
 * it and that ticket's hits.
 */
import { readRunFile, runFilePath } from '../store/run-file.js';
import type { UseCaseDeps } from './deps.js';
import { type RunContestResult, listRunContests } from './runs.js';

export interface ContestTickets extends RunContestResult {
  tickets: Array<{ ticket: number; numbers: number[]; hits: number }>;
}

/**
 * `contests` contests of a run after contest `after` (in contest order), each with its tickets.
 * Refuses an unknown run (E_NOT_FOUND) and a missing file (E_DATA_MISSING), as `listRunContests`.
 * Returns the page and the last contest of it when another page follows.
 */
export function listRunTickets(
  deps: Pick<UseCaseDeps, 'catalog'>,
  input: { run_id: string; after?: number | undefined; contests: number },
): { items: ContestTickets[]; next: number | null } {
  const page = listRunContests(deps, { run_id: input.run_id, after: input.after, limit: input.contests });
  if (page.items.length === 0) return { items: [], next: null };
  return readRunFile(runFilePath(deps.catalog.dataDir, input.run_id), (rf) => ({
    items: page.items.map((c) => ({ ...c, tickets: rf.contestTickets(c.contest).map((t) => ({ ticket: t.ticket, numbers: t.numbers, hits: t.hits })) })),
    next: page.next,
  }));
}
