/**
 * The holdout: once every cell is done, the best `holdout_top` cells (by the sweep's metric) are
 * run ONCE each on the holdout range, contests the sweep never looked at. The selection is
 * recorded on the cells (holdout_run_id) before any run starts, so an interrupted holdout resumes
 * the same cells and a rerun never picks again with hindsight.
 */
import type { MetricName } from '../../core/metrics.js';
import { parseRecipe } from '../../core/recipe/schema.js';
import { type SweepRow, assignHoldoutRuns, listCells, updateCell } from '../../store/sweeps-repo.js';
import type { RunPlan } from '../plan.js';
import { type RunJob, executeRuns } from '../run-executor.js';
import type { RunEnv } from '../run-types.js';
import { cellRunState, freshRunId, prepareCellRun } from './cell-runs.js';
import { planByHistory } from './create.js';
import { readSweepResults } from './results.js';

export interface HoldoutOutcome {
  /** holdout runs evaluated (or already evaluated) */
  runs: number;
  /** holdout runs still to finish (interrupted) */
  pending: number;
  failed: number;
  errors: string[];
}

/** Picks the holdout cells once and records the choice. */
function selectOnce(env: RunEnv, sweep: SweepRow): void {
  const db = env.catalog.db;
  if (listCells(db, sweep.sweep_id).some((c) => c.holdout_run_id !== null)) return;
  const ranked = readSweepResults(env.catalog, sweep.sweep_id, sweep.metric as MetricName).cells;
  const top = ranked.filter((c) => c.value !== null).slice(0, sweep.holdout_top);
  assignHoldoutRuns(
    db,
    sweep.sweep_id,
    top.map((c) => ({ cell_index: c.cell_index, run_id: freshRunId(env) })),
  );
}

export async function runHoldout(env: RunEnv, sweep: SweepRow, options: { share_stats?: boolean }): Promise<HoldoutOutcome> {
  const out: HoldoutOutcome = { runs: 0, pending: 0, failed: 0, errors: [] };
  if (sweep.holdout_from === null || sweep.holdout_to === null || sweep.holdout_top === 0) return out;
  selectOnce(env, sweep);
  const range = { from: sweep.holdout_from, to: sweep.holdout_to };
  const chosen = listCells(env.catalog.db, sweep.sweep_id).filter((c) => c.holdout_run_id !== null && c.recipe_json !== null);
  out.runs = chosen.length;
  const todo = chosen
    .filter((c) => cellRunState(env, c.holdout_run_id).kind !== 'done')
    .map((c) => ({ cell: c, recipe: parseRecipe(JSON.parse(c.recipe_json!)) }));
  if (todo.length === 0) return out;
  let plans: Map<number, RunPlan>;
  try {
    plans = planByHistory(
      env.catalog,
      range,
      todo.map((t) => t.recipe),
    );
  } catch (e) {
    out.failed = todo.length;
    out.errors.push(`holdout: ${(e as Error).message}`);
    return out;
  }
  const jobs: RunJob[] = [];
  for (const t of todo) {
    try {
      const job = prepareCellRun(
        env,
        {
          run_id: t.cell.holdout_run_id,
          recipe: t.recipe,
          range,
          plan: plans.get(t.recipe.history)!,
          name: `${sweep.name} #${t.cell.cell_index} holdout`,
          sweep_id: sweep.sweep_id,
        },
        (runId) => updateCell(env.catalog.db, sweep.sweep_id, t.cell.cell_index, { holdout_run_id: runId }),
      );
      if (job) jobs.push(job);
    } catch (e) {
      out.failed++;
      out.errors.push(`holdout of cell ${t.cell.cell_index}: ${(e as Error).message}`);
    }
  }
  const outcomes = await executeRuns(env, jobs, options);
  for (const o of outcomes) {
    if (o.report.status === 'failed') {
      out.failed++;
      out.errors.push(`holdout run ${o.report.run_id}: ${o.error ?? 'failed'}`);
    } else if (o.report.status !== 'completed') out.pending++;
  }
  return out;
}
