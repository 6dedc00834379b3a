/**
 * The job queue in the catalog (`jobs`). Claiming is one `UPDATE ... WHERE status = 'pending'
 * RETURNING` statement, so two runners (even in two processes) can never claim the same job.
 * A running job records its runner's process (`owner`, `pid@host`): recovery only touches jobs
 * whose owner is dead, so a second server on the same catalog never takes a live server's job.
 */
import { randomBytes } from 'node:crypto';
import { LuckyError } from '../errors.js';
import { isOwnerAlive } from './process-owner.js';
import type { Db } from './sqlite.js';
import { prepareCached } from './sqlite.js';

export const JOB_STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
/** `simulate`: a run request; `sweep` / `optimize`: a recorded sweep or study to run or resume (`{"sweep_id"}` / `{"study_id"}`). */
export const JOB_KINDS = ['simulate', 'sweep', 'optimize'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/** Where a job runs: this server's pool, or a `luckyfive worker` through the run queue (`queue_url`); chosen when it is accepted. */
export const JOB_PLACEMENTS = ['server', 'queue'] as const;
export type JobPlacement = (typeof JOB_PLACEMENTS)[number];

/** `job-` then the same time-ordered form as run ids. */
export const JOB_ID_PATTERN = /^job-[a-z0-9][a-z0-9-]{5,58}$/;

export interface JobRow {
  seq: number;
  job_id: string;
  kind: JobKind;
  request_json: string;
  status: JobStatus;
  run_id: string | null;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  attempts: number;
  cancel_requested: number;
  /** `pid@host` of the runner working on it, null when none */
  owner: string | null;
  placement: JobPlacement;
  /** on the queue: the worker holding it (null while it waits for one), and its progress there */
  worker: string | null;
  worker_done: number | null;
  worker_total: number | null;
  /** the error code of a failure */
  error_code: string | null;
}

/** The key a job's runner holds (see process-owner.ts). */
export function jobOwnerKey(jobId: string): string {
  return `job:${jobId}`;
}

/**
 * A job row with its run's progress (LEFT JOIN on the run index: one query per list); a job on
 * the queue, whose run is registered only once it comes back, shows its worker's progress meanwhile.
 */
export interface JobView extends JobRow {
  run_status: string | null;
  contests_done: number | null;
  contests_planned: number | null;
}

const VIEW = `SELECT j.*, r.status AS run_status, COALESCE(r.contests_done, j.worker_done) AS contests_done,
  COALESCE(r.contests_planned, j.worker_total) AS contests_planned FROM jobs j LEFT JOIN runs r ON r.run_id = j.run_id`;

/** A new job id: time-ordered and unique. */
export function newJobId(now: Date): string {
  const t = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15).toLowerCase();
  return `job-${t}-${randomBytes(4).toString('hex')}`;
}

/** Adds a pending job (placement `server` unless given). */
export function insertJob(db: Db, job: { job_id: string; kind: JobKind; request_json: string; created_at: string; placement?: JobPlacement }): JobView {
  db.prepare(
    "INSERT INTO jobs (job_id, kind, request_json, status, created_at, placement) VALUES (@job_id, @kind, @request_json, 'pending', @created_at, @placement)",
  ).run({ ...job, placement: job.placement ?? 'server' });
  return readJob(db, job.job_id)!;
}

export function readJob(db: Db, jobId: string): JobView | undefined {
  return prepareCached(db, `${VIEW} WHERE j.job_id = ?`).get(jobId) as JobView | undefined;
}

export interface JobFilter {
  status?: JobStatus | undefined;
  /** only jobs of this kind (default: every kind) */
  kind?: JobKind | undefined;
  /** only jobs with seq below this (the previous page's last seq): newest first */
  before?: number | undefined;
  limit: number;
}

/** Jobs newest first. */
export function listJobs(db: Db, f: JobFilter): JobView[] {
  return prepareCached(
    db,
    `${VIEW} WHERE (@status IS NULL OR j.status = @status) AND (@kind IS NULL OR j.kind = @kind) AND (@before IS NULL OR j.seq < @before)
     ORDER BY j.seq DESC LIMIT @limit`,
  ).all({
    status: f.status ?? null,
    kind: f.kind ?? null,
    before: f.before ?? null,
    limit: f.limit,
  }) as JobView[];
}

/**
 * Claims the oldest pending job (of one of `placements`, default any): marks it running, counts
 * the attempt and gives a `simulate` job a run id (kept from an earlier attempt, or `runId` for a
 * first one; a sweep or study job runs under its sweep's id and gets none).
 * Undefined when none is pending.
 */
export function claimNextJob(db: Db, now: string, runId: string, owner: string, placements: readonly JobPlacement[] = JOB_PLACEMENTS): JobRow | undefined {
  return prepareCached(
    db,
    `UPDATE jobs SET status = 'running', started_at = ?, attempts = attempts + 1, run_id = CASE WHEN kind = 'simulate' THEN COALESCE(run_id, ?) END, error = NULL, error_code = NULL, owner = ?
     WHERE seq = (SELECT seq FROM jobs WHERE status = 'pending' AND placement IN (SELECT value FROM json_each(?)) ORDER BY seq LIMIT 1)
       AND status = 'pending' RETURNING *`,
  ).get(now, runId, owner, JSON.stringify(placements)) as JobRow | undefined;
}

/**
 * Claims one given pending job (a request that waits for its own job when no runner of this
 * process is claiming): the same bookkeeping as {@link claimNextJob}. Undefined when it is no
 * longer pending (cancelled meanwhile, or claimed by a runner).
 */
export function claimJob(db: Db, jobId: string, now: string, runId: string, owner: string): JobRow | undefined {
  return prepareCached(
    db,
    `UPDATE jobs SET status = 'running', started_at = ?, attempts = attempts + 1, run_id = CASE WHEN kind = 'simulate' THEN COALESCE(run_id, ?) END, error = NULL, error_code = NULL, owner = ?
     WHERE job_id = ? AND status = 'pending' RETURNING *`,
  ).get(now, runId, owner, jobId) as JobRow | undefined;
}

/**
 * The newest job of `kind` (`sweep` or `optimize`) on one sweep or study, found by the id its
 * request holds (`sweep_id` or `study_id`); undefined when it never had one.
 */
export function readLatestJobOf(db: Db, kind: Exclude<JobKind, 'simulate'>, id: string): JobView | undefined {
  const key = kind === 'sweep' ? '$.sweep_id' : '$.study_id';
  return prepareCached(db, `${VIEW} WHERE j.kind = ? AND json_extract(j.request_json, ?) = ? ORDER BY j.seq DESC LIMIT 1`).get(kind, key, id) as
    JobView | undefined;
}

/** Removes a job that has ended (a request's own job, once the request has answered); its run stays. */
export function deleteEndedJob(db: Db, jobId: string): void {
  prepareCached(db, "DELETE FROM jobs WHERE job_id = ? AND status IN ('completed', 'failed', 'cancelled')").run(jobId);
}

/**
 * Runs `fn` with the connection's busy timeout at zero, so a write that meets another process's
 * write lock fails at once (SQLITE_BUSY) instead of blocking the thread; the caller retries later.
 */
export function withoutWaiting<T>(db: Db, fn: () => T): T {
  const before = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma('busy_timeout = 0');
  try {
    return fn();
  } finally {
    db.pragma(`busy_timeout = ${before}`);
  }
}

/** True for SQLITE_BUSY / SQLITE_LOCKED (another connection holds the lock). */
export function isBusy(e: unknown): boolean {
  const code = (e as { code?: string } | null)?.code ?? '';
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED');
}

/** Ends a running job (a failure with its message and code). Only a job still `running` changes (a cancel may have won the race). */
export function finishJob(
  db: Db,
  jobId: string,
  status: Exclude<JobStatus, 'pending' | 'running'>,
  error: string | null,
  now: string,
  errorCode: string | null = null,
): void {
  prepareCached(db, "UPDATE jobs SET status = ?, error = ?, error_code = ?, finished_at = ?, owner = NULL WHERE job_id = ? AND status = 'running'").run(
    status,
    error,
    errorCode,
    now,
    jobId,
  );
}

/** Records which worker holds a running job on the queue and its progress there (advisory: a job no longer running is left alone). */
export function recordJobWorker(db: Db, jobId: string, worker: string, done: number | null, total: number | null): void {
  prepareCached(db, "UPDATE jobs SET worker = ?, worker_done = ?, worker_total = ? WHERE job_id = ? AND status = 'running'").run(worker, done, total, jobId);
}

/** Puts a running job back in the queue (graceful shutdown): its run id is kept, so the next start resumes the run. */
export function requeueJob(db: Db, jobId: string): void {
  prepareCached(db, "UPDATE jobs SET status = 'pending', owner = NULL WHERE job_id = ? AND status = 'running'").run(jobId);
}

/** Asks a running job to stop (its runner aborts it at a clean contest boundary); false when it was not running. */
export function requestJobCancel(db: Db, jobId: string): boolean {
  return prepareCached(db, "UPDATE jobs SET cancel_requested = 1 WHERE job_id = ? AND status = 'running'").run(jobId).changes === 1;
}

/** Running jobs whose cancel was requested (possibly by another process). */
export function readCancelRequests(db: Db): string[] {
  return prepareCached(db, "SELECT job_id FROM jobs WHERE status = 'running' AND cancel_requested = 1").pluck().all() as string[];
}

/** Cancels a job that is still pending; false when it was not pending. */
export function cancelPendingJob(db: Db, jobId: string, now: string): boolean {
  return prepareCached(db, "UPDATE jobs SET status = 'cancelled', finished_at = ? WHERE job_id = ? AND status = 'pending'").run(now, jobId).changes === 1;
}

/**
 * Jobs left `running` by a process that died (its owner is gone, or none was recorded): back to
 * `pending`, except those whose cancel was requested (cancelled) and those already claimed
 * `maxAttempts` times, which fail (a job that keeps killing the server must not be retried
 * forever). A job whose owner is alive (another server on the same catalog, or this one) is left
 * alone. One transaction, so a job claimed meanwhile is never touched.
 */
export function recoverInterruptedJobs(db: Db, maxAttempts: number, now: string): { requeued: number; failed: number } {
  // A read first (never waits in WAL): the write lock is only taken when a dead owner exists.
  const orphaned = () =>
    (db.prepare("SELECT job_id, owner FROM jobs WHERE status = 'running'").all() as Array<{ job_id: string; owner: string | null }>)
      .filter((j) => !isOwnerAlive(j.owner, jobOwnerKey(j.job_id)))
      .map((j) => j.job_id);
  if (orphaned().length === 0) return { requeued: 0, failed: 0 };
  return db
    .transaction(() => {
      const ids = JSON.stringify(orphaned());
      const mine = "status = 'running' AND job_id IN (SELECT value FROM json_each(?))";
      db.prepare(`UPDATE jobs SET status = 'cancelled', finished_at = ?, owner = NULL WHERE ${mine} AND cancel_requested = 1`).run(now, ids);
      const failed = db
        .prepare(`UPDATE jobs SET status = 'failed', finished_at = ?, error = ?, owner = NULL WHERE ${mine} AND attempts >= ?`)
        .run(now, `interrupted ${maxAttempts} times without finishing; not retried`, ids, maxAttempts).changes;
      const requeued = db.prepare(`UPDATE jobs SET status = 'pending', owner = NULL WHERE ${mine}`).run(ids).changes;
      return { requeued, failed };
    })
    .immediate();
}

/**
 * Cancels a job in the catalog: a pending one becomes `cancelled`; a running one gets
 * `cancel_requested` (its runner aborts it). E_NOT_FOUND for an unknown job, E_CONFLICT for one
 * that already ended. Returns the job and whether it was running.
 */
export function cancelJob(db: Db, jobId: string, now: string): { job: JobView; wasRunning: boolean } {
  if (!readJob(db, jobId)) throw new LuckyError('E_NOT_FOUND', `no job ${jobId}`, ['list jobs with GET /api/v1/simulations']);
  if (cancelPendingJob(db, jobId, now)) return { job: readJob(db, jobId)!, wasRunning: false };
  if (requestJobCancel(db, jobId)) return { job: readJob(db, jobId)!, wasRunning: true };
  const status = readJob(db, jobId)!.status;
  throw new LuckyError('E_CONFLICT', `job ${jobId} is already ${status}; only pending or running jobs can be cancelled`);
}

export function countJobs(db: Db, status: JobStatus): number {
  return (prepareCached(db, 'SELECT COUNT(*) AS n FROM jobs WHERE status = ?').get(status) as { n: number }).n;
}
