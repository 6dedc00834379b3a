/**
 * The worker's side of the run queue (`luckyfive worker`): a BullMQ Worker taking queued runs,
 * each executed by `execute.ts` with the same engine as a local `simulate`. A refusal (another
 * engine version, draws that do not hash to their dataset hash) fails the job without retry.
 */
import { UnrecoverableError, Worker } from 'bullmq';
import type { RemoteRunResult } from '../../core/remote-run.js';
import { isLuckyError } from '../../errors.js';
import type { PredictPool } from '../pool.js';
import { RUN_QUEUE, connectQueue } from './connection.js';
import { checkRemotePayload, executeRemotePayload } from './execute.js';

export interface WorkerOptions {
  url: string;
  /** runs taken at once (they share `pool`) */
  concurrency: number;
  pool: PredictPool;
  /** this worker's name, in Redis's client list and in its log lines */
  name: string;
  /** aborting stops taking jobs, lets the running ones finish, and closes */
  signal: AbortSignal;
  /** one line per job (taken, done, refused, failed) */
  log: (line: string) => void;
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
 * and closes. E_NOT_CONFIGURED when Redis does not answer at the start.
 */
export async function runWorker(opts: WorkerOptions): Promise<WorkerSummary> {
  const redis = await connectQueue(opts.url);
  const summary: WorkerSummary = { completed: 0, failed: 0 };
  const worker = new Worker<unknown, RemoteRunResult>(
    RUN_QUEUE,
    async (job) => {
      const started = Date.now();
      let runId = job.id ?? '?';
      try {
        const payload = checkRemotePayload(job.data);
        runId = payload.run_id;
        opts.log(`${opts.name}: run ${runId} taken (contests ${payload.request.from}..${payload.request.to}, ${payload.draws.length} draws)`);
        const result = await executeRemotePayload(payload, { pool: opts.pool, tmpRoot: opts.tmpRoot });
        summary.completed++;
        opts.log(
          `${opts.name}: run ${runId} done: ${result.contests} contests in ${((Date.now() - started) / 1000).toFixed(1)} s, run file ${result.bytes} bytes, ${Buffer.byteLength(result.file_gz, 'base64')} gzip`,
        );
        return result;
      } catch (e) {
        summary.failed++;
        if (isLuckyError(e)) {
          // a refusal gives the same answer however often it is tried: never retried
          opts.log(`${opts.name}: run ${runId} refused: ${e.code}: ${e.message}`);
          throw new UnrecoverableError(`${e.code}: ${e.message}`);
        }
        opts.log(`${opts.name}: run ${runId} failed: ${(e as Error).message}`);
        throw e;
      }
    },
    { connection: redis, concurrency: opts.concurrency, name: opts.name, autorun: false },
  );
  // connection trouble after the start is BullMQ's to retry; it is not a crash of the worker
  worker.on('error', (e) => opts.log(`${opts.name}: queue error: ${e.message}`));
  const stopped = new Promise<void>((resolve) => {
    if (opts.signal.aborted) resolve();
    else opts.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  try {
    const running = worker.run();
    await worker.waitUntilReady();
    opts.onReady?.();
    await Promise.race([stopped, running]);
    // close() waits for the jobs in progress to finish, then stops taking new ones
    await worker.close();
    await running;
  } finally {
    await worker.close().catch(() => undefined);
    await redis.quit().catch(() => undefined);
  }
  return summary;
}
