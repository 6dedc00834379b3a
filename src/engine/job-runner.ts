/**
 * The in-process job runner of `luckyfive serve`: simulation jobs are rows in the catalog's
 * `jobs` table, claimed atomically (oldest first) and run at most `concurrency` at a time on
 * the server's one worker pool.
 *
 * Lifecycle. `start()` first recovers what a previous process left behind (jobs still `running`
 * go back to the queue; their pre-assigned run id makes the next claim resume the run instead of
 * starting another), then claims work whenever a job is submitted, a job ends, or the poll timer
 * fires (the timer also picks up jobs queued and cancels requested by another process).
 * `cancel()` turns a pending job `cancelled` at once and aborts a running one: the run stops at a
 * clean contest boundary, ends `cancelled` and stays resumable. `stop()` (graceful shutdown)
 * stops claiming and aborts running jobs the same way, but puts them back in the queue, so the
 * next start resumes them.
 *
 * Several runners (servers) may share a catalog: each claimed job records its runner's process
 * (`pid@host`), and recovery, at start and at every poll, only requeues jobs whose runner is dead.
 * The queue's writes never wait for the catalog's write lock: they run with a zero busy timeout,
 * so none blocks the event loop for more than a few milliseconds while another process holds the
 * lock. A claim or a recovery is retried later with a growing delay; a job's outcome (finished,
 * requeued) is retried the same way until it is recorded, never dropped; a submit retries for
 * {@link SUBMIT_BUSY_WAIT_MS} between turns of the loop, then fails with E_BUSY.
 *
 * One execution path. A caller may also wait for the job it submitted ({@link JobRunner.submitAndWait},
 * what `POST /simulations` does for a small simulation): the job is queued like any other, so
 * `concurrency` applies; when no runner of this process is claiming (`start()` was not called),
 * the caller's own job is claimed by id and run here, through the same code.
 *
 * On the run queue. With `queue` set (`queue_url`), a job nobody waits for is accepted with
 * placement `queue`: once claimed (up to {@link QUEUE_JOBS_IN_FLIGHT} at a time, besides the
 * `concurrency` of the pool) it is sent to the `luckyfive worker`s under its run id, the holding
 * worker and its progress are written to the job's row as the worker reports them (so every server
 * process answers the same), and the run file that comes back is registered as `runs import`
 * would. A cancel stops it on its worker at a contest boundary (no run is left: a run on a worker
 * is not resumable). A graceful stop leaves it running on the queue and puts the job back in the
 * catalog's queue: the next claim (the restarted server, or another process) follows the same run
 * id, which the queue does not add twice, and collects its result; it never runs twice. A waited
 * (in-request) simulation always runs on the pool: it is small, and a worker round trip would only
 * add latency and a dependence on busy workers to a request with a time limit.
 *
 * Sweeps and studies. A `sweep` or `optimize` job (`POST /sweeps`, `POST /optimizations`) holds
 * only the id of a sweep or study recorded when it was accepted; the runner hands it, with the
 * job's abort signal, to the executor it was given ({@link RunAnalysisJob}, the use cases' run or
 * resume, wired by the server), always on this server (with `queue_url` the executor sends the
 * cells or trials to the workers itself). A cancel aborts it: the sweep or study ends `stopped`,
 * resumable, and the job `cancelled`; a graceful stop requeues the job, and its next claim resumes
 * the sweep or study where it stopped.
 */
import { performance } from 'node:perf_hooks';
import { LuckyError, isLuckyError } from '../errors.js';
import { userFacingMessage } from '../store/storage-errors.js';
import type { Catalog } from '../store/catalog.js';
import { type ResolvedRunRequest, parseResolvedRequest, resolvedRequestJson } from '../core/run-request.js';
import {
  type JobKind,
  type JobPlacement,
  type JobRow,
  type JobView,
  cancelJob,
  claimJob,
  claimNextJob,
  deleteEndedJob,
  finishJob,
  insertJob,
  isBusy,
  jobOwnerKey,
  newJobId,
  readCancelRequests,
  readJob,
  recordJobWorker,
  recoverInterruptedJobs,
  requeueJob,
  withoutWaiting,
} from '../store/jobs-repo.js';
import { holdOwnership, ownerTag, releaseOwnership } from '../store/process-owner.js';
import { getRun } from '../store/runs-repo.js';
import { toStorageError } from '../store/storage-errors.js';
import { type RunPlan, planRun } from './plan.js';
import { buildRemotePayload, cancelRemoteRun, followQueuedJob, registerRemoteRun } from './queue/submit.js';
import { type PredictPool, sharePool } from './pool.js';
import { readRunReport } from './runs.js';
import type { RunReport } from './simulate.js';
import { newRunId } from './simulate.js';
import { type SimulationOutcome, runResolvedRequest } from './simulation-spec.js';

/** A job claimed this many times and still found `running` at start is failed, not retried. */
export const MAX_JOB_ATTEMPTS = 3;

/** How often the runner looks for work it was not told about (ms). */
export const JOB_POLL_MS = 2000;

/** First retry delay after the catalog was found locked (ms); it doubles up to the poll interval. */
export const JOB_BUSY_RETRY_MS = 25;

/** How long a submit keeps retrying (asynchronously) while another process holds the catalog's write lock (ms). */
export const SUBMIT_BUSY_WAIT_MS = 500;

/**
 * Jobs on the run queue one runner follows at once, besides `concurrency` on its pool: the
 * workers compute them, the server only waits (two Redis connections each) and registers.
 */
export const QUEUE_JOBS_IN_FLIGHT = 16;

/** A queued job's progress is written to its row at most this often (and whenever its worker changes). */
export const WORKER_PROGRESS_WRITE_MS = 1000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The slice of a pino logger the runner writes to. */
export interface JobLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** A sweep or study job as its executor gets it. */
export interface AnalysisJob {
  job_id: string;
  kind: Exclude<JobKind, 'simulate'>;
  request_json: string;
}

/**
 * Runs (or resumes) the sweep or study a job names until it ends or `signal` aborts: `completed`
 * when every cell or trial has an outcome, `stopped` when it stopped early (resumable). A refusal
 * or a failure throws (the job fails with the error's message and code).
 */
export type RunAnalysisJob = (job: AnalysisJob, signal: AbortSignal) => Promise<'completed' | 'stopped'>;

export interface JobRunnerOptions {
  catalog: Catalog;
  pool: PredictPool;
  /** jobs run at once (config `job_concurrency`) */
  concurrency: number;
  /** milliseconds since the epoch, for timestamps */
  now: () => number;
  log?: JobLog | undefined;
  /** told about every job's simulation that ends (metrics): `sync` when a caller waited for it; final status, wall time, contests simulated */
  onOutcome?: ((mode: 'sync' | 'job', status: RunReport['status'], seconds: number, contests: number) => void) | undefined;
  pollMs?: number | undefined;
  /** the run queue (`queue_url`, `queue_patience` in ms): jobs nobody waits for run on its workers */
  queue?: { url: string; patience_ms: number } | undefined;
  /** runs `sweep` and `optimize` jobs; without it they fail with E_NOT_CONFIGURED */
  analysis?: RunAnalysisJob | undefined;
}

interface Active {
  placement: JobPlacement;
  controller: AbortController;
  /** why it was aborted: a user's cancel or the server stopping */
  reason: 'cancel' | 'shutdown' | undefined;
  done: Promise<void>;
}

const silent: JobLog = { info() {}, warn() {}, error() {} };

/** What a caller waiting for its job gets: the job's final status and, once a run exists, its report. */
export interface WaitedJob {
  job_id: string;
  status: 'completed' | 'failed' | 'cancelled';
  outcome: SimulationOutcome | undefined;
}

interface Waiter {
  resolve: (w: WaitedJob) => void;
  reject: (e: unknown) => void;
  /** the plan the request was resolved with (this process): the run does not plan again */
  plan: RunPlan | undefined;
}

export class JobRunner {
  private readonly active = new Map<string, Active>();
  private readonly waiters = new Map<string, Waiter>();
  private readonly log: JobLog;
  private stopping = false;
  private started = false;
  private timer: NodeJS.Timeout | undefined;
  /** while the catalog is locked by another process: when to try again, and the next delay */
  private busyUntil = 0;
  private busyDelay = 0;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(private readonly o: JobRunnerOptions) {
    this.log = o.log ?? silent;
  }

  /**
   * Recovers jobs a dead process left running, then starts claiming. When the catalog is locked
   * the recovery is retried at the next poll (and zeros are returned).
   */
  start(): { requeued: number; failed: number } {
    const recovered = this.recover() ?? { requeued: 0, failed: 0 };
    this.started = true;
    this.timer = setInterval(() => this.tick(), this.o.pollMs ?? JOB_POLL_MS);
    this.timer.unref();
    this.pump();
    return recovered;
  }

  /**
   * Queues a simulation and returns it as accepted (pending); it starts as soon as a slot is free.
   * While another process holds the catalog's write lock the insert is retried between turns of
   * the loop for up to {@link SUBMIT_BUSY_WAIT_MS}, then E_BUSY (nothing was queued).
   */
  async submit(request: ResolvedRunRequest): Promise<JobView> {
    return this.enqueue(request, undefined);
  }

  /**
   * Queues a simulation and waits for it to end: the job runs when a slot is free (here, or in
   * another process sharing the catalog), or at once on this thread's pool when this runner is not
   * claiming. Aborting `signal` cancels the job (a running one stops at a contest boundary). A run
   * that fails rejects with the run's own error. The ended job is then removed: it was the caller's
   * own, and the queue lists only simulations nobody waits for.
   */
  async submitAndWait(request: ResolvedRunRequest, opts: { plan?: RunPlan | undefined; signal: AbortSignal }): Promise<WaitedJob> {
    let waiter!: Waiter;
    const ended = new Promise<WaitedJob>((resolve, reject) => {
      waiter = { resolve, reject, plan: opts.plan };
    });
    const job = await this.enqueue(request, waiter);
    const onAbort = () => {
      try {
        const { status } = this.cancel(job.job_id);
        if (status === 'cancelled') this.settle(job.job_id, { job_id: job.job_id, status: 'cancelled', outcome: undefined });
      } catch (e) {
        if (!(isLuckyError(e) && e.code === 'E_CONFLICT')) this.log.error({ job_id: job.job_id, err: e }, 'cancelling a waited job failed');
      }
    };
    if (opts.signal.aborted) onAbort();
    else opts.signal.addEventListener('abort', onAbort, { once: true });
    // Nobody claims here: the caller's own job is claimed by id and runs now. Should another
    // process have claimed it first, polling settles it when it ends there.
    let poll: NodeJS.Timeout | undefined;
    if (!this.started && !this.active.has(job.job_id)) {
      this.runOwn(job.job_id);
      poll = setInterval(() => this.settleForeignWaiters(), this.o.pollMs ?? JOB_POLL_MS);
      poll.unref();
    }
    try {
      return await ended;
    } finally {
      if (poll) clearInterval(poll);
      opts.signal.removeEventListener('abort', onAbort);
      this.waiters.delete(job.job_id);
      try {
        withoutWaiting(this.o.catalog.db, () => deleteEndedJob(this.o.catalog.db, job.job_id));
      } catch (e) {
        this.log.warn({ job_id: job.job_id, err: e }, 'a waited job could not be removed from the queue; it stays listed');
      }
    }
  }

  private settle(jobId: string, w: WaitedJob | { error: unknown }): void {
    const waiter = this.waiters.get(jobId);
    if (!waiter) return;
    this.waiters.delete(jobId);
    if ('error' in w) waiter.reject(w.error);
    else waiter.resolve(w);
  }

  /**
   * Queues a sweep or study job (`request_json` names the recorded sweep or study) and returns it
   * pending; it runs on this server when a slot is free. E_BUSY and E_INTERRUPTED as {@link submit}.
   */
  async submitAnalysis(kind: AnalysisJob['kind'], request: { sweep_id: string } | { study_id: string }): Promise<JobView> {
    return this.insert(kind, JSON.stringify(request), 'server', undefined);
  }

  private async enqueue(request: ResolvedRunRequest, waiter: Waiter | undefined): Promise<JobView> {
    const placement: JobPlacement = waiter === undefined && this.o.queue ? 'queue' : 'server';
    return this.insert('simulate', resolvedRequestJson(request), placement, waiter);
  }

  private async insert(kind: JobKind, requestJson: string, placement: JobPlacement, waiter: Waiter | undefined): Promise<JobView> {
    const what = kind === 'simulate' ? 'simulation' : kind === 'sweep' ? 'sweep' : 'study';
    if (this.stopping) throw new LuckyError('E_INTERRUPTED', `the server is shutting down; submit the ${what} again after it restarts`);
    const row = { job_id: newJobId(new Date(this.o.now())), kind, request_json: requestJson, created_at: this.iso(), placement };
    const until = performance.now() + SUBMIT_BUSY_WAIT_MS;
    for (let delay = 10; ; delay *= 2) {
      try {
        const job = withoutWaiting(this.o.catalog.db, () => insertJob(this.o.catalog.db, row));
        if (waiter) this.waiters.set(job.job_id, waiter);
        this.log.info({ job_id: job.job_id, kind, placement }, 'job queued');
        this.pump();
        return job;
      } catch (e) {
        if (!isBusy(e)) throw e;
        const left = until - performance.now();
        if (left <= 0) {
          this.log.warn({ waited_ms: SUBMIT_BUSY_WAIT_MS, kind }, `the catalog is locked by another process; a ${what} was refused (E_BUSY)`);
          throw new LuckyError(
            'E_BUSY',
            `the catalog is locked by another process (a maintenance, a restore or another luckyfive writing); the ${what} was not queued: submit it again in a moment`,
            [],
            { cause: e },
          );
        }
        await sleep(Math.min(delay, left));
      }
    }
  }

  /**
   * Cancels a job: a pending one at once; a running one is asked to stop (here, or through the
   * catalog when another process runs it). E_NOT_FOUND for an unknown id, E_CONFLICT for a job
   * that already ended.
   */
  cancel(jobId: string): JobView {
    const { job, wasRunning } = cancelJob(this.o.catalog.db, jobId, this.iso());
    if (wasRunning) this.abort(jobId, 'cancel');
    else this.log.info({ job_id: jobId }, 'job cancelled before it started');
    // Pending with a run id on the queue: a stopped server left its run there; stop it on its worker too.
    const q = this.o.queue;
    if (!wasRunning && q && job.placement === 'queue' && job.run_id !== null) {
      const runId = job.run_id;
      void cancelRemoteRun(q.url, runId).then(
        (how) => this.log.info({ job_id: jobId, run_id: runId, how }, 'the run the job left on the queue was cancelled there'),
        (e: unknown) => this.log.warn({ job_id: jobId, run_id: runId, err: e }, 'the run the job left on the queue could not be cancelled there'),
      );
    }
    return job;
  }

  /** Jobs this runner is running now. */
  get running(): number {
    return this.active.size;
  }

  /** Graceful shutdown: claim nothing more, abort running jobs at a contest boundary and requeue them. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    for (const id of this.active.keys()) this.abort(id, 'shutdown');
    await Promise.all([...this.active.values()].map((a) => a.done));
  }

  private iso(): string {
    return new Date(this.o.now()).toISOString();
  }

  private abort(jobId: string, reason: 'cancel' | 'shutdown'): void {
    const a = this.active.get(jobId);
    if (!a) return;
    a.reason ??= reason;
    a.controller.abort();
  }

  private tick(): void {
    if (this.stopping) return;
    try {
      for (const id of readCancelRequests(this.o.catalog.db)) this.abort(id, 'cancel');
    } catch (e) {
      this.log.error({ err: e }, 'reading cancel requests failed');
    }
    if (performance.now() >= this.busyUntil) this.recover();
    this.settleForeignWaiters();
    this.pump();
  }

  /** Waited jobs that another process ran (several servers on one catalog): settled once they end there. */
  private settleForeignWaiters(): void {
    for (const jobId of this.waiters.keys()) {
      if (this.active.has(jobId)) continue;
      try {
        const job = readJob(this.o.catalog.db, jobId);
        if (!job || job.status === 'pending' || job.status === 'running') continue;
        if (job.status === 'failed') {
          this.settle(jobId, { error: new LuckyError('E_INTERNAL', `job ${jobId} failed: ${job.error ?? 'failed'}`) });
          continue;
        }
        const report = job.run_id ? readRunReport(this.o.catalog, job.run_id) : undefined;
        const outcome = report ? { report, contests: report.contests, seconds: 0 } : undefined;
        this.settle(jobId, { job_id: jobId, status: job.status, outcome });
      } catch (e) {
        this.log.error({ job_id: jobId, err: e }, 'reading a waited job failed; retrying at the next poll');
      }
    }
  }

  /** Requeues jobs whose runner died; undefined when the catalog was locked (tried again later). */
  private recover(): { requeued: number; failed: number } | undefined {
    const recovered = this.queueWrite(() => recoverInterruptedJobs(this.o.catalog.db, MAX_JOB_ATTEMPTS, this.iso()));
    if (recovered && (recovered.requeued || recovered.failed)) this.log.info(recovered, 'jobs recovered from a runner that is gone');
    return recovered;
  }

  /**
   * A queue write that never waits for the catalog's lock: when another process holds it, the
   * write is skipped, a retry of `pump` is scheduled after a delay that doubles up to the poll
   * interval, and undefined is returned. Other errors are thrown.
   */
  private queueWrite<T>(fn: () => T): T | undefined {
    if (performance.now() < this.busyUntil) return undefined;
    try {
      const result = withoutWaiting(this.o.catalog.db, fn);
      this.busyDelay = 0;
      return result;
    } catch (e) {
      if (!isBusy(e)) throw e;
      const poll = this.o.pollMs ?? JOB_POLL_MS;
      this.busyDelay = Math.min(poll, this.busyDelay === 0 ? JOB_BUSY_RETRY_MS : this.busyDelay * 2);
      this.busyUntil = performance.now() + this.busyDelay;
      if (!this.retryTimer && !this.stopping) {
        this.retryTimer = setTimeout(() => {
          this.retryTimer = undefined;
          this.tick();
        }, this.busyDelay);
        this.retryTimer.unref();
      }
      this.log.warn({ retry_ms: this.busyDelay }, 'the catalog is locked by another process; claiming jobs later');
      return undefined;
    }
  }

  /** Jobs of `placement` this runner runs or follows now. */
  private activeOf(placement: JobPlacement): number {
    let n = 0;
    for (const a of this.active.values()) if (a.placement === placement) n++;
    return n;
  }

  /**
   * The placements a free slot may claim now: `server` jobs while the pool has a free slot (and,
   * without a queue, `queue` jobs too: they fail with E_NOT_CONFIGURED), `queue` jobs while fewer
   * than {@link QUEUE_JOBS_IN_FLIGHT} are followed.
   */
  private claimable(): JobPlacement[] {
    const out: JobPlacement[] = [];
    if (this.activeOf('server') < this.o.concurrency) out.push('server');
    if (this.o.queue ? this.activeOf('queue') < QUEUE_JOBS_IN_FLIGHT : out.length > 0) out.push('queue');
    return out;
  }

  /** Claims jobs while slots are free. Never throws: a failure is logged and the poll retries. */
  private pump(): void {
    try {
      while (this.started && !this.stopping) {
        const placements = this.claimable();
        if (placements.length === 0) return;
        const job = this.queueWrite(() => claimNextJob(this.o.catalog.db, this.iso(), newRunId(new Date(this.o.now())), ownerTag(), placements));
        if (!job) return;
        this.launch(job);
      }
    } catch (e) {
      this.log.error({ err: e }, 'claiming a job failed; retrying at the next poll');
    }
  }

  /** Claims the caller's own pending job by id and runs it (no runner of this process is claiming). */
  private runOwn(jobId: string): void {
    try {
      const job = claimJob(this.o.catalog.db, jobId, this.iso(), newRunId(new Date(this.o.now())), ownerTag());
      if (job) this.launch(job);
      // Not pending any more: cancelled meanwhile (settled by the cancel) or claimed elsewhere (settled by polling).
    } catch (e) {
      this.settle(jobId, { error: e });
    }
  }

  /** Runs a claimed job; its outcome is recorded and told to whoever waits for it. */
  private launch(job: Pick<JobRow, 'job_id' | 'kind' | 'request_json' | 'run_id' | 'placement'>): void {
    holdOwnership(jobOwnerKey(job.job_id));
    const entry: Active = { placement: job.placement, controller: new AbortController(), reason: undefined, done: Promise.resolve() };
    this.active.set(job.job_id, entry);
    const kind = job.kind;
    const running =
      kind !== 'simulate'
        ? this.executeAnalysis({ job_id: job.job_id, kind, request_json: job.request_json }, entry)
        : (job.placement === 'queue' ? this.executeOnQueue.bind(this) : this.execute.bind(this))(job.job_id, job.request_json, job.run_id!, entry);
    entry.done = running
      .catch((e: unknown) => {
        this.log.error({ job_id: job.job_id, err: e }, 'job bookkeeping failed; the job is recovered at the next start');
        this.settle(job.job_id, { error: e });
      })
      .finally(() => {
        this.active.delete(job.job_id);
        releaseOwnership(jobOwnerKey(job.job_id));
        // Claim the next job outside this promise chain so a failure there cannot stall it.
        if (this.started) setImmediate(() => this.tick());
      });
  }

  /**
   * Runs a claimed sweep or study job through the executor: `completed` ends the job completed; a
   * stop by a cancel ends it cancelled, a stop by the server stopping puts it back in the queue
   * (the next claim resumes the sweep or study); a failure fails it with its message and code.
   */
  private async executeAnalysis(job: AnalysisJob, entry: Active): Promise<void> {
    const db = this.o.catalog.db;
    const jobId = job.job_id;
    this.log.info({ job_id: jobId, kind: job.kind }, 'job started');
    let ended: 'completed' | 'stopped';
    try {
      if (!this.o.analysis) throw new LuckyError('E_NOT_CONFIGURED', `this server runs no ${job.kind} jobs`);
      ended = await this.o.analysis(job, entry.controller.signal);
    } catch (e) {
      if (!(entry.controller.signal.aborted && isLuckyError(e) && e.code === 'E_INTERRUPTED')) {
        this.log.error({ job_id: jobId, kind: job.kind, err: e }, 'job failed');
        await this.recordOutcome(jobId, () => finishJob(db, jobId, 'failed', userFacingMessage(e), this.iso(), errorCodeOf(e)));
        return;
      }
      ended = 'stopped';
    }
    if (ended === 'completed') {
      await this.recordOutcome(jobId, () => finishJob(db, jobId, 'completed', null, this.iso()));
      this.log.info({ job_id: jobId, kind: job.kind }, 'job completed');
    } else if (entry.reason === 'shutdown' && readJob(db, jobId)?.cancel_requested !== 1) {
      await this.recordOutcome(jobId, () => requeueJob(db, jobId));
      this.log.info({ job_id: jobId, kind: job.kind }, 'job interrupted by shutdown; it resumes at the next start');
    } else {
      await this.recordOutcome(jobId, () => finishJob(db, jobId, 'cancelled', null, this.iso()));
      this.log.info({ job_id: jobId, kind: job.kind }, 'job stopped; its sweep or study stays resumable');
    }
  }

  private async execute(jobId: string, requestJson: string, runId: string, entry: Active): Promise<void> {
    const db = this.o.catalog.db;
    this.log.info({ job_id: jobId, run_id: runId }, 'job started');
    const started = performance.now();
    const waiter = this.waiters.get(jobId);
    const mode = waiter ? 'sync' : 'job';
    let status: RunReport['status'];
    let outcome: SimulationOutcome | undefined;
    try {
      const request = parseResolvedRequest(requestJson);
      const pool = request.threads === null ? this.o.pool : sharePool(this.o.pool, request.threads);
      const env = { catalog: this.o.catalog, pool, now: () => new Date(this.o.now()), signal: entry.controller.signal };
      outcome = await runResolvedRequest(env, request, runId, waiter?.plan);
      status = outcome.report.status;
      // The draws changed between the request's validation and its run (an import meanwhile): it ran on the new ones.
      if (request.dataset_hash !== null && outcome.report.dataset_hash !== request.dataset_hash) {
        this.log.warn({ job_id: jobId, run_id: runId }, "the draws behind the job changed after it was queued; it ran on the catalog's current draws");
      }
    } catch (e) {
      if (entry.controller.signal.aborted && isLuckyError(e) && e.code === 'E_INTERRUPTED') {
        // Stopped before its first contest: a cancel like any other, only without a report.
        status = 'cancelled';
      } else {
        // Clients see a documented message; the detail (SQL text, stacks) goes to the log only.
        const message = userFacingMessage(e);
        this.log.error({ job_id: jobId, run_id: runId, err: e }, 'job failed');
        this.o.onOutcome?.(mode, 'failed', (performance.now() - started) / 1000, 0);
        await this.recordOutcome(jobId, () => finishJob(db, jobId, 'failed', message, this.iso(), errorCodeOf(e)));
        this.settle(jobId, { error: e });
        return;
      }
    }
    this.o.onOutcome?.(mode, status, outcome?.seconds ?? (performance.now() - started) / 1000, outcome?.contests ?? 0);
    if (status === 'completed') {
      await this.recordOutcome(jobId, () => finishJob(db, jobId, 'completed', null, this.iso()));
      this.log.info({ job_id: jobId, run_id: runId, seconds: outcome?.seconds, contests: outcome?.contests }, 'job completed');
    } else if (entry.reason === 'shutdown' && readJob(db, jobId)?.cancel_requested !== 1) {
      await this.recordOutcome(jobId, () => requeueJob(db, jobId));
      this.log.info({ job_id: jobId, run_id: runId }, 'job interrupted by shutdown; it resumes at the next start');
    } else {
      await this.recordOutcome(jobId, () => finishJob(db, jobId, 'cancelled', null, this.iso()));
      this.log.info({ job_id: jobId, run_id: runId, contests_done: outcome?.report.contests ?? 0 }, 'job cancelled; its run stays resumable');
    }
    const ended = readJob(db, jobId)?.status;
    if (ended === 'completed' || ended === 'failed' || ended === 'cancelled') this.settle(jobId, { job_id: jobId, status: ended, outcome });
    else this.settle(jobId, { job_id: jobId, status: 'cancelled', outcome });
  }

  /**
   * Runs a claimed `queue` job on the run queue ({@link followQueuedJob}): a run already registered
   * (its result was collected before the job's end was recorded) is just completed; otherwise the
   * payload is built from the stored request and the catalog's current draws, prices and payout
   * rule, and followed. Outcomes as {@link execute}'s; a graceful stop leaves the run on the queue
   * and puts the job back in the catalog's queue.
   */
  private async executeOnQueue(jobId: string, requestJson: string, runId: string, entry: Active): Promise<void> {
    const db = this.o.catalog.db;
    const started = performance.now();
    const q = this.o.queue;
    this.log.info({ job_id: jobId, run_id: runId }, 'job started on the run queue');
    let report: RunReport | undefined;
    try {
      if (!q) {
        throw new LuckyError('E_NOT_CONFIGURED', `job ${jobId} was accepted for the run queue, and this server has no queue_url`, [
          'set queue_url (the workers take it from there), or submit the simulation again',
        ]);
      }
      if (getRun(db, runId)?.status === 'completed') report = readRunReport(this.o.catalog, runId);
      if (!report) {
        const request = parseResolvedRequest(requestJson);
        const plan = planRun(db, { from: request.from, to: request.to }, request.recipe.history);
        if (request.dataset_hash !== null && plan.dataset_hash !== request.dataset_hash) {
          this.log.warn({ job_id: jobId, run_id: runId }, "the draws behind the job changed after it was queued; it runs on the catalog's current draws");
        }
        const payload = buildRemotePayload(this.o.catalog, { request: { ...request, dataset_hash: plan.dataset_hash }, plan }, runId);
        const cancel = new AbortController();
        const detach = new AbortController();
        const onAbort = () => (entry.reason === 'shutdown' ? detach : cancel).abort();
        if (entry.controller.signal.aborted) onAbort();
        else entry.controller.signal.addEventListener('abort', onAbort, { once: true });
        let lastWrite = 0;
        let holder: string | undefined;
        const note = (worker: string, done: number | null, total: number | null) => {
          const now = performance.now();
          if (worker === holder && now - lastWrite < WORKER_PROGRESS_WRITE_MS && done !== total) return;
          try {
            withoutWaiting(db, () => recordJobWorker(db, jobId, worker, done, total));
            holder = worker;
            lastWrite = now;
          } catch (e) {
            // advisory: the next report writes it
            if (!isBusy(e)) this.log.warn({ job_id: jobId, err: e }, "recording a queued job's worker failed");
          }
        };
        const outcome = await followQueuedJob(q.url, payload, {
          cancel: cancel.signal,
          detach: detach.signal,
          patience_ms: q.patience_ms,
          log: (line) => this.log.warn({ job_id: jobId, run_id: runId }, line),
          onActive: (worker) => {
            this.log.info({ job_id: jobId, run_id: runId, worker }, 'job taken by a worker');
            note(worker, null, null);
          },
          onProgress: (p) => note(p.worker, p.done, p.total),
        });
        entry.controller.signal.removeEventListener('abort', onAbort);
        if (outcome.kind === 'detached') {
          if (readJob(db, jobId)?.cancel_requested === 1) {
            await cancelRemoteRun(q.url, runId).catch(() => undefined);
            await this.recordOutcome(jobId, () => finishJob(db, jobId, 'cancelled', null, this.iso()));
            this.log.info({ job_id: jobId, run_id: runId }, 'job cancelled on the run queue');
          } else {
            await this.recordOutcome(jobId, () => requeueJob(db, jobId));
            this.log.info({ job_id: jobId, run_id: runId }, 'server stopping: the job stays on the run queue; the next start collects its result');
          }
          return;
        }
        await registerRemoteRun(this.o.catalog, payload, outcome.result, this.o.pool);
        report = readRunReport(this.o.catalog, runId);
        if (!report) throw new LuckyError('E_DATA_INVALID', `the run file returned for run ${runId} holds no report`);
      }
    } catch (e) {
      const seconds = (performance.now() - started) / 1000;
      if (isLuckyError(e) && e.code === 'E_INTERRUPTED' && (entry.controller.signal.aborted || readJob(db, jobId)?.cancel_requested === 1)) {
        this.o.onOutcome?.('job', 'cancelled', seconds, 0);
        await this.recordOutcome(jobId, () => finishJob(db, jobId, 'cancelled', null, this.iso()));
        this.log.info({ job_id: jobId, run_id: runId }, 'job cancelled: stopped on its worker at a contest boundary (a run on a worker is not resumable)');
        this.settle(jobId, { job_id: jobId, status: 'cancelled', outcome: undefined });
        return;
      }
      this.log.error({ job_id: jobId, run_id: runId, err: e }, 'job on the run queue failed');
      this.o.onOutcome?.('job', 'failed', seconds, 0);
      await this.recordOutcome(jobId, () => finishJob(db, jobId, 'failed', userFacingMessage(e), this.iso(), errorCodeOf(e)));
      this.settle(jobId, { error: e });
      return;
    }
    const seconds = (performance.now() - started) / 1000;
    this.o.onOutcome?.('job', report.status, seconds, report.contests);
    await this.recordOutcome(jobId, () => finishJob(db, jobId, 'completed', null, this.iso()));
    this.log.info({ job_id: jobId, run_id: runId, seconds, contests: report.contests }, 'job completed on the run queue');
    this.settle(jobId, { job_id: jobId, status: 'completed', outcome: { report, contests: report.contests, seconds } });
  }

  /**
   * Records a job's outcome (finished, requeued) without waiting for the catalog's write lock:
   * while another process holds it, the write is tried again after a delay that doubles up to
   * the poll interval, until it is recorded. The outcome is never dropped, and the event loop is
   * never held for more than the write itself.
   */
  private async recordOutcome(jobId: string, write: () => void): Promise<void> {
    const poll = this.o.pollMs ?? JOB_POLL_MS;
    for (let delay = JOB_BUSY_RETRY_MS; ; delay = Math.min(poll, delay * 2)) {
      try {
        withoutWaiting(this.o.catalog.db, write);
        return;
      } catch (e) {
        if (!isBusy(e)) throw e;
        if (delay === JOB_BUSY_RETRY_MS)
          this.log.warn({ job_id: jobId }, "the catalog is locked by another process; recording the job's outcome when it is released");
        await sleep(delay);
      }
    }
  }
}

/** The documented code of a job's failure (E_INTERNAL for anything unexpected). */
function errorCodeOf(e: unknown): string {
  if (isLuckyError(e)) return e.code;
  return toStorageError(e)?.code ?? 'E_INTERNAL';
}
