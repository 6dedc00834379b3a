/**
 * Simulations as jobs, the use cases behind `POST /simulations` and `GET /simulations...`: a
 * request is resolved once, always queued as a job (so `job_concurrency` applies), and waited for
 * when it is small enough to answer inside the request.
 */
import { candidateCount } from '../core/recipe/params.js';
import type { Recipe } from '../core/recipe/schema.js';
import { type RunRequest, parseResolvedRequest } from '../core/run-request.js';
import type { JobRunner } from '../engine/job-runner.js';
import { BODY_DIALECT, resolveRunRequest } from '../engine/run-request.js';
import type { RunReport } from '../engine/run-types.js';
import { LuckyError } from '../errors.js';
import { type JobPlacement, type JobStatus, type JobView, cancelJob, listJobs, readJob } from '../store/jobs-repo.js';
import type { UseCaseDeps } from './deps.js';

export { JOB_ID_PATTERN, JOB_PLACEMENTS, JOB_STATUSES } from '../store/jobs-repo.js';

/**
 * At most this many contests, and at most {@link SYNC_MAX_TICKETS} tickets in all
 * ({@link SYNC_MAX_ADVANCED_TICKETS} for the advanced strategy, whose search costs some
 * milliseconds per ticket), are answered inside the request (200 with the report); anything
 * larger is answered with its job (202). Measured on 2 busy cores: 500 random tickets take tens of
 * milliseconds, 100 advanced tickets about a second.
 */
export const SYNC_MAX_CONTESTS = 20;
export const SYNC_MAX_TICKETS = 500;
export const SYNC_MAX_ADVANCED_TICKETS = 100;

/**
 * Besides those counts, a simulation answers in the request only when its estimated cost
 * ({@link estimateSimulationCost}) is at most this: about 5 s of one thread, so 1-3 s on the
 * server's pool. A huge `cands_mult` or `hill_iter` makes even one contest a job.
 */
export const SYNC_MAX_COST = 5_000_000;

/** A simulation answered inside the request is stopped (at a contest boundary) after this long. */
export const SYNC_TIME_LIMIT_MS = 15_000;

/**
 * The estimated cost of simulating `contests` contests with `recipe`, in units of about one
 * microsecond of one thread (measured on the predictor; it over-estimates rather than under):
 * random and frequency tickets about 50 each; the advanced strategy one per candidate and
 * hill-climb step (candidates x (1 + hill_iter), candidates = tickets x cands_mult, x5 with
 * smart filters) plus 7 per genetic child (generations x population_size).
 */
export function estimateSimulationCost(recipe: Recipe, contests: number): number {
  if (recipe.strategy !== 'advanced') return contests * recipe.tickets * 50;
  const p = recipe.params;
  const candidates = candidateCount(recipe.tickets, p);
  const genetic = p.evolutionary ? p.generations * p.population_size * 7 : 0;
  return contests * (candidates * (1 + p.hill_iter) + genetic);
}

/** True when `contests` contests of `recipe` are small and cheap enough to answer inside the request. */
export function answersInRequest(recipe: Recipe, contests: number): boolean {
  const maxTickets = recipe.strategy === 'advanced' ? SYNC_MAX_ADVANCED_TICKETS : SYNC_MAX_TICKETS;
  return contests <= SYNC_MAX_CONTESTS && contests * recipe.tickets <= maxTickets && estimateSimulationCost(recipe, contests) <= SYNC_MAX_COST;
}

/** A simulation job as the API shows it. */
export interface JobDocument {
  job_id: string;
  kind: 'simulate';
  status: JobStatus;
  run_id: string | null;
  run_status: RunReport['status'] | 'interrupted' | null;
  contests_done: number | null;
  contests_planned: number | null;
  /** `server` (this server's pool) or `queue` (a `luckyfive worker`, with `queue_url` set) */
  placement: JobPlacement;
  /** on the queue: the worker that holds (or last held) the job; null while it waits for one, and on the server */
  worker: string | null;
  error: string | null;
  error_code: string | null;
  cancel_requested: boolean;
  attempts: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  request: {
    preset: string | null;
    recipe_name: string | null;
    recipe_hash: string;
    recipe: Record<string, unknown>;
    from: number;
    to: number;
    name: string | null;
    threads: number | null;
  };
}

/** A job row as its document; the stored request is read with its schema (`core/run-request.ts`). */
export function jobDocument(j: JobView): JobDocument {
  const request = parseResolvedRequest(j.request_json);
  return {
    job_id: j.job_id,
    kind: 'simulate',
    status: j.status,
    run_id: j.run_id,
    run_status: (j.run_status as JobDocument['run_status']) ?? null,
    contests_done: j.contests_done,
    contests_planned: j.contests_planned,
    placement: j.placement,
    worker: j.worker,
    error: j.error,
    error_code: j.error_code,
    cancel_requested: j.cancel_requested === 1,
    attempts: j.attempts,
    created_at: j.created_at,
    started_at: j.started_at,
    finished_at: j.finished_at,
    request: {
      preset: request.preset,
      recipe_name: request.recipe_name,
      recipe_hash: request.recipe_hash,
      recipe: request.recipe,
      from: request.from,
      to: request.to,
      name: request.name,
      threads: request.threads,
    },
  };
}

/** What submitting needs: the catalog, the job runner on the server's pool, and the request's abort signal. */
export interface SimulationDeps extends Pick<UseCaseDeps, 'catalog' | 'signal'> {
  jobs: JobRunner;
  /** the pool's threads: a request may not ask for more */
  poolThreads: number;
}

/** What a submitted simulation came to. */
export type SubmittedSimulation =
  /** answered inside the request: the run's report */
  | { kind: 'report'; report: RunReport }
  /** queued: the job to follow */
  | { kind: 'job'; job: JobDocument }
  /** answered inside the request but stopped by `signal` before the end (the run, if any, is resumable) */
  | { kind: 'stopped'; job_id: string; run: { run_id: string; status: RunReport['status'] } | undefined };

/**
 * Submits a simulation. The request is resolved and planned once (HTTP field names: `body.from`...):
 * every refusal (E_INPUT_INVALID, E_RECIPE_INVALID, E_RANGE_INVALID, E_DATA_MISSING) comes before
 * a job exists. It is always queued as a job; a small one ({@link answersInRequest}) is waited for
 * and its report returned (a run that fails rejects with its error; an abort of `deps.signal`
 * cancels it and returns `stopped`); it runs on the server's pool even with `queue_url` set. A
 * larger one returns its pending job, which runs on the run queue's workers when `queue_url` is
 * set (placement `queue`). E_BUSY when the catalog is locked by another process (nothing queued),
 * E_INTERRUPTED while the server shuts down.
 */
export async function submitSimulation(deps: SimulationDeps, request: RunRequest): Promise<SubmittedSimulation> {
  const { request: resolved, plan } = resolveRunRequest(deps, request, { dialect: BODY_DIALECT, useDefaultRecipe: true, maxThreads: deps.poolThreads });
  if (!answersInRequest(resolved.recipe, plan.targets.length)) return { kind: 'job', job: jobDocument(await deps.jobs.submit(resolved)) };
  const waited = await deps.jobs.submitAndWait(resolved, { plan, signal: deps.signal });
  const report = waited.outcome?.report;
  if (!deps.signal.aborted && report && report.status === 'completed') return { kind: 'report', report };
  if (!deps.signal.aborted && report === undefined && waited.status === 'completed') {
    throw new LuckyError('E_DATA_MISSING', `job ${waited.job_id} completed but its run has no report`);
  }
  return { kind: 'stopped', job_id: waited.job_id, run: report ? { run_id: report.run_id, status: report.status } : undefined };
}

/** A simulation job's row; E_NOT_FOUND when there is none with this id (a sweep's or a study's job is not a simulation). */
function readSimulationJob(deps: Pick<UseCaseDeps, 'catalog'>, jobId: string): JobView {
  const job = readJob(deps.catalog.db, jobId);
  if (!job || job.kind !== 'simulate') throw new LuckyError('E_NOT_FOUND', `no simulation job ${jobId}`);
  return job;
}

/** One simulation job; E_NOT_FOUND when there is none with this id. */
export function getSimulation(deps: Pick<UseCaseDeps, 'catalog'>, input: { job_id: string }): JobDocument {
  return jobDocument(readSimulationJob(deps, input.job_id));
}

/** Simulation jobs newest first, `limit` of them from before `before` (a `seq`); `more` when a next page exists. */
export function listSimulations(
  deps: Pick<UseCaseDeps, 'catalog'>,
  input: { status?: JobStatus | undefined; before?: number | undefined; limit: number },
): { items: JobDocument[]; last_seq: number | undefined; more: boolean } {
  const rows = listJobs(deps.catalog.db, { status: input.status, kind: 'simulate', before: input.before, limit: input.limit + 1 });
  const page = rows.slice(0, input.limit);
  return { items: page.map(jobDocument), last_seq: page.at(-1)?.seq, more: rows.length > input.limit };
}

/**
 * Cancels a job: a pending one at once, a running one stops at a clean contest boundary (here,
 * or through the catalog when another process runs it; its run stays resumable; a job on the run
 * queue is stopped on its worker, wherever that is, and leaves no run). E_NOT_FOUND for an unknown
 * job, E_CONFLICT for one that already ended. Returns the job.
 */
export function cancelSimulation(deps: Pick<UseCaseDeps, 'catalog' | 'clock'> & { jobs: JobRunner | undefined }, input: { job_id: string }): JobDocument {
  readSimulationJob(deps, input.job_id);
  const job = deps.jobs ? deps.jobs.cancel(input.job_id) : cancelJob(deps.catalog.db, input.job_id, deps.clock.now).job;
  return jobDocument(job);
}
