/**
 * The server-status use case: what `GET /metrics` reports about the catalog (simulation runs by
 * status). Read at every scrape, so it stays cheap (the store's count by status).
 */
import type { RunStatus } from '../store/runs-repo.js';
import { countJobs } from '../store/jobs-repo.js';
import { countRunsByStatus } from '../store/runs-queries.js';
import type { UseCaseDeps } from './deps.js';

/** The statuses the `luckyfive_simulations` gauge reports, each always present (0 when none). */
export const SIMULATION_STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled'] as const satisfies readonly RunStatus[];

export type SimulationCounts = Record<(typeof SIMULATION_STATUSES)[number], number>;

/**
 * Counts the runs in the catalog's run index by their stored status. Refuses nothing (a locked
 * or damaged catalog throws the store's error). Returns one count per {@link SIMULATION_STATUSES}
 * entry; `running` counts every run stored as running, interrupted ones (owner gone) included,
 * as the gauge always did.
 */
export function countSimulations(deps: Pick<UseCaseDeps, 'catalog'>): SimulationCounts {
  const counts = countRunsByStatus(deps.catalog);
  return {
    pending: counts.pending,
    running: counts.running + counts.interrupted,
    completed: counts.completed,
    failed: counts.failed,
    cancelled: counts.cancelled,
  };
}

/** Simulation jobs waiting to run (the `luckyfive_job_queue_depth` gauge), read at every scrape. */
export function countQueuedJobs(deps: Pick<UseCaseDeps, 'catalog'>): number {
  return countJobs(deps.catalog.db, 'pending');
}
