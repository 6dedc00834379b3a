/**
 * Turning sweep cells (and holdout evaluations) into runs: a fresh run under a pre-assigned id,
 * or the interrupted run resumed from its file. The id is written to the cell BEFORE the run is
 * created, so a crash in between leaves a cell that knows its run id; a resume then finds no run
 * row, removes any stale file of that id and starts the run again.
 */
import { rmSync } from 'node:fs';
import type { Recipe } from '../../core/recipe/schema.js';
import { runFilePath } from '../../store/run-file.js';
import { getRun } from '../../store/runs-repo.js';
import type { RunPlan } from '../plan.js';
import type { RunJob } from '../run-executor.js';
import type { RunEnv } from '../run-types.js';
import { newRunId, prepareResume, prepareRun } from '../simulate.js';

/** A run id not yet in the catalog (ids are random; a clash is retried, never reused). */
export function freshRunId(env: RunEnv): string {
  for (;;) {
    const id = newRunId(env.now());
    if (!getRun(env.catalog.db, id)) return id;
  }
}

export interface CellRunRequest {
  /** the id already recorded for this cell (or holdout evaluation), if any */
  run_id: string | null;
  recipe: Recipe;
  range: { from: number; to: number };
  plan: RunPlan;
  name: string;
  sweep_id: string;
}

/** What to do with a cell's recorded run: nothing (done), resume it, or start it under `run_id`. */
export type CellRunState = { kind: 'done' } | { kind: 'resume'; run_id: string } | { kind: 'start'; run_id: string | null };

export function cellRunState(env: RunEnv, runId: string | null): CellRunState {
  if (!runId) return { kind: 'start', run_id: null };
  const run = getRun(env.catalog.db, runId);
  if (!run) return { kind: 'start', run_id: runId };
  if (run.status === 'completed') return { kind: 'done' };
  return { kind: 'resume', run_id: runId };
}

/**
 * Prepares the run of a cell. `assign` records the run id on the cell before anything is created.
 * Returns undefined when the run is already complete.
 */
export function prepareCellRun(env: RunEnv, req: CellRunRequest, assign: (runId: string) => void): RunJob | undefined {
  const state = cellRunState(env, req.run_id);
  if (state.kind === 'done') return undefined;
  if (state.kind === 'resume') {
    assign(state.run_id);
    return prepareResume(env, state.run_id);
  }
  const runId = state.run_id ?? freshRunId(env);
  if (state.run_id) {
    // A run id with no index row: whatever file it left (at most its metadata) is stale.
    const file = runFilePath(env.catalog.dataDir, runId);
    for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  }
  assign(runId);
  return prepareRun(env, { recipe: req.recipe, range: req.range, name: req.name, sweep_id: req.sweep_id, run_id: runId }, req.plan);
}
