/**
 * A run's metrics (src/core/metrics.ts names) with their exact baseline and p-value. They are read
 * from the run index's columns, which simulate fills when a run finishes; a row without them (a
 * file registered without a summary) gets them computed from its run file, the same way.
 */
import { existsSync } from 'node:fs';
import { METRIC_NAMES, type MetricName, type Metrics, computeMetrics, metricBaseline, metricPValue } from '../core/metrics.js';
import type { Catalog } from '../store/catalog.js';
import { type ContestRow, openRunFile, readContestRows, readSummary, runFilePath } from '../store/run-file.js';
import type { RunRow } from '../store/runs-repo.js';

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
    return readContestRows(rf.db);
  } finally {
    rf.close();
  }
}

/** Metrics from per-contest rows (the fallback when the index lacks them). */
export function metricsFromContests(rows: readonly ContestRow[], k: number): Metrics {
  return computeMetrics({
    numbers_per_ticket: k,
    contests: rows.map((r) => ({ hits: r.hits_histogram.split(' ').map(Number), best_hits: r.best_hits, cost_cents: r.cost_cents, prize_cents: r.prize_cents })),
  });
}

/** The trial counts a p-value needs. */
export interface RunCounts {
  tickets: number;
  contests: number;
  numbers_per_ticket: number;
  tickets_per_contest: number;
}

export interface RunMetrics {
  metrics: Metrics;
  counts: RunCounts;
}

/** Every metric of a run: index columns, or the run file when the index has none. */
export function readRunMetrics(catalog: Catalog, row: RunRow): RunMetrics {
  const counts: RunCounts = { tickets: row.tickets, contests: row.contests_done, numbers_per_ticket: row.numbers_per_ticket, tickets_per_contest: row.tickets_per_contest };
  if (row.mean_hits === null && row.status === 'completed' && existsSync(runFilePath(catalog.dataDir, row.run_id))) {
    const rows = readRunContests(catalog, row.run_id);
    const tickets = rows.reduce((s, r) => s + r.hits_histogram.split(' ').reduce((a, n) => a + Number(n), 0), 0);
    return { metrics: metricsFromContests(rows, row.numbers_per_ticket), counts: { ...counts, tickets, contests: rows.length } };
  }
  const metrics = {} as Metrics;
  for (const name of METRIC_NAMES) metrics[name] = row[name];
  return { metrics, counts };
}

/** One metric of a run next to its baseline, with its p-value. */
export function metricFigure(name: MetricName, m: RunMetrics): MetricFigure {
  const value = m.metrics[name];
  const baseline = metricBaseline(name, m.counts.numbers_per_ticket, m.counts.tickets_per_contest);
  return { value, baseline, p_value: value === null ? null : metricPValue(name, value, m.counts) };
}

/** Metrics whose run summary stores its own exact expectation (per contest, for the run's actual tickets). */
const STORED_FIGURES: ReadonlySet<MetricName> = new Set(['best_2plus', 'best_3plus', 'best_4plus']);

/**
 * The expectation and p-value a run's own summary stored for `name` (the best-of figures, whose
 * exact expectation depends on the run's actual tickets), or undefined when the summary has none.
 * Rankings use it so they agree with `runs show`.
 */
export function readStoredFigure(catalog: Catalog, runId: string, name: MetricName): { expected: number; p_value: number | null } | undefined {
  if (!STORED_FIGURES.has(name)) return undefined;
  const file = runFilePath(catalog.dataDir, runId);
  if (!existsSync(file)) return undefined;
  const rf = openRunFile(file, { mustExist: true, readonly: true });
  try {
    const s = readSummary(rf.db) as { summary?: { baseline?: { figures?: Record<string, { expected?: unknown; p_value?: unknown } | undefined> } } } | undefined;
    const f = s?.summary?.baseline?.figures?.[name];
    if (typeof f?.expected !== 'number' || !Number.isFinite(f.expected)) return undefined;
    return { expected: f.expected, p_value: typeof f.p_value === 'number' ? f.p_value : null };
  } finally {
    rf.close();
  }
}

/** {@link metricFigure}, with the expectation and p-value the run's summary stored where it has them. */
export function storedMetricFigure(catalog: Catalog, runId: string, name: MetricName, m: RunMetrics): MetricFigure {
  const fig = metricFigure(name, m);
  const stored = fig.value === null ? undefined : readStoredFigure(catalog, runId, name);
  return stored ? { value: fig.value, baseline: stored.expected, p_value: stored.p_value ?? fig.p_value } : fig;
}
