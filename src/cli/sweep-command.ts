/** The `sweep` command's body: define and record a sweep (or pick one to resume), run it, report. */
import { readClock } from '../clock.js';
import { FLAG_NAMES, HOLDOUT_FLAGS, parseRunRange } from '../core/contest-range.js';
import type { MetricName } from '../core/metrics.js';
import { ERROR_TABLE, LuckyError } from '../errors.js';
import type { SweepOutcome } from '../usecases/sweeps.js';
import type { PredictPool } from '../engine/pool.js';
import type { CliContext } from './context.js';
import { ensureDraws } from './ensure-draws.js';
import type { Format } from './output.js';

export interface SweepArgs {
  specFile?: string | undefined;
  recipeFile?: string | undefined;
  preset?: string | undefined;
  params: string[];
  from?: number | undefined;
  to?: number | undefined;
  last?: number | undefined;
  holdoutFrom?: number | undefined;
  holdoutTo?: number | undefined;
  holdoutTop?: number | undefined;
  by?: MetricName | undefined;
  seed?: number | undefined;
  name?: string | undefined;
  threads?: number | undefined;
  maxCells?: number | undefined;
  deadline?: string | undefined;
  resume?: string | undefined;
  /** `--queue URL`: run the cells on workers through this queue (default: queue_url) */
  queue?: string | undefined;
  format: Format;
}

/** Commander's `.conflicts()` refuses the defining flags beside --resume; the spec is an argument, not a flag. */
function checkResumeFlags(a: SweepArgs): void {
  if (a.specFile !== undefined)
    throw new LuckyError(
      'E_USAGE',
      '--resume takes the sweep id only (with --threads, --max-cells, --deadline, --queue, --json): the spec, range and seed come from the catalog',
    );
}

function rangeOf(a: SweepArgs) {
  const holdout = parseRunRange({ from: a.holdoutFrom, to: a.holdoutTo }, HOLDOUT_FLAGS, true);
  return { range: parseRunRange(a, FLAG_NAMES, true), holdout: holdout && !('last' in holdout) ? holdout : undefined };
}

/** Creates (or picks, with --resume) a sweep, runs it on one pool, prints the outcome; exit 6 with failed cells, 130 on Ctrl-C. */
export async function runSweepCommand(ctx: CliContext, a: SweepArgs): Promise<void> {
  const { parseDuration } = await import('../core/duration.js');
  const deadlineMs = a.deadline === undefined ? undefined : parseDuration('deadline', a.deadline);
  const threads = a.threads ?? ctx.config().values.threads;
  const sweeps = await import('../usecases/sweeps.js');
  let sweepId: string;
  const catalog = await ctx.catalog();
  if (a.resume) {
    checkResumeFlags(a);
    sweepId = a.resume;
  } else {
    const { range, holdout } = rangeOf(a);
    const plan = sweeps.defineSweep({
      cwd: ctx.io.cwd,
      specFile: a.specFile,
      recipeFile: a.recipeFile,
      preset: a.preset,
      params: a.params,
      range,
      holdout,
      holdoutTop: a.holdoutTop,
      metric: a.by,
      seed: a.seed,
      name: a.name,
    });
    for (const n of plan.notes) ctx.out.warn(n);
    await ensureDraws(ctx);
    const created = sweeps.createSweep({ catalog, clock: readClock() }, plan);
    sweepId = created.sweep_id;
    if (created.invalid_cells.length > 0) {
      ctx.out.warn(`${created.invalid_cells.length} of ${created.cells_total} cells are not valid recipes and are recorded as failed:`);
      for (const e of created.invalid_cells.slice(0, 5)) ctx.out.info(`  ${e}`);
    }
    ctx.out.info(`sweep ${sweepId}: ${created.cells_total} cells`);
  }
  const config = ctx.config(a.queue !== undefined ? { queue_url: a.queue } : {}).values;
  const onQueue = config.queue_url !== undefined;
  const { createPredictPool } = await import('../engine/pool.js');
  // on a queue the cells run on the workers: threads start here to check the run files coming back (several at once) and for the holdout
  const pool = onQueue ? lazyPool(() => createPredictPool(threads), threads) : createPredictPool(threads);
  ctx.onCleanup(() => pool.close());
  const progress = a.format === 'table' ? await ctx.out.progress(`sweep ${sweepId}`, 'cells') : undefined;
  let outcome: SweepOutcome;
  try {
    // a live clock: the deadline and the elapsed time are measured while the sweep runs
    const now = () => new Date(readClock().now);
    outcome = await sweeps.runSweep(
      { catalog, pool, now, signal: ctx.signal, config },
      {
        sweep_id: sweepId,
        max_cells: a.maxCells,
        deadline_ms: deadlineMs,
        onProgress: (p) => progress?.update(p.cells_done + p.cells_failed, p.cells_total, inFlight(p.in_flight)),
        log: (line) => ctx.out.info(line),
      },
    );
  } catch (e) {
    progress?.stop();
    if (e instanceof LuckyError && e.code === 'E_QUEUE_DOWN')
      ctx.out.warn(`sweep ${sweepId} stopped; once Redis is back continue it with: luckyfive sweep --resume ${sweepId}`);
    throw e;
  }
  progress?.stop();
  report(ctx, outcome, a.format);
}

/** The cells a worker holds, for the spinner: `; #3 w1 120/300`. */
function inFlight(cells: ReadonlyArray<{ cell_index: number; worker: string; done: number; total: number }> | undefined): string {
  if (!cells || cells.length === 0) return '';
  const shown = cells.slice(0, 4).map((c) => `#${c.cell_index} ${c.worker} ${c.done}/${c.total}`);
  return `; running ${shown.join(', ')}${cells.length > 4 ? ` and ${cells.length - 4} more` : ''}`;
}

/** A pool whose threads start on its first task (a queued sweep needs them only to check the run files coming back, and for its holdout). */
function lazyPool(make: () => PredictPool, threads: number): PredictPool {
  let pool: PredictPool | undefined;
  const get = () => (pool ??= make());
  return {
    threads,
    run: (task, signal) => get().run(task, signal),
    runTask: (name, task, signal) => get().runTask!(name, task, signal),
    get inFlight() {
      return pool?.inFlight ?? 0;
    },
    close: async () => pool?.close(),
  };
}

function report(ctx: CliContext, o: SweepOutcome, format: Format): void {
  if (format === 'json') {
    ctx.out.json({
      sweep_id: o.sweep_id,
      name: o.name,
      status: o.status,
      complete: o.complete,
      cells_total: o.cells_total,
      cells_done: o.cells_done,
      cells_failed: o.cells_failed,
      cells_skipped: o.cells_skipped,
      cells_run: o.cells_run,
      stop_reason: o.stop_reason,
      elapsed_ms: o.elapsed_ms,
      best: o.best,
      failed_cells: o.failed_cells,
      ...(o.cells_stalled === undefined ? {} : { cells_stalled: o.cells_stalled }),
    });
  } else {
    ctx.out.text(
      `sweep ${o.sweep_id} "${o.name}": ${o.status}, ${o.cells_done}/${o.cells_total} cells done, ${o.cells_failed} failed, ${o.cells_skipped} already done before, ${(o.elapsed_ms / 1000).toFixed(1)} s`,
    );
    if (o.best) ctx.out.text(o.best.sentence);
    if (o.best?.holdout) ctx.out.text(`holdout of the best cell: see \`luckyfive sweep show ${o.sweep_id}\``);
    ctx.out.text(`details: luckyfive sweep show ${o.sweep_id}`);
  }
  for (const e of o.holdout_errors) ctx.out.warn(e);
  if (o.stop_reason === 'interrupted') {
    ctx.out.warn(`sweep ${o.sweep_id} stopped; continue it with: luckyfive sweep --resume ${o.sweep_id}`);
    ctx.exitCode = ERROR_TABLE.E_INTERRUPTED.exit;
    return;
  }
  if (!o.complete) {
    const why =
      o.stop_reason === 'max_cells' ? `--max-cells after starting ${o.cells_run} cell(s)` : '--deadline (running cells stopped at a contest boundary)';
    ctx.out.info(`stopped by ${why}: ${o.cells_done}/${o.cells_total} cells done; continue with: luckyfive sweep --resume ${o.sweep_id}`);
    return;
  }
  if (o.status === 'completed_with_failures') {
    throw new LuckyError(
      'E_CELLS_FAILED',
      `sweep ${o.sweep_id} completed with ${o.cells_failed} failed cell(s)${o.holdout_errors.length ? ' and holdout failures' : ''}`,
      [...o.failed_cells.slice(0, 10).map((c) => `cell ${c.cell_index} (${c.params}): ${c.error ?? 'failed'}`), `see: luckyfive sweep show ${o.sweep_id}`],
    );
  }
}
