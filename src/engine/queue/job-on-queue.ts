/**
 * A server's simulation job on the run queue: queued (job id = run id), followed, and either
 * collected, cancelled, or left on the queue when the server stops, so that the next server
 * process collects the same run instead of queueing it again (BullMQ adds nothing for an id it
 * already holds). The coordinator's one-shot path is `submit.ts`; this one adds that detach and
 * reads the holder of a run it finds already taken.
 */
import { Queue, QueueEvents } from 'bullmq';
import { type RemoteRunPayload, type RemoteRunResult, RemoteRunProgressSchema, RemoteRunResultSchema } from '../../core/remote-run.js';
import { LuckyError, isLuckyError } from '../../errors.js';
import { DEFAULT_PATIENCE_MS, RUN_QUEUE, closeQueueObjects, connectQueue, watchConnection } from './connection.js';
import { RUN_JOB_OPTIONS, type SubmitOptions, cancelQueuedRun, remoteFailure } from './submit.js';

export interface QueuedJobOptions extends Pick<SubmitOptions, 'onQueued' | 'onActive' | 'onProgress' | 'log' | 'patience_ms' | 'poll_ms'> {
  /** aborting withdraws the run when no worker has taken it yet, or stops it on its worker at a contest boundary (E_INTERRUPTED) */
  cancel?: AbortSignal | undefined;
  /** aborting stops following the run and leaves it on the queue (its result is kept for a day): the same call later collects it */
  detach?: AbortSignal | undefined;
}

/** What following a queued run came to: its result, or the run left on the queue. */
export type QueuedJobOutcome = { kind: 'result'; result: RemoteRunResult } | { kind: 'detached' };

type Settled = { ok: true; value: unknown } | { ok: false; reason: string } | { ok: 'detached' };

/**
 * Queues `payload` at `url` under its run id, or finds it there (a previous server process left
 * it running, or finished, before it stopped), and follows it to its result, which is removed
 * from Redis once returned. E_QUEUE_DOWN when Redis does not answer, or stays away longer than
 * the patience; a worker's refusal keeps its code; E_INTERRUPTED when `cancel` aborts first;
 * `{ kind: 'detached' }` when `detach` aborts first (the run goes on).
 */
export async function followQueuedJob(url: string, payload: RemoteRunPayload, opts: QueuedJobOptions = {}): Promise<QueuedJobOutcome> {
  const redis = await connectQueue(url);
  const watch = watchConnection(redis, url, opts.patience_ms ?? DEFAULT_PATIENCE_MS, opts.log ?? (() => undefined));
  const queue = new Queue(RUN_QUEUE, { connection: redis });
  queue.on('error', () => undefined);
  const events = new QueueEvents(RUN_QUEUE, { connection: redis });
  events.on('error', () => undefined);
  const id = payload.run_id;
  let finish!: (v: Settled) => void;
  const finished = new Promise<Settled>((resolve) => (finish = resolve));
  events.on('completed', ({ jobId, returnvalue }) => {
    if (jobId === id) finish({ ok: true, value: typeof returnvalue === 'string' ? JSON.parse(returnvalue) : returnvalue });
  });
  events.on('failed', ({ jobId }) => {
    if (jobId === id) void settleFromState();
  });
  let holder: string | undefined;
  const progressed = (data: unknown) => {
    const p = RemoteRunProgressSchema.safeParse(data);
    if (!p.success) return;
    if (p.data.worker !== holder) opts.onActive?.((holder = p.data.worker));
    opts.onProgress?.(p.data);
  };
  events.on('progress', ({ jobId, data }) => {
    if (jobId === id) progressed(data);
  });
  const settleFromState = async (): Promise<void> => {
    if (watch.down()) return;
    const job = await queue.getJob(id).catch(() => undefined);
    if (!job) {
      // Redis lost the job (restarted without persistence): queue it again; nothing was collected
      if (!watch.down()) await queue.add('run', payload, { ...RUN_JOB_OPTIONS, jobId: id }).catch(() => undefined);
      return;
    }
    const state = await job.getState().catch(() => 'unknown');
    if (state === 'completed') finish({ ok: true, value: job.returnvalue });
    else if (state === 'failed') finish({ ok: false, reason: job.failedReason });
  };
  const poll = setInterval(() => void settleFromState().catch(() => undefined), opts.poll_ms ?? 2_000);
  const stops: Array<() => void> = [];
  const on = (signal: AbortSignal | undefined, f: () => void) => {
    if (!signal) return;
    if (signal.aborted) f();
    else {
      signal.addEventListener('abort', f, { once: true });
      stops.push(() => signal.removeEventListener('abort', f));
    }
  };
  const cancelled = new Promise<never>((_, reject) => on(opts.cancel, () => reject(new LuckyError('E_INTERRUPTED', `run ${id} was cancelled on the queue`))));
  cancelled.catch(() => undefined);
  on(opts.detach, () => finish({ ok: 'detached' }));
  try {
    await events.waitUntilReady();
    // an id the queue already holds is not added again: a run left by a previous process is followed, not repeated
    await queue.add('run', payload, { ...RUN_JOB_OPTIONS, jobId: id });
    opts.onQueued?.();
    // taken already (by the time a restarted server follows it again): its holder and progress at once
    const existing = await queue.getJob(id).catch(() => undefined);
    if (existing) progressed(existing.progress);
    void settleFromState().catch(() => undefined);
    let outcome: Settled;
    try {
      outcome = await Promise.race([finished, cancelled, watch.lost]);
    } catch (e) {
      if (isLuckyError(e) && e.code === 'E_INTERRUPTED') await cancelQueuedRun(queue, id).catch(() => undefined);
      throw e;
    }
    if (outcome.ok === 'detached') return { kind: 'detached' };
    if (!outcome.ok) throw remoteFailure(id, outcome.reason);
    const parsed = RemoteRunResultSchema.safeParse(outcome.value);
    if (!parsed.success || parsed.data.run_id !== id) throw new LuckyError('E_DATA_INVALID', `the worker's result for run ${id} is not a run file`);
    await queue.remove(id).catch(() => undefined);
    return { kind: 'result', result: parsed.data };
  } finally {
    clearInterval(poll);
    for (const stop of stops) stop();
    watch.dispose();
    await closeQueueObjects(redis, [events, queue]);
  }
}
