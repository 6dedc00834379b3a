/** The `simulate` command's body: build the run request, call the start (or resume) use case, render progress and the report. */
import { parseRunRange } from '../core/contest-range.js';
import type { RemoteRunProgress } from '../core/remote-run.js';
import { type RunRequest, RunRequestSchema } from '../core/run-request.js';
import { ERROR_TABLE, LuckyError } from '../errors.js';
import type { RunEvent, RunReport } from '../engine/run-types.js';
import type { CliContext } from './context.js';
import { ensureDraws } from './ensure-draws.js';
import type { Format } from './output.js';
import { printRunReport } from './run-report.js';

/** The flags as parsed: the run request's fields (flag values, undefined when absent), `--resume` and the format. */
export interface SimulateArgs {
  recipe_file?: string | undefined;
  preset?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
  last?: number | undefined;
  threads?: number | undefined;
  seed?: number | undefined;
  name?: string | undefined;
  resume?: string | undefined;
  /** with a queue: contest chunks spread over workers */
  chunks?: number | undefined;
  format: Format;
}

/** The flags as a run request, checked with its schema (E_USAGE naming the flag). */
export function runRequestOfFlags(a: Omit<SimulateArgs, 'resume' | 'format' | 'chunks'>): RunRequest {
  const fields = Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined));
  const parsed = RunRequestSchema.safeParse(fields);
  if (parsed.success) return parsed.data;
  const flag = (key: PropertyKey | undefined) => (key === 'recipe_file' ? '--recipe' : `--${String(key ?? '')}`);
  throw new LuckyError('E_USAGE', parsed.error.issues.map((i) => `${flag(i.path[0])}: ${i.message}`).join('; '));
}

export async function runSimulateCommand(ctx: CliContext, a: SimulateArgs): Promise<void> {
  if (a.format === 'csv' || (a.format as string) === 'csv') throw new LuckyError('E_USAGE', 'simulate prints --json or --ndjson');
  const threads = a.threads ?? ctx.config().values.threads;
  const { resume, chunks, format: _format, ...fields } = a;
  // The range rule first, as ever: a bad range is refused before the catalog is opened.
  if (resume === undefined) parseRunRange(fields);
  const request = resume === undefined ? runRequestOfFlags(fields) : undefined;
  const queueUrl = ctx.config().values.queue_url;
  if (queueUrl !== undefined && resume !== undefined)
    throw new LuckyError('E_USAGE', '--resume runs in this process: unset queue_url (LUCKYFIVE_QUEUE_URL) to resume a run');
  if (chunks !== undefined && queueUrl === undefined)
    throw new LuckyError('E_USAGE', '--chunks splits a run across queue workers: set queue_url (LUCKYFIVE_QUEUE_URL) and start `luckyfive worker`s');
  const catalog = await ctx.catalog();
  await ensureDraws(ctx);
  const { createPredictPool } = await import('../engine/pool.js');
  const { resolveRun, startRun, startRunOnQueue, resumeRun } = await import('../usecases/runs-start.js');
  // Resolved and planned once, before any thread or file is created (or anything is queued).
  const resolved = request ? resolveRun({ catalog }, { request, cwd: ctx.io.cwd }) : undefined;
  if (chunks !== undefined && resolved && chunks > resolved.plan.targets.length)
    throw new LuckyError('E_USAGE', `--chunks must be at most the run's ${resolved.plan.targets.length} contest(s), got ${chunks}`);
  // With a queue the run goes to a worker: no threads here.
  const pool = queueUrl === undefined ? createPredictPool(threads) : undefined;
  if (pool) ctx.onCleanup(() => pool.close());
  const progress = a.format === 'table' ? await ctx.out.progress('simulate', 'contests') : undefined;
  let total = 0;
  let doneCount = 0;
  const onEvent = (e: RunEvent) => {
    if (a.format === 'ndjson') ctx.out.ndjson(e);
    if (e.type === 'run_start') {
      total = e.contests;
      doneCount = e.contests - e.remaining;
      progress?.update(doneCount, total);
      if (e.synthetic_data) ctx.out.info('note: this run uses SYNTHETIC sample draws, not official results');
      if (e.missing_contests.length)
        ctx.out.warn(
          `${e.missing_contests.length} contest(s) of the range are missing from the catalog and will not be simulated: ${e.missing_contests.slice(0, 10).join(', ')}${e.missing_contests.length > 10 ? ', ...' : ''}`,
        );
    } else if (e.type === 'contest') {
      doneCount++;
      progress?.update(doneCount, total);
    }
  };
  const now = () => new Date();
  let report: RunReport;
  try {
    if (queueUrl !== undefined) {
      // a worker's progress (a single run; chunks report as they finish): on the spinner only
      const queue_options = {
        patience_ms: ctx.config().values.queue_patience * 1000,
        log: (line: string) => ctx.out.warn(line),
        onProgress: (p: RemoteRunProgress) => {
          if (chunks === undefined || chunks === 1) progress?.update(p.done, p.total);
        },
      };
      report = await startRunOnQueue({ catalog, now, signal: ctx.signal, onEvent, queue_url: queueUrl, queue_options }, resolved!, { chunks });
    } else {
      const deps = { catalog, pool: pool!, now, signal: ctx.signal, onEvent };
      report = resolved ? await startRun(deps, resolved) : await resumeRun(deps, { run_id: resume! });
    }
  } catch (e) {
    progress?.stop();
    throw e;
  }
  progress?.stop();
  if (a.format === 'json') ctx.out.json(report);
  else if (a.format === 'table') printRunReport(ctx.out, report);
  if (report.status === 'cancelled') {
    ctx.out.warn(`run ${report.run_id} stopped after ${report.contests} contest(s); finish it with: luckyfive simulate --resume ${report.run_id}`);
    ctx.exitCode = ERROR_TABLE.E_INTERRUPTED.exit;
  }
}
