/**
 * Catalog-wide questions about the run index beyond the run list itself: the completed runs a
 * leaderboard ranks, and how many runs have each status (the dashboard and the metrics gauge).
 */
import type { Catalog } from './catalog.js';
import { RUN_STATUSES } from '../core/run-columns.js';
import { type RunRow, type RunStatus, shownRunStatus } from './runs-repo.js';
import { prepareCached } from './sqlite.js';

/** Completed runs, oldest first (then by id), created on or after `since` (YYYY-MM-DD) when given. */
export function listCompletedRuns(catalog: Catalog, since?: string): RunRow[] {
  const sql = `SELECT * FROM runs WHERE status = 'completed' ${since ? 'AND created_at >= ?' : ''} ORDER BY status, created_at, run_id`;
  return catalog.db.prepare(sql).all(...(since ? [since] : [])) as RunRow[];
}

/**
 * How many runs have each status, `interrupted` (stored `running`, its owner dead) told apart from
 * `running`. The stored count of `running` is `running + interrupted`.
 */
export function countRunsByStatus(catalog: Catalog): Record<RunStatus, number> {
  const db = catalog.db;
  const rows = prepareCached(db, 'SELECT status, COUNT(*) AS n FROM runs GROUP BY status').all() as Array<{ status: RunStatus; n: number }>;
  const counts = Object.fromEntries(RUN_STATUSES.map((st) => [st, rows.find((r) => r.status === st)?.n ?? 0])) as Record<RunStatus, number>;
  const running = prepareCached(db, "SELECT run_id, status, owner FROM runs WHERE status = 'running'").all() as Array<
    Pick<RunRow, 'run_id' | 'status' | 'owner'>
  >;
  counts.interrupted = running.filter((r) => shownRunStatus(r) === 'interrupted').length;
  counts.running -= counts.interrupted;
  return counts;
}
