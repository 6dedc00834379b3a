/**
 * The worker's side of the run queue (`luckyfive worker`): a BullMQ Worker taking queued runs,
 * each executed by `execute.ts` with the same engine as a local `simulate`. A refusal (another
 * engine version, draws that do not hash to their dataset hash, a run past its `not_after`) fails
 * the job without retry. A run reports its progress per contest, and stops at a contest boundary
 * when any coordinator cancels it ({@link CANCEL_EVENT}, on every machine) or its `not_after` passes.
 */
import { hostname } from 'node:os';
import { QueueEvents, UnrecoverableError, Worker } from 'bullmq';
import type { RemoteRunProgress, RemoteRunResult } from '../../core/remote-run.js';
import { LuckyError, isLuckyError } from '../../errors.js';
import type { PredictPool } from '../pool.js';
import { CANCEL_EVENT, CONTROL_QUEUE, DEFAULT_PATIENCE_MS, RUN_QUEUE, closeQueueObjects, connectQueue, watchConnection } from './connection.js';
import { checkRemotePayload, executeRemotePayload } from './execute.js';

/** Progress is written to Redis at most this often per run (and at its last contest). */
const PROGRESS_EVERY_MS = 500;
/** A job's lock without renewal (`--lock-timeout`, BullMQ's `lockDuration`). */
export const DEFAULT_LOCK_MS = 30_000;
/** A worker says it is alive (and what it holds) this often in its log. */
const HEARTBEAT_MS = 30_000;

export interface WorkerOptions {
  url: string;
  /** runs taken at once (they share `pool`) */
  concurrency: number;
  pool: PredictPool;
  /** this worker's name, in Redis's client list, in each job it holds (`processedBy`) and in its log lines */
  name: string;
  /** aborting stops taking jobs, lets the running ones finish, and closes */
  signal: AbortSignal;
  /** one line per job (taken, done, refused, failed), per connection loss, and a heartbeat */
  log: (line: string) => void;
  /** how long Redis may stay unreachable before the worker gives up (E_QUEUE_DOWN); default 60 s */
  patience_ms?: number | undefined;
  /**
   * how long a job's lock lasts without renewal (BullMQ's `lockDuration`; default 30 s): a worker
   * that dies (kill -9, power loss) gives its run to another worker about this long later; the
   * stalled-job check runs every third of it
   */
  lock_ms?: number | undefined;
  /** how often the heartbeat line is written; default 30 s */
  heartbeat_ms?: number | undefined;
  tmpRoot?: string | undefined;
  /** called once the worker listens (tests) */
  onReady?: (() => void) | undefined;
}

/** What a worker did, once it has stopped. */
export interface WorkerSummary {
  completed: number;
  failed: number;
}

/**
 * Takes runs from the queue at `url` until `signal` aborts, then drains (the running jobs finish)
 * and closes. E_QUEUE_DOWN when Redis does not answer at the start, or stays away longer than
 * the patience later (the runs it held are stopped; BullMQ gives them to another worker once
 * their locks expire).
 */
export async function runWorker(opts: WorkerOptions): Promise<WorkerSummary> {
  const redis = await connectQueue(opts.url);
  const watch = watchConnection(redis, opts.url, opts.patience_ms ?? DEFAULT_PATIENCE_MS, (line) => opts.log(`${opts.name}: ${line}`));
  const summary: WorkerSummary = { completed: 0, failed: 0 };
  const holding = new Map<string, { done: number; total: number }>();
  const worker = new Worker<unknown, RemoteRunResult>(
    RUN_QUEUE,
    async (job, _token, signal) => {
      const started = Date.now();
      let runId = job.id ?? '?';
      try {
        const payload = checkRemotePayload(job.data);
        runId = payload.run_id;
        const notAfter = payload.not_after === undefined ? undefined : Date.parse(payload.not_after);
        if (notAfter !== undefined && Date.now() >= notAfter)
          throw new LuckyError('E_INTERRUPTED', `run ${runId} was not started: its deadline ${payload.not_after} has passed`);
        opts.log(`${opts.name}: run ${runId} taken (contests ${payload.request.from}..${payload.request.to}, ${payload.draws.length} draws)`);
        // stopped by a coordinator's cancel (BullMQ aborts `signal`) or by the run's deadline
        const deadline = new AbortController();
        const timer = notAfter === undefined ? undefined : setTimeout(() => deadline.abort(), notAfter - Date.now());
        let lastWrite = Date.now();
        const total = payload.request.to - payload.request.from + 1;
        holding.set(runId, { done: 0, total });
        const taken: RemoteRunProgress = { done: 0, total, contest: 0, worker: opts.name };
        void job.updateProgress(taken).catch(() => undefined);
        try {
          const result = await executeRemotePayload(payload, {
            pool: opts.pool,
            tmpRoot: opts.tmpRoot,
            signal: signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal,
            onContest: (done, of, contest) => {
              holding.set(runId, { done, total: of });
              const now = Date.now();
              if (now - lastWrite < PROGRESS_EVERY_MS && done < of) return;
              lastWrite = now;
              const progress: RemoteRunProgress = { done, total: of, contest, worker: opts.name };
              // progress is advisory: a lost update is never an error of the run
              void job.updateProgress(progress).catch(() => undefined);
            },
          });
          summary.completed++;
          opts.log(
            `${opts.name}: run ${runId} done: ${result.contests} contests in ${((Date.now() - started) / 1000).toFixed(1)} s, run file ${result.bytes} bytes, ${Buffer.byteLength(result.file_gz, 'base64')} gzip`,
          );
          return result;
        } finally {
          clearTimeout(timer);
          holding.delete(runId);
        }
      } catch (e) {
        summary.failed++;
        if (isLuckyError(e)) {
          // a refusal (or a stop) gives the same answer however often it is tried: never retried
          const why = e.code === 'E_INTERRUPTED' && signal?.aborted ? `${e.message} (cancelled: ${String(signal.reason ?? 'by its coordinator')})` : e.message;
          opts.log(`${opts.name}: run ${runId} ${e.code === 'E_INTERRUPTED' ? 'stopped' : 'refused'}: ${e.code}: ${why}`);
          throw new UnrecoverableError(`${e.code}: ${why}`);
        }
        opts.log(`${opts.name}: run ${runId} failed: ${(e as Error).message}`);
        throw e;
      }
    },
    {
      connection: redis,
      concurrency: opts.concurrency,
      name: opts.name,
      autorun: false,
      lockDuration: opts.lock_ms ?? DEFAULT_LOCK_MS,
      stalledInterval: Math.max(500, Math.round((opts.lock_ms ?? DEFAULT_LOCK_MS) / 3)),
    },
  );
  // connection trouble after the start is BullMQ's to retry (and the watch's to report); not a crash
  worker.on('error', (e) => {
    if (!watch.down()) opts.log(`${opts.name}: queue error: ${e.message}`);
  });
  // A coordinator on any machine cancels a run by publishing CANCEL_EVENT; whoever holds it stops it.
  const events = new QueueEvents(CONTROL_QUEUE, { connection: redis });
  events.on('error', () => undefined);
  (events as unknown as { on(name: string, f: (args: { run_id?: string }) => void): void }).on(CANCEL_EVENT, (args) => {
    if (typeof args.run_id === 'string' && worker.cancelJob(args.run_id, 'cancelled by its coordinator'))
      opts.log(`${opts.name}: run ${args.run_id} cancelled by its coordinator: stopping at the next contest`);
  });
  const heartbeat = setInterval(() => {
    const held = [...holding].map(([id, p]) => `${id} ${p.done}/${p.total}`).join(', ');
    opts.log(
      `${opts.name}: alive on ${hostname()} pid ${process.pid}: ${summary.completed} done, ${summary.failed} failed${held ? `, holding ${held}` : ', idle'}`,
    );
  }, opts.heartbeat_ms ?? HEARTBEAT_MS);
  heartbeat.unref();
  const stopped = new Promise<void>((resolve) => {
    if (opts.signal.aborted) resolve();
    else opts.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  try {
    const running = worker.run();
    await Promise.all([worker.waitUntilReady(), events.waitUntilReady()]);
    opts.onReady?.();
    try {
      await Promise.race([stopped, running, watch.lost]);
    } catch (e) {
      // Redis stayed away: stop what we hold (its lock is gone anyway) and give up
      worker.cancelAllJobs('Redis is unreachable');
      throw e;
    }
    // close() waits for the jobs in progress to finish, then stops taking new ones
    await worker.close();
    await running;
  } finally {
    clearInterval(heartbeat);
    watch.dispose();
    await closeQueueObjects(redis, [events, { close: () => worker.close(watch.down()) }]);
  }
  return summary;
}
