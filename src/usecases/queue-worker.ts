/** The run-queue worker use case behind `luckyfive worker`: take queued runs until told to stop. */
import { runWorker, type WorkerSummary } from '../engine/queue/worker.js';
import { LuckyError } from '../errors.js';
import type { UseCaseDeps } from './deps.js';

export type { WorkerSummary };

export interface QueueWorkerInput {
  /** the queue's Redis URL; default `queue_url` from the configuration */
  url?: string | undefined;
  /** runs taken at once */
  concurrency: number;
  /** this worker's name in its log lines */
  name: string;
  /** one line per job */
  log: (line: string) => void;
  /** seconds a held run's lock lasts without renewal (`--lock-timeout`; default 30): a dead worker's run goes to another worker after it */
  lock_timeout_s?: number | undefined;
  /** called once the worker listens */
  onReady?: (() => void) | undefined;
}

/**
 * Takes runs from the queue (`queue_url`, or `input.url`) and executes them on `deps.pool` until
 * `deps.signal` aborts, then lets the running ones finish and returns what it did. Needs no
 * catalog. E_NOT_CONFIGURED without a queue URL; E_QUEUE_DOWN when its Redis does not answer,
 * or stays away longer than `queue_patience` (the runs it held go to another worker).
 */
export async function runQueueWorker(deps: Pick<UseCaseDeps, 'config' | 'pool' | 'signal'>, input: QueueWorkerInput): Promise<WorkerSummary> {
  const url = requireQueueUrl(deps, input);
  return runWorker({
    url,
    concurrency: input.concurrency,
    pool: deps.pool,
    name: input.name,
    signal: deps.signal,
    log: input.log,
    onReady: input.onReady,
    patience_ms: deps.config.queue_patience * 1000,
    lock_ms: input.lock_timeout_s === undefined ? undefined : input.lock_timeout_s * 1000,
  });
}

/** The queue URL a worker uses (`input.url`, else `queue_url`); E_NOT_CONFIGURED when there is none. */
export function requireQueueUrl(deps: Pick<UseCaseDeps, 'config'>, input: { url?: string | undefined }): string {
  const url = input.url ?? deps.config.queue_url;
  if (url === undefined)
    throw new LuckyError('E_NOT_CONFIGURED', 'no run queue is configured', ['set queue_url (LUCKYFIVE_QUEUE_URL, e.g. redis://host:6379) or pass --queue URL']);
  return url;
}
