/**
 * The server-status use case: what `GET /metrics` reports about the catalog (simulation runs by
 * status). Read at every scrape, so it is one indexed query.
 */
import type { RunStatus } from '../store/runs-repo.js';
import { prepareCached } from '../store/sqlite.js';
import type { UseCaseDeps } from './deps.js';

/** The statuses the `luckyfive_simulations` gauge reports, each always present (0 when none). */
export const SIMULATION_STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled'] as const satisfies readonly RunStatus[];

export type SimulationCounts = Record<(typeof SIMULATION_STATUSES)[number], number>;

/**
 * Counts the runs in the catalog's run index by status. Refuses nothing (a locked or damaged
 * catalog throws the store's error). Returns one count per {@link SIMULATION_STATUSES} entry.
 */
export function countSimulations(deps: Pick<UseCaseDeps, 'catalog'>): SimulationCounts {
  const rows = prepareCached(deps.catalog.db, 'SELECT status, COUNT(*) AS n FROM runs GROUP BY status').all() as Array<{ status: string; n: number }>;
  const counts = new Map(rows.map((r) => [r.status, r.n]));
  return Object.fromEntries(SIMULATION_STATUSES.map((status) => [status, counts.get(status) ?? 0])) as SimulationCounts;
}
