/**
 * The JSON documents of `sweep list` and `sweep show`, shared by the CLI (--json) and the API so
 * the two can never drift. Every adjusted p-value covers all finished cells, whatever is shown.
 */
import { METRIC_DOCS } from '../../core/metrics.js';
import type { SweepListRow } from '../../store/sweeps-repo.js';
import type { CellResult, SweepResults } from './results.js';

/** A sweep is complete once every cell has an outcome, failed cells included. */
function isComplete(status: string): boolean {
  return status === 'completed' || status === 'completed_with_failures';
}

export function sweepListItem(r: SweepListRow): Record<string, unknown> {
  return {
    sweep_id: r.sweep_id,
    name: r.name,
    status: r.status,
    complete: isComplete(r.status),
    cells_total: r.cells_total,
    cells_done: r.cells_completed,
    cells_failed: r.cells_failed,
    first_contest: r.first_contest,
    last_contest: r.last_contest,
    holdout: r.holdout_from === null ? null : { from: r.holdout_from, to: r.holdout_to },
    metric: r.metric,
    created_at: r.created_at,
    finished_at: r.finished_at,
  };
}

export function cellJson(c: CellResult, best: SweepResults['best']): Record<string, unknown> {
  return {
    rank: c.rank,
    flag: best && best.cell_index === c.cell_index ? `best of ${best.of}` : null,
    cell_index: c.cell_index,
    params: c.params,
    status: c.status,
    run_id: c.run_id,
    value: c.value,
    baseline: c.baseline,
    p_value: c.p_value,
    p_holm: c.p_holm,
    p_bh: c.p_bh,
    contests: c.contests,
    tickets: c.tickets,
    holdout: c.holdout,
    ...(c.error ? { error: c.error } : {}),
  };
}

/** `sweep show --json`: the top `top` cells, ranked, with the stored spec (which reproduces the sweep). */
export function sweepShowDocument(r: SweepResults, top: number): Record<string, unknown> {
  const s = r.sweep;
  return {
    sweep_id: s.sweep_id,
    name: s.name,
    status: s.status,
    complete: isComplete(s.status),
    first_contest: s.first_contest,
    last_contest: s.last_contest,
    holdout: s.holdout_from === null ? null : { from: s.holdout_from, to: s.holdout_to, top: s.holdout_top },
    spec: JSON.parse(s.spec_json) as unknown,
    metric: r.metric,
    metric_description: METRIC_DOCS[r.metric].description,
    higher_is_better: r.higher_is_better,
    cells_total: r.cells_total,
    cells_done: r.cells_done,
    cells_failed: r.cells_failed,
    adjustment: { methods: ['holm', 'benjamini_hochberg'], family_size: r.cells.filter((c) => c.p_value !== null).length, note: 'adjusted over every finished cell of the sweep, not only those shown' },
    best: r.best,
    cells: r.cells.slice(0, top).map((c) => cellJson(c, r.best)),
  };
}
