/**
 * Running a recorded sweep to completion, or as far as its limits allow. Cells are taken in index
 * order in waves of cells that share a history value, so each wave's runs share window statistics
 * in the pool's tasks (see run-executor.ts); two waves are in flight so the pool never idles while
 * one wave closes its files.
 *
 * Limits: `max_cells` bounds the cells this invocation starts (so no running cell ever passes
 * it); `deadline_ms` stops new cells from starting AND stops the cells in flight at a contest
 * boundary when it passes, exactly as Ctrl-C (the signal) does: those cells go back to pending
 * and `--resume` continues their run files where they stopped, so a limit never loses work and
 * the sweep ends within about one contest of its deadline. A cell whose run is already complete
 * is skipped.
 *
 * With `queue` set the cells run on `luckyfive worker`s instead (`engine/queue/sweep-flow.ts`):
 * `max_cells` bounds the cells queued now, the deadline travels in each cell (`not_after`), and
 * Ctrl-C detaches (queued and running cells stay in Redis for `--resume`). The holdout runs
 * locally, on the pool, once every cell has an outcome.
 */
import { parseRecipe } from '../../core/recipe/schema.js';
import { cellKey, cellLabel } from '../../core/sweep/apply-params.js';
import type { ParamValue } from '../../core/sweep/values.js';
import { LuckyError } from '../../errors.js';
import { releaseOwnership } from '../../store/process-owner.js';
import {
  type CellRow,
  type SweepRow,
  type SweepStatus,
  claimSweep,
  countCells,
  listCells,
  requireSweep,
  sweepOwnerKey,
  updateCell,
  updateSweep,
} from '../../store/sweeps-repo.js';
import { type FlowCell, type SweepProgress, runCellsOnQueue } from '../queue/sweep-flow.js';
import { type RunJob, executeRuns } from '../run-executor.js';
import type { RunEnv } from '../run-types.js';
import { cellRunState, prepareCellRun } from './cell-runs.js';
import { planByHistory } from './create.js';
import { runHoldout } from './holdout.js';
import { type BestCell, readSweepResults } from './results.js';

export interface RunSweepOptions {
  /** start at most this many cells in this invocation */
  max_cells?: number | undefined;
  /** after this many milliseconds start no cell and stop the running ones at a contest boundary */
  deadline_ms?: number | undefined;
  /** cells per wave (default 16) */
  wave_size?: number | undefined;
  /** share window statistics between cells (default true; false only to measure the difference) */
  share_stats?: boolean | undefined;
  onProgress?: ((p: SweepProgress) => void) | undefined;
  /** false: leave the holdout for later (a study runs it once its search is done); default true */
  holdout?: boolean | undefined;
  /** run the cells on the queue at `url` rather than on the pool */
  queue?: { url: string; patience_ms: number; log: (line: string) => void; poll_ms?: number | undefined } | undefined;
}

export type StopReason = 'max_cells' | 'deadline' | 'interrupted';

export interface SweepOutcome {
  sweep_id: string;
  name: string;
  status: SweepStatus;
  complete: boolean;
  cells_total: number;
  cells_done: number;
  cells_failed: number;
  /** cells found already complete when this invocation started */
  cells_skipped: number;
  /** cells this invocation started */
  cells_run: number;
  elapsed_ms: number;
  stop_reason: StopReason | null;
  holdout_errors: string[];
  best: BestCell | null;
  /** every failed cell: index, parameters and why */
  failed_cells: Array<{ cell_index: number; params: string; error: string | null }>;
  /** on a queue: cells whose worker stopped answering and that BullMQ gave to another worker */
  cells_stalled?: number | undefined;
}

const MAX_WAVES_IN_FLIGHT = 2;

/** Marks the sweep as ours; E_BUSY when another live process is running it. */
function claim(env: RunEnv, sweepId: string): SweepRow {
  return claimSweep(env.catalog.db, sweepId, env.now().toISOString());
}

interface Todo {
  cell: CellRow;
  recipe: ReturnType<typeof parseRecipe>;
}

/** Runs (or resumes) a sweep; see the module comment for limits and interruption. */
export async function runSweep(env: RunEnv, sweepId: string, options: RunSweepOptions = {}): Promise<SweepOutcome> {
  const db = env.catalog.db;
  const started = env.now().getTime();
  if (options.holdout !== false && requireSweep(db, sweepId).kind === 'study') {
    // a study's holdout is a recorded look: only the study runner may take it
    throw new LuckyError('E_USAGE', `${sweepId} is a study: continue it with \`luckyfive optimize --resume ${sweepId}\``);
  }
  const sweep = claim(env, sweepId);
  try {
    return await drive(env, sweep, options, started);
  } catch (e) {
    // Redis gone too long: nothing is lost (the cells are in Redis or pending), `--resume` continues
    const resumable = e instanceof LuckyError && e.code === 'E_QUEUE_DOWN';
    updateSweep(db, sweepId, { status: resumable ? 'stopped' : 'failed', owner: null, error: e instanceof Error ? e.message : String(e) });
    throw e;
  } finally {
    releaseOwnership(sweepOwnerKey(sweepId));
  }
}

async function drive(env: RunEnv, sweep: SweepRow, options: RunSweepOptions, started: number): Promise<SweepOutcome> {
  // The deadline aborts the runs in flight like Ctrl-C does; `runEnv` carries both signals.
  const timeUp = new AbortController();
  const timer =
    options.deadline_ms === undefined ? undefined : setTimeout(() => timeUp.abort(), Math.max(0, started + options.deadline_ms - env.now().getTime()));
  timer?.unref();
  try {
    return await driveUntil({ ...env, signal: env.signal ? AbortSignal.any([env.signal, timeUp.signal]) : timeUp.signal }, env.signal, sweep, options, started);
  } finally {
    clearTimeout(timer);
  }
}

async function driveUntil(env: RunEnv, userSignal: AbortSignal | undefined, sweep: SweepRow, options: RunSweepOptions, started: number): Promise<SweepOutcome> {
  const db = env.catalog.db;
  const id = sweep.sweep_id;
  const range = { from: sweep.first_contest, to: sweep.last_contest };
  const progress = () => {
    const c = countCells(db, id);
    options.onProgress?.({ cells_done: c.completed, cells_failed: c.failed, cells_total: sweep.cells_total });
  };

  // What is left: cells without a complete run. A cell marked complete whose run was deleted runs again.
  let skipped = 0;
  const todo: Todo[] = [];
  for (const cell of listCells(db, id)) {
    if (cell.recipe_json === null) continue;
    if (cellRunState(env, cell.run_id).kind === 'done') {
      if (cell.status !== 'completed') updateCell(db, id, cell.cell_index, { status: 'completed', error: null });
      skipped++;
      continue;
    }
    todo.push({ cell, recipe: parseRecipe(JSON.parse(cell.recipe_json)) });
  }
  // One plan per history; a cell's key recomputed from today's draws must match the recorded one.
  const plans = planByHistory(
    env.catalog,
    range,
    todo.map((t) => t.recipe),
  );
  for (const t of todo) {
    if (cellKey(t.recipe, plans.get(t.recipe.history)!.dataset_hash, { first_contest: range.from, last_contest: range.to }) !== t.cell.cell_key) {
      throw new LuckyError(
        'E_CONFLICT',
        `the draws behind sweep ${id} changed since it was created (cell ${t.cell.cell_index} no longer has its key); start a new sweep`,
      );
    }
  }

  const deadline = options.deadline_ms === undefined ? Number.POSITIVE_INFINITY : started + options.deadline_ms;
  const maxCells = options.max_cells ?? Number.POSITIVE_INFINITY;
  if (options.queue) {
    const cells: FlowCell[] = todo.map((t) => ({
      cell: t.cell,
      recipe: t.recipe,
      plan: plans.get(t.recipe.history)!,
      name: `${sweep.name} #${t.cell.cell_index} ${cellLabel(JSON.parse(t.cell.params_json) as Record<string, ParamValue>)}`.slice(0, 200),
    }));
    const q = await runCellsOnQueue(env, id, sweep.cells_total, cells, {
      ...options.queue,
      max_cells: maxCells,
      deadline: options.deadline_ms === undefined ? undefined : deadline,
      signal: userSignal,
      onProgress: options.onProgress,
    });
    return finish(env, sweep, options, started, {
      skipped,
      startedCells: q.queued,
      stop: q.stop,
      stalled: q.stalled,
      limit: () => (userSignal?.aborted ? 'interrupted' : env.now().getTime() >= deadline ? 'deadline' : null),
    });
  }
  const waveSize = Math.max(1, options.wave_size ?? 16);
  let startedCells = 0;
  let stop: StopReason | null = null;
  const limit = (): StopReason | null =>
    userSignal?.aborted ? 'interrupted' : env.signal?.aborted || env.now().getTime() >= deadline ? 'deadline' : startedCells >= maxCells ? 'max_cells' : null;

  const runWave = async (wave: Todo[]): Promise<void> => {
    const jobs: Array<{ t: Todo; job: RunJob }> = [];
    for (const t of wave) {
      const i = t.cell.cell_index;
      try {
        const label = cellLabel(JSON.parse(t.cell.params_json) as Record<string, ParamValue>);
        const job = prepareCellRun(
          env,
          {
            run_id: t.cell.run_id,
            recipe: t.recipe,
            range,
            plan: plans.get(t.recipe.history)!,
            name: `${sweep.name} #${i} ${label}`.slice(0, 200),
            sweep_id: id,
          },
          (runId) => updateCell(db, id, i, { run_id: runId, status: 'running', error: null }),
        );
        if (job) jobs.push({ t, job });
        else updateCell(db, id, i, { status: 'completed' });
      } catch (e) {
        updateCell(db, id, i, { status: 'failed', error: e instanceof Error ? e.message : String(e) });
      }
    }
    const outcomes = await executeRuns(
      env,
      jobs.map((j) => j.job),
      { share_stats: options.share_stats !== false },
    );
    outcomes.forEach((o, k) => {
      const i = jobs[k]!.t.cell.cell_index;
      if (o.report.status === 'completed') updateCell(db, id, i, { status: 'completed', error: null });
      else if (o.report.status === 'failed') updateCell(db, id, i, { status: 'failed', error: o.error ?? 'failed' });
      else updateCell(db, id, i, { status: 'pending' });
    });
    progress();
  };

  const queue = [...todo];
  const inFlight = new Set<Promise<void>>();
  let fatal: Error | undefined;
  while (queue.length > 0 && fatal === undefined) {
    stop = limit();
    if (stop) break;
    // The next wave: the first waiting cell and the next cells with its history, up to the limits.
    const history = queue[0]!.recipe.history;
    const room = Math.min(waveSize, maxCells - startedCells);
    const wave: Todo[] = [];
    for (let k = 0; k < queue.length && wave.length < room;) {
      if (queue[k]!.recipe.history === history) wave.push(queue.splice(k, 1)[0]!);
      else k++;
    }
    startedCells += wave.length;
    const p: Promise<void> = runWave(wave)
      .catch((e: unknown) => {
        fatal ??= e instanceof Error ? e : new Error(JSON.stringify(e));
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
    if (inFlight.size >= MAX_WAVES_IN_FLIGHT) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  if (fatal !== undefined) throw fatal;
  if (env.signal?.aborted) stop = limit();
  return finish(env, sweep, options, started, { skipped, startedCells, stop, stalled: undefined, limit });
}

/** After the cells: the holdout (when every cell has an outcome), the sweep's final status and the outcome. */
async function finish(
  env: RunEnv,
  sweep: SweepRow,
  options: RunSweepOptions,
  started: number,
  r: { skipped: number; startedCells: number; stop: StopReason | null; stalled: number | undefined; limit: () => StopReason | null },
): Promise<SweepOutcome> {
  const db = env.catalog.db;
  const id = sweep.sweep_id;
  const { skipped, startedCells, limit } = r;
  let stop = r.stop;

  let holdoutLeft = false;
  let holdoutFailed = 0;
  const holdoutErrors: string[] = [];
  const counts = countCells(db, id);
  if (options.holdout !== false && !stop && counts.pending + counts.running === 0 && sweep.holdout_from !== null && sweep.holdout_top > 0) {
    stop = limit() === 'deadline' ? 'deadline' : null;
    if (!stop) {
      const h = await runHoldout(env, requireSweep(db, id), { share_stats: options.share_stats !== false });
      holdoutFailed = h.failed;
      holdoutErrors.push(...h.errors);
      holdoutLeft = h.pending > 0;
      if (env.signal?.aborted) stop = limit();
    } else holdoutLeft = true;
  }

  const final = countCells(db, id);
  const unfinished = final.pending + final.running > 0 || holdoutLeft || stop !== null || options.holdout === false;
  const status: SweepStatus = unfinished ? 'stopped' : final.failed > 0 || holdoutFailed > 0 ? 'completed_with_failures' : 'completed';
  const complete = status === 'completed' || status === 'completed_with_failures';
  updateSweep(db, id, {
    status,
    owner: null,
    finished_at: complete ? env.now().toISOString() : null,
    error: holdoutErrors.length ? holdoutErrors.join('; ') : null,
  });
  const results = readSweepResults(env.catalog, id);
  return {
    sweep_id: id,
    name: sweep.name,
    status,
    complete,
    cells_total: sweep.cells_total,
    cells_done: final.completed,
    cells_failed: final.failed,
    cells_skipped: skipped,
    cells_run: startedCells,
    elapsed_ms: env.now().getTime() - started,
    // a deferred holdout alone is not a stop: the caller (a study) goes on
    stop_reason: complete ? null : (stop ?? (options.holdout === false && final.pending + final.running === 0 ? null : 'interrupted')),
    holdout_errors: holdoutErrors,
    best: results.best,
    failed_cells: results.cells
      .filter((c) => c.status === 'failed')
      .sort((a, b) => a.cell_index - b.cell_index)
      .map((c) => ({ cell_index: c.cell_index, params: cellLabel(c.params), error: c.error })),
    ...(r.stalled === undefined ? {} : { cells_stalled: r.stalled }),
  };
}
