/**
 * Sweeps and studies started over the HTTP API, as jobs of the server's job runner: `POST /sweeps`
 * and `POST /optimizations` record the sweep or study at once (every refusal is a 400 before
 * anything runs) and queue a `sweep` or `optimize` job naming it; cancel stops it (it ends
 * `stopped`, resumable); resume queues another job on the same sweep or study. The job's executor
 * runs or resumes it with the same use case as `luckyfive sweep` / `luckyfive optimize`.
 */
import type { Config } from '../config.js';
import type { MetricName } from '../core/metrics.js';
import type { AnalysisJob, JobRunner, RunAnalysisJob } from '../engine/job-runner.js';
import { defineSweep as mergeSweepInput } from '../engine/sweep/define.js';
import { LuckyError } from '../errors.js';
import { type JobStatus, type JobView, readLatestJobOf } from '../store/jobs-repo.js';
import { requireStudy } from '../store/studies-repo.js';
import { type SweepRow, requireSweep } from '../store/sweeps-repo.js';
import type { UseCaseDeps } from './deps.js';
import { createStudy, defineStudy, runStudy } from './optimize.js';
import { createSweep, runSweep } from './sweeps.js';

/** A sweep's or a study's job as the API shows it. */
export interface AnalysisJobDocument {
  job_id: string;
  kind: 'sweep' | 'optimize';
  status: JobStatus;
  error: string | null;
  error_code: string | null;
  cancel_requested: boolean;
  attempts: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

function analysisJobDocument(j: JobView): AnalysisJobDocument {
  if (j.kind === 'simulate') throw new LuckyError('E_INTERNAL', `job ${j.job_id} is a simulation, not a sweep or study job`);
  return {
    job_id: j.job_id,
    kind: j.kind,
    status: j.status,
    error: j.error,
    error_code: j.error_code,
    cancel_requested: j.cancel_requested === 1,
    attempts: j.attempts,
    created_at: j.created_at,
    started_at: j.started_at,
    finished_at: j.finished_at,
  };
}

/** The API reads no file of the server: a base recipe is a preset or inline. */
function refuseRecipeFile(spec: Record<string, unknown>): void {
  const base = spec.base;
  if (typeof base === 'object' && base !== null && 'recipe_file' in base) {
    throw new LuckyError('E_INPUT_INVALID', 'a sweep or study started over the API names its base recipe as a preset or inline', [
      'base.recipe_file: not read over the API; give {"preset": NAME} or {"recipe": {...}}',
    ]);
  }
}

/** What starting, cancelling or resuming needs: the catalog, the clock and the server's job runner. */
export type AnalysisJobDeps = Pick<UseCaseDeps, 'catalog' | 'clock'> & { jobs: JobRunner };

/** A sweep submitted over the API: its job and the recorded sweep. */
export interface SubmittedSweep {
  job: AnalysisJobDocument;
  sweep: { sweep_id: string; name: string; cells_total: number; invalid_cells: string[]; notes: string[] };
}

/**
 * Records a sweep from a spec (the JSON `luckyfive sweep SPEC.json` takes, base a preset or an
 * inline recipe; `metric` and `holdout_top` beside it) and queues the job that runs it on the
 * server. Every refusal comes before anything is written: a `recipe_file` base (E_INPUT_INVALID:
 * the API reads no file of the server), a bad spec or recipe (E_INPUT_INVALID, E_RECIPE_INVALID),
 * a range the catalog cannot serve or a holdout that overlaps it (E_RANGE_INVALID); then E_BUSY
 * when the catalog is locked (the sweep is recorded, `POST /sweeps/{id}/resume` runs it).
 */
export async function submitSweep(
  deps: AnalysisJobDeps,
  input: { spec: Record<string, unknown>; metric?: MetricName | undefined; holdout_top?: number | undefined },
): Promise<SubmittedSweep> {
  refuseRecipeFile(input.spec);
  const definition = mergeSweepInput({ spec: input.spec });
  if (input.holdout_top !== undefined && !definition.holdout) {
    throw new LuckyError('E_INPUT_INVALID', 'holdout_top needs a holdout range', ['holdout_top: give "holdout": {"from": A, "to": B} too']);
  }
  const created = createSweep(deps, { definition, metric: input.metric ?? 'mean_hits', holdout_top: input.holdout_top ?? 3, notes: definition.notes });
  const job = await deps.jobs.submitAnalysis('sweep', { sweep_id: created.sweep_id });
  return {
    job: analysisJobDocument(job),
    sweep: {
      sweep_id: created.sweep_id,
      name: definition.name,
      cells_total: created.cells_total,
      invalid_cells: created.invalid_cells,
      notes: definition.notes,
    },
  };
}

type Kind = AnalysisJob['kind'];
const NOUN: Record<Kind, string> = { sweep: 'sweep', optimize: 'study' };

/** The sweep row of a sweep or a study: E_INPUT_INVALID for a malformed id, E_NOT_FOUND for an unknown one (or, for a study, a sweep that is not one). */
function requireTarget(deps: Pick<UseCaseDeps, 'catalog'>, kind: Kind, id: string): SweepRow {
  const sweep = requireSweep(deps.catalog.db, id);
  if (kind === 'optimize') requireStudy(deps.catalog.db, id);
  return sweep;
}

function latestJob(deps: Pick<UseCaseDeps, 'catalog'>, kind: Kind, id: string): AnalysisJobDocument | null {
  requireTarget(deps, kind, id);
  const job = readLatestJobOf(deps.catalog.db, kind, id);
  return job ? analysisJobDocument(job) : null;
}

function isLive(job: JobView): boolean {
  return job.status === 'pending' || job.status === 'running';
}

function cancelLatest(deps: AnalysisJobDeps, kind: Kind, id: string): AnalysisJobDocument {
  requireTarget(deps, kind, id);
  const job = readLatestJobOf(deps.catalog.db, kind, id);
  if (!job || !isLive(job)) {
    throw new LuckyError('E_CONFLICT', `${NOUN[kind]} ${id} has no pending or running job to cancel`, [
      job ? `its last job ${job.job_id} is ${job.status}` : 'it was never started over the API',
    ]);
  }
  return analysisJobDocument(deps.jobs.cancel(job.job_id));
}

async function resumeLatest(deps: AnalysisJobDeps, kind: Kind, id: string): Promise<AnalysisJobDocument> {
  const sweep = requireTarget(deps, kind, id);
  const job = readLatestJobOf(deps.catalog.db, kind, id);
  if (job && isLive(job)) throw new LuckyError('E_CONFLICT', `${NOUN[kind]} ${id} already has a ${job.status} job (${job.job_id})`);
  if (sweep.status === 'completed' || sweep.status === 'completed_with_failures') {
    throw new LuckyError('E_CONFLICT', `${NOUN[kind]} ${id} is ${sweep.status}: there is nothing to resume`);
  }
  const request = kind === 'sweep' ? { sweep_id: id } : { study_id: id };
  return analysisJobDocument(await deps.jobs.submitAnalysis(kind, request));
}

/** The newest job of a sweep (null when it never had one: a sweep started by the CLI). E_INPUT_INVALID for a malformed id, E_NOT_FOUND for an unknown sweep. */
export function sweepJob(deps: Pick<UseCaseDeps, 'catalog'>, input: { sweep_id: string }): AnalysisJobDocument | null {
  return latestJob(deps, 'sweep', input.sweep_id);
}

/**
 * Stops a sweep's job: a pending one at once, a running one at a contest boundary of its running
 * cells; the sweep ends `stopped` and stays resumable (`POST /sweeps/{id}/resume`, `luckyfive sweep
 * --resume`). E_NOT_FOUND for an unknown sweep, E_CONFLICT when no job of it is pending or running.
 */
export function cancelSweep(deps: AnalysisJobDeps, input: { sweep_id: string }): AnalysisJobDocument {
  return cancelLatest(deps, 'sweep', input.sweep_id);
}

/**
 * Queues a job that resumes a sweep (finished cells are kept): a stopped or interrupted one, or one
 * started by the CLI. E_NOT_FOUND for an unknown sweep; E_CONFLICT when a job of it is pending or
 * running, or when every cell already has an outcome.
 */
export async function resumeSweep(deps: AnalysisJobDeps, input: { sweep_id: string }): Promise<AnalysisJobDocument> {
  return resumeLatest(deps, 'sweep', input.sweep_id);
}

/** A study submitted over the API: its job and the recorded study. */
export interface SubmittedStudy {
  job: AnalysisJobDocument;
  study: { study_id: string; name: string; method: 'random' | 'evolutionary'; trials_planned: number; notes: string[] };
}

/**
 * Records a study from an optimize spec (base a preset or an inline recipe) and queues the job
 * that runs it on the server. Every refusal comes before anything is written: a `recipe_file` base
 * (E_INPUT_INVALID), a bad spec or recipe (E_INPUT_INVALID, E_RECIPE_INVALID), a train range the
 * catalog cannot serve or a holdout that overlaps or precedes it (E_RANGE_INVALID,
 * E_INPUT_INVALID); then E_BUSY when the catalog is locked (the study is recorded,
 * `POST /optimizations/{id}/resume` runs it).
 */
export async function submitStudy(deps: AnalysisJobDeps, input: { spec: Record<string, unknown> }): Promise<SubmittedStudy> {
  refuseRecipeFile(input.spec);
  const created = createStudy(deps, defineStudy({ spec: input.spec, params: [] }));
  const job = await deps.jobs.submitAnalysis('optimize', { study_id: created.study_id });
  return { job: analysisJobDocument(job), study: created };
}

/** The newest job of a study (null when it never had one). E_INPUT_INVALID for a malformed id, E_NOT_FOUND for an unknown study. */
export function studyJob(deps: Pick<UseCaseDeps, 'catalog'>, input: { study_id: string }): AnalysisJobDocument | null {
  return latestJob(deps, 'optimize', input.study_id);
}

/** Stops a study's job as {@link cancelSweep} stops a sweep's: the study ends `stopped`, resumable. */
export function cancelStudy(deps: AnalysisJobDeps, input: { study_id: string }): AnalysisJobDocument {
  return cancelLatest(deps, 'optimize', input.study_id);
}

/** Queues a job that resumes a study (the same trials in the same order); E_NOT_FOUND, E_CONFLICT as {@link resumeSweep}. */
export async function resumeStudy(deps: AnalysisJobDeps, input: { study_id: string }): Promise<AnalysisJobDocument> {
  return resumeLatest(deps, 'optimize', input.study_id);
}

function requestedId(job: AnalysisJob): string {
  const key = job.kind === 'sweep' ? 'sweep_id' : 'study_id';
  const request = JSON.parse(job.request_json) as Record<string, unknown>;
  const id = request[key];
  if (typeof id !== 'string') throw new LuckyError('E_DATA_INVALID', `job ${job.job_id} names no ${key}`);
  return id;
}

/**
 * The executor of the server's `sweep` and `optimize` jobs: runs or resumes the sweep or study the
 * job names on the server's pool (with `queue_url`, its cells or trials on the workers), until it
 * ends or the job's signal aborts. `completed` once it is complete, else `stopped`.
 */
export function analysisJobExecutor(
  deps: Pick<UseCaseDeps, 'catalog' | 'pool'> & { now: () => Date; config: Pick<Config, 'queue_url' | 'queue_patience'> },
): RunAnalysisJob {
  return async (job, signal) => {
    const id = requestedId(job);
    const env = { catalog: deps.catalog, pool: deps.pool, signal, now: deps.now, config: deps.config };
    const outcome = job.kind === 'sweep' ? await runSweep(env, { sweep_id: id }) : await runStudy(env, { study_id: id });
    return outcome.complete ? 'completed' : 'stopped';
  };
}
