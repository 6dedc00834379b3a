/**
 * The dashboard use case: one summary document of the draws, runs, books and job queue. The best
 * run by mean hits is shown with its exact baseline, its p-value, the same p-value corrected for
 * having picked the best of many runs, and the reminder that it is noise unless a holdout range
 * confirms it.
 */
import type { BudgetStatus } from '../core/finance/budget.js';
import { budgetJson } from '../core/finance/books-json.js';
import { buildLedgerReport } from '../core/finance/report.js';
import { expectedHits } from '../core/odds.js';
import { readRunReport } from '../engine/runs.js';
import { readBudgetViews } from '../store/budgets-repo.js';
import { readDrawBounds } from '../store/draws-repo.js';
import { countJobs } from '../store/jobs-repo.js';
import { readBalance, readEntries } from '../store/ledger-repo.js';
import { type RunRow, type RunStatus, listRuns, runLivenessStamp } from '../store/runs-repo.js';
import { countRunsByStatus } from '../store/runs-queries.js';
import type { UseCaseDeps } from './deps.js';

/** The run statuses the dashboard counts, in order (the run index's list). */

/** The budget statuses the dashboard counts, in order. */
export const BUDGET_STATUSES = ['upcoming', 'active', 'exhausted', 'expired'] as const satisfies readonly BudgetStatus[];

/** Said of the best run whatever its numbers: choosing the best of many is choosing the luckiest. */
export const BEST_RUN_CAVEAT =
  'The best of many runs is the luckiest of them: treat its figures as noise unless a fresh holdout range, chosen before looking, shows them again.';

/** One of the latest runs. */
export interface LatestRun {
  run_id: string;
  name: string | null;
  status: RunStatus;
  strategy: string;
  first_contest: number;
  last_contest: number;
  contests_done: number;
  mean_hits: number | null;
  p_value: number | null;
  roi_pct: number | null;
  created_at: string;
}

/** The completed run with the highest mean hits, beside its baseline and its best-of correction. */
export interface BestRun {
  run_id: string;
  name: string | null;
  strategy: string;
  numbers_per_ticket: number;
  contests: number;
  tickets: number;
  mean_hits: number;
  /** exact expectation under uniform draws: 5k/80 */
  expected_mean_hits: number;
  /** two-sided, this run alone */
  p_value: number | null;
  /** Šidák-corrected for picking the best of `completed_runs`: 1-(1-p)^n */
  p_value_best_of: number | null;
  completed_runs: number;
  /** the run report's own sentence on its mean hits */
  sentence: string | null;
  caveat: string;
}

/** `GET /dashboard`. */
export interface Dashboard {
  draws: { count: number; first_contest: number | null; last_contest: number | null; last_date: string | null; synthetic: boolean; synthetic_count: number };
  runs: { count: number; by_status: Record<RunStatus, number>; latest: LatestRun[]; best: BestRun | null };
  ledger: { entries: number; balance_cents: number; invested_cents: number; won_cents: number; net_cents: number; roi_pct: number | null };
  budgets: { count: number; by_status: Record<(typeof BUDGET_STATUSES)[number], number>; items: Array<ReturnType<typeof budgetJson>> };
  jobs: { queue_depth: number; running: number };
}

function latestJson(r: RunRow): LatestRun {
  return {
    run_id: r.run_id,
    name: r.name,
    status: r.status,
    strategy: r.strategy,
    first_contest: r.first_contest,
    last_contest: r.last_contest,
    contests_done: r.contests_done,
    mean_hits: r.mean_hits,
    p_value: r.p_value,
    roi_pct: r.roi_pct,
    created_at: r.created_at,
  };
}

function bestRun(deps: Pick<UseCaseDeps, 'catalog'>, completed: number): BestRun | null {
  const top = listRuns(deps.catalog.db, { status: 'completed', order_by: 'mean_hits', desc: true, limit: 1 })[0];
  if (!top || top.mean_hits === null) return null;
  let sentence: string | null = null;
  try {
    sentence = readRunReport(deps.catalog, top.run_id)?.summary.baseline?.figures.mean_hits.sentence ?? null;
  } catch {
    // A missing or unreadable run file leaves the sentence out; `maintain` reports the file.
  }
  return {
    run_id: top.run_id,
    name: top.name,
    strategy: top.strategy,
    numbers_per_ticket: top.numbers_per_ticket,
    contests: top.contests_done,
    tickets: top.tickets,
    mean_hits: top.mean_hits,
    expected_mean_hits: expectedHits(top.numbers_per_ticket),
    p_value: top.p_value,
    p_value_best_of: top.p_value === null ? null : 1 - (1 - top.p_value) ** Math.max(1, completed),
    completed_runs: completed,
    sentence,
    caveat: BEST_RUN_CAVEAT,
  };
}

/**
 * The dashboard as of `clock.today` (budget statuses depend on the day). Refuses nothing.
 * Returns the document `GET /dashboard` answers.
 */
export function readDashboard(deps: Pick<UseCaseDeps, 'catalog' | 'clock'>): Dashboard {
  const db = deps.catalog.db;
  const bounds = readDrawBounds(db);
  const byStatus = countRunsByStatus(deps.catalog);
  const entries = readEntries(db);
  const total = buildLedgerReport(entries, 'month').total;
  const budgets = readBudgetViews(db, deps.clock.today);
  return {
    draws: {
      count: bounds.count,
      first_contest: bounds.first_contest,
      last_contest: bounds.last_contest,
      last_date: bounds.last_date,
      synthetic: bounds.synthetic > 0,
      synthetic_count: bounds.synthetic,
    },
    runs: {
      count: Object.values(byStatus).reduce((a, n) => a + n, 0),
      by_status: byStatus,
      latest: listRuns(db, { limit: 5 }).map(latestJson),
      best: bestRun(deps, byStatus.completed),
    },
    ledger: {
      entries: entries.length,
      balance_cents: readBalance(db),
      invested_cents: total.invested_cents,
      won_cents: total.won_cents,
      net_cents: total.net_cents,
      roi_pct: total.roi_pct,
    },
    budgets: {
      count: budgets.length,
      by_status: Object.fromEntries(BUDGET_STATUSES.map((s) => [s, budgets.filter((b) => b.status === s).length])) as Dashboard['budgets']['by_status'],
      items: budgets.map(budgetJson),
    },
    jobs: { queue_depth: countJobs(db, 'pending'), running: countJobs(db, 'running') },
  };
}

/**
 * What the dashboard depends on beyond the catalog's data version: the day (budget statuses) and
 * the set of interrupted runs (derived from owners' liveness, which no write records). A cache of
 * {@link readDashboard} keyed by the data version must also be keyed by this.
 */
export function dashboardCacheKey(deps: Pick<UseCaseDeps, 'catalog' | 'clock'>): string {
  return `dashboard|${deps.clock.today}|${runLivenessStamp(deps.catalog.db)}`;
}
