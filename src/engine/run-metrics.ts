/**
 * A run's metrics (src/core/metrics.ts names) with their exact baseline and p-value. They are read
 * from the run index's columns, which simulate fills when a run finishes; a row without them (a
 * file registered without a summary) gets them computed from its run file, the same way.
 */
import { existsSync } from 'node:fs';
import {
  type BestOfIndex,
  METRIC_NAMES,
  type MetricName,
  type Metrics,
  type MetricsInput,
  buildHitCounts,
  computeMetrics,
  metricBaseline,
  metricPValue,
  parseBestOfIndex,
} from '../core/metrics.js';
import { formatBestOfIndex } from '../core/run-summary.js';
import { isLuckyError } from '../errors.js';
import type { Catalog } from '../store/catalog.js';
import { type ContestRow, openRunFile, runFilePath } from '../store/run-file.js';
import { type RunRow, runLiftColumns, updateRun } from '../store/runs-repo.js';
import { runContestOf, summarizeRunFile } from './summarize.js';

export interface MetricFigure {
  value: number | null;
  /** exact expectation under uniform draws; null for money metrics */
  baseline: number | null;
  /** two-sided p-value against the baseline; null where there is no baseline */
  p_value: number | null;
}

/** Per-contest rows of a run file, in contest order. */
export function readRunContests(catalog: Catalog, runId: string): ContestRow[] {
  const rf = openRunFile(runFilePath(catalog.dataDir, runId), { mustExist: true, readonly: true });
  try {
    return rf.contests();
  } finally {
    rf.close();
  }
}

/** Per-contest rows as the metrics take them. */
function metricsInput(rows: readonly ContestRow[], k: number): MetricsInput {
  return { numbers_per_ticket: k, contests: rows.map(runContestOf) };
}

/** The trial counts a p-value needs. */
export interface RunCounts {
  tickets: number;
  contests: number;
  numbers_per_ticket: number;
  tickets_per_contest: number;
  /** the run's best-of baselines for its actual tickets (null: unknown, the formula is used) */
  best_of?: BestOfIndex | null;
}

/**
 * The best-of baselines and the tickets' exact null variances of a completed run: from its index
 * row, or (runs indexed before catalog migration 10, or before the variances were kept) computed
 * from its run file, recomputing each contest's law and moments from its stored tickets where the
 * file predates them, and then stored in the index so this happens once.
 */
export function readBestOfIndex(catalog: Catalog, row: RunRow): BestOfIndex | null {
  const stored = parseBestOfIndex(row.best_of_baseline);
  if (stored?.variance || row.status !== 'completed') return stored;
  const file = runFilePath(catalog.dataDir, row.run_id);
  if (!existsSync(file)) return stored;
  let json: string | null;
  try {
    const rf = openRunFile(file, { mustExist: true, readonly: true });
    try {
      json = formatBestOfIndex(summarizeRunFile(rf, row.numbers_per_ticket, row.tickets_per_contest, row.seed).summary.baseline);
    } finally {
      rf.close();
    }
  } catch (e) {
    // indexed before the variances were kept and its file unreadable now: the stored baselines, tickets taken as independent
    if (stored && isLuckyError(e)) return stored;
    throw e;
  }
  if (json === null) return stored;
  try {
    // the best-of lifts lists order by change with the baselines (the mean and rate lifts do not)
    updateRun(catalog.db, row.run_id, {
      best_of_baseline: json,
      ...runLiftColumns({ ...row, best_of_baseline: json }, ['best_2plus', 'best_3plus', 'best_4plus']),
    });
  } catch {
    // a read-only or busy catalog: computed again next time
  }
  return parseBestOfIndex(json);
}

export interface RunMetrics {
  metrics: Metrics;
  counts: RunCounts;
}

/** Every metric of a run: index columns, or the run file when the index has none. */
export function readRunMetrics(catalog: Catalog, row: RunRow): RunMetrics {
  const counts: RunCounts = {
    tickets: row.tickets,
    contests: row.contests_done,
    numbers_per_ticket: row.numbers_per_ticket,
    tickets_per_contest: row.tickets_per_contest,
    best_of: readBestOfIndex(catalog, row),
  };
  if (row.mean_hits === null && row.status === 'completed' && existsSync(runFilePath(catalog.dataDir, row.run_id))) {
    const input = metricsInput(readRunContests(catalog, row.run_id), row.numbers_per_ticket);
    const { tickets, contests } = buildHitCounts(input);
    return { metrics: computeMetrics(input), counts: { ...counts, tickets, contests } };
  }
  const metrics = {} as Metrics;
  for (const name of METRIC_NAMES) metrics[name] = row[name];
  return { metrics, counts };
}

/** One metric of a run next to its baseline, with its p-value. */
export function metricFigure(name: MetricName, m: RunMetrics): MetricFigure {
  const value = m.metrics[name];
  const baseline = metricBaseline(name, m.counts.numbers_per_ticket, m.counts.tickets_per_contest, m.counts.best_of);
  return { value, baseline, p_value: value === null ? null : metricPValue(name, value, m.counts) };
}
