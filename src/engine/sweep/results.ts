/**
 * A sweep's cells ranked by one metric, each with its exact baseline, raw p-value and Holm and
 * Benjamini-Hochberg adjusted p-values over ALL completed cells of the sweep (not just those shown),
 * plus the holdout figures of the cells that were evaluated there. `sweep show`, `sweep heatmap`
 * and the `sweep` command's summary all read through here.
 */
import { METRIC_DOCS, type MetricName } from '../../core/metrics.js';
import { bestOfSentence, rankByFor, rankEntries } from '../../core/ranking.js';
import { holm } from '../../core/stats.js';
import type { ParamValue } from '../../core/sweep/values.js';
import type { Catalog } from '../../store/catalog.js';
import { type CellRow, type SweepRow, listCells, readCellRuns, requireSweep } from '../../store/sweeps-repo.js';
import { metricFigure, readRunMetrics } from '../run-metrics.js';

export interface HoldoutFigure {
  run_id: string;
  status: string;
  first_contest: number;
  last_contest: number;
  value: number | null;
  baseline: number | null;
  p_value: number | null;
  /** Holm over the holdout runs of this sweep */
  p_holm: number | null;
}

export interface CellResult {
  cell_index: number;
  params: Record<string, ParamValue>;
  status: CellRow['status'];
  run_id: string | null;
  error: string | null;
  contests: number | null;
  tickets: number | null;
  value: number | null;
  baseline: number | null;
  p_value: number | null;
  rank: number | null;
  p_holm: number | null;
  p_bh: number | null;
  holdout: HoldoutFigure | null;
}

export interface BestCell {
  cell_index: number;
  run_id: string;
  params: Record<string, ParamValue>;
  metric: MetricName;
  value: number | null;
  baseline: number | null;
  p_value: number | null;
  p_holm: number | null;
  p_bh: number | null;
  /** completed cells the adjustment covers */
  of: number;
  sentence: string;
  holdout: HoldoutFigure | null;
}

export interface SweepResults {
  sweep: SweepRow;
  metric: MetricName;
  higher_is_better: boolean;
  cells_total: number;
  cells_done: number;
  cells_failed: number;
  /** ranked: best first, cells without a value last (in index order) */
  cells: CellResult[];
  best: BestCell | null;
}

/** Ranks a sweep's cells by `metric` (default: the sweep's own). */
export function readSweepResults(catalog: Catalog, sweepId: string, metricName?: MetricName): SweepResults {
  const sweep = requireSweep(catalog.db, sweepId);
  const metric = metricName ?? (sweep.metric as MetricName);
  const higher = METRIC_DOCS[metric].higher_is_better;
  const cells = listCells(catalog.db, sweep.sweep_id);
  const runs = readCellRuns(catalog.db, sweep.sweep_id, 'run_id');
  const holdoutRuns = readCellRuns(catalog.db, sweep.sweep_id, 'holdout_run_id');

  // Holdout figures, Holm-adjusted over the holdout runs that finished.
  const holdouts = new Map<number, HoldoutFigure>();
  for (const c of cells) {
    const r = c.holdout_run_id ? holdoutRuns.get(c.holdout_run_id) : undefined;
    if (!c.holdout_run_id) continue;
    const fig = r && r.status === 'completed' ? metricFigure(metric, readRunMetrics(catalog, r)) : { value: null, baseline: null, p_value: null };
    holdouts.set(c.cell_index, {
      run_id: c.holdout_run_id,
      status: r?.status ?? 'pending',
      first_contest: sweep.holdout_from ?? 0,
      last_contest: sweep.holdout_to ?? 0,
      ...fig,
      p_holm: null,
    });
  }
  const hp = [...holdouts.values()].filter((h) => h.p_value !== null);
  holm(hp.map((h) => h.p_value!)).forEach((p, i) => (hp[i]!.p_holm = p));

  const entries = cells.map((c) => {
    const run = c.run_id ? runs.get(c.run_id) : undefined;
    const done = c.status === 'completed' && run?.status === 'completed';
    const fig = done ? metricFigure(metric, readRunMetrics(catalog, run)) : { value: null, baseline: null, p_value: null };
    return {
      cell_index: c.cell_index,
      params: JSON.parse(c.params_json) as Record<string, ParamValue>,
      status: c.status,
      run_id: c.run_id,
      error: c.error ?? (c.status === 'completed' && !run ? 'its run was deleted' : null),
      contests: done ? run.contests_done : null,
      tickets: done ? run.tickets : null,
      ...fig,
      holdout: holdouts.get(c.cell_index) ?? null,
    };
  });
  // by lift for hit metrics: a sweep over numbers_per_ticket or tickets changes the expectation itself
  const ranked = rankEntries(entries, higher, rankByFor(metric));
  const done = cells.filter((c) => c.status === 'completed').length;
  const top = ranked[0];
  const of = entries.filter((e) => e.contests !== null).length;
  const best: BestCell | null =
    top && top.value !== null && top.run_id
      ? {
          cell_index: top.cell_index,
          run_id: top.run_id,
          params: top.params,
          metric,
          value: top.value,
          baseline: top.baseline,
          p_value: top.p_value,
          p_holm: top.p_holm,
          p_bh: top.p_bh,
          of,
          sentence: bestOfSentence({
            metric,
            value: top.value,
            baseline: top.baseline,
            p_value: top.p_value,
            p_holm: top.p_holm,
            of,
            noun: of === 1 ? 'cell' : 'cells',
          }),
          holdout: top.holdout,
        }
      : null;
  return {
    sweep,
    metric,
    higher_is_better: higher,
    cells_total: cells.length,
    cells_done: done,
    cells_failed: cells.filter((c) => c.status === 'failed').length,
    cells: ranked,
    best,
  };
}
