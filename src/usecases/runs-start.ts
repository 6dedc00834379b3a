/** Starting and resuming a backtest run: the use cases behind `simulate` and `simulate --resume`. */
import type { RunRequest } from '../core/run-request.js';
import { LuckyError } from '../errors.js';
import { runChunksOnQueue } from '../engine/queue/chunks.js';
import { type SubmitOptions, buildRemotePayload, registerRemoteRun, submitRemoteRun } from '../engine/queue/submit.js';
import { type ResolvedRun, resolveRunRequest } from '../engine/run-request.js';
import type { RunEnv, RunEvent, RunReport } from '../engine/run-types.js';
import { readRunReport } from '../engine/runs.js';
import { newRunId, resumeRun as resumeRunFile, simulate } from '../engine/simulate.js';
import { parseRunId, runFilePath } from '../store/run-file.js';
import type { UseCaseDeps } from './deps.js';

/** What a run needs besides the catalog and the pool: a clock for its timestamps and, optionally, its progress. */
export interface RunDeps extends Pick<UseCaseDeps, 'catalog' | 'pool' | 'signal'> {
  /** the time of each timestamp a long run writes (started, finished); the front-end's clock */
  now: () => Date;
  /** progress: `run_start`, one `contest` per contest written, `summary` */
  onEvent?: ((e: RunEvent) => void) | undefined;
}

/** Where the request came from, for its refusals and its relative paths. */
export interface StartRunInput {
  request: RunRequest;
  /** a relative `recipe_file` is read from here (the caller's working directory) */
  cwd: string;
}

function envOf(deps: RunDeps): RunEnv {
  return { catalog: deps.catalog, pool: deps.pool, now: deps.now, signal: deps.signal, onEvent: deps.onEvent };
}

/**
 * Checks a run request against the catalog without creating anything: the recipe from its source
 * (a relative file read from `input.cwd`), the seed override, the range rule and the plan
 * (`engine/run-request.ts`). Refuses with E_USAGE, E_NOT_FOUND, E_RECIPE_INVALID, E_RANGE_INVALID
 * or E_DATA_MISSING. Returns the resolved request and its plan: pass both to {@link startRun},
 * which does not plan again.
 */
export function resolveRun(deps: Pick<UseCaseDeps, 'catalog'>, input: StartRunInput): ResolvedRun {
  return resolveRunRequest(deps, input.request, { cwd: input.cwd });
}

/**
 * Starts a resolved run ({@link resolveRun}) and carries it to completion, or to a clean stop
 * when `deps.signal` aborts (then the report's status is `cancelled` and the run resumable).
 * E_CONFLICT when the run id exists; a failing run is E_INTERNAL (its file and index say
 * `failed`). Returns the run's report.
 */
export async function startRun(deps: RunDeps, resolved: ResolvedRun): Promise<RunReport> {
  const { request, plan } = resolved;
  return simulate(envOf(deps), { recipe: request.recipe, range: { from: request.from, to: request.to }, name: request.name ?? undefined }, plan);
}

/**
 * Finishes the missing contests of an interrupted or cancelled run (recipe, range and seed come
 * from its file). Refuses an unknown run (E_NOT_FOUND), a completed one (E_CONFLICT), one another
 * process is running (E_BUSY) and one whose draws changed since it started (E_CONFLICT). Returns
 * the run's report.
 */
export async function resumeRun(deps: RunDeps, input: { run_id: string }): Promise<RunReport> {
  return resumeRunFile(envOf(deps), parseRunId(input.run_id));
}

/** What a run sent through the queue needs: no pool (the workers have theirs), the queue's URL. */
export interface QueueRunDeps extends Pick<RunDeps, 'catalog' | 'signal' | 'now' | 'onEvent'> {
  /** `queue_url`: the Redis the workers take runs from */
  queue_url: string;
  /** `queue_patience` in ms, the line said when Redis goes and comes back, and each worker's progress */
  queue_options?: Pick<SubmitOptions, 'patience_ms' | 'log' | 'onProgress'> | undefined;
}

/** How a queued run is cut: `chunks` contest chunks (default 1: the whole run is one job). */
export interface QueueRunOptions {
  /** between 1 and the run's contests; above 1 the run is split across workers and merged */
  chunks?: number | undefined;
}

/**
 * Runs a resolved run ({@link resolveRun}: every refusal came before this) on a `luckyfive worker`
 * through the queue: the run's draws, prices and payout rule go with it, its run file comes back
 * and is registered as `runs import` registers a copied file (E_DATA_INVALID when its figures or
 * identity differ). A worker's refusal keeps its code (E_CONFLICT: another engine version;
 * E_DATA_INVALID: draws that do not hash to the dataset hash) and nothing is registered.
 * E_NOT_CONFIGURED when Redis does not answer; E_INTERRUPTED when `deps.signal` aborts (a job no
 * worker has taken yet is withdrawn). With `options.chunks` N above 1 the run's contests are cut
 * into N contiguous chunks queued at once (`engine/queue/chunks.ts`), each checked as it comes
 * back and merged in contest order into one run file identical to a local run's; a chunk refused
 * or failing fails the run naming that chunk, with its code (E_INPUT_INVALID when N exceeds the
 * run's contests). Returns the run's report, as a local run's.
 */
export async function startRunOnQueue(deps: QueueRunDeps, resolved: ResolvedRun, options: QueueRunOptions = {}): Promise<RunReport> {
  const { plan } = resolved;
  const runId = newRunId(deps.now());
  if (options.chunks !== undefined && options.chunks !== 1) return runChunksOnQueue(deps, resolved, runId, options.chunks);
  const payload = buildRemotePayload(deps.catalog, resolved, runId);
  deps.onEvent?.({
    type: 'run_start',
    run_id: runId,
    file: runFilePath(deps.catalog.dataDir, runId),
    first_contest: plan.first_contest,
    last_contest: plan.last_contest,
    contests: plan.targets.length,
    remaining: plan.targets.length,
    missing_contests: plan.missing,
    synthetic_data: plan.synthetic,
  });
  const result = await submitRemoteRun(deps.queue_url, payload, { ...deps.queue_options, signal: deps.signal });
  await registerRemoteRun(deps.catalog, payload, result);
  const report = readRunReport(deps.catalog, runId);
  if (!report) throw new LuckyError('E_DATA_INVALID', `the run file returned for run ${runId} holds no report`);
  deps.onEvent?.({ type: 'summary', ...report });
  return report;
}
