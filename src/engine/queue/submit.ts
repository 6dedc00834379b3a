/**
 * The coordinator's side of the run queue: a planned run becomes a payload
 * (`core/remote-run.ts`), is queued (or found there: a server's job left running when it
 * stopped), followed to its result (events and state polls, a job Redis lost queued again,
 * cancel from any machine, detach), and its run file comes back and is registered exactly as
 * `runs import` registers a copied file.
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Queue, QueueEvents, QueueEventsProducer } from 'bullmq';
import type { PricePeriod } from '../../core/finance/prices.js';
import type { PayoutRule } from '../../core/finance/prizes.js';
import {
  REMOTE_RUN_VERSION,
  type RemoteRunPayload,
  type RemoteRunProgress,
  RemoteRunProgressSchema,
  type RemoteRunResult,
  RemoteRunResultSchema,
  compactDraw,
} from '../../core/remote-run.js';
import { resolvedRequestJson } from '../../core/run-request.js';
import { ERROR_TABLE, type ErrorCode, LuckyError, isLuckyError } from '../../errors.js';
import type { Catalog } from '../../store/catalog.js';
import { makePrivateDir } from '../../store/private-files.js';
import { readPayoutRule, readPriceTable } from '../../store/prices-repo.js';
import { openRunFile, runsDir } from '../../store/run-file.js';
import type { ResolvedRun } from '../run-request.js';
import { ENGINE_VERSION } from '../run-types.js';
import { checkRunFileOn, importRunFile } from '../runs.js';
import type { PredictPool } from '../pool.js';
import { CANCEL_EVENT, CONTROL_QUEUE, DEFAULT_PATIENCE_MS, RUN_QUEUE, closeQueueObjects, connectQueue, watchConnection } from './connection.js';

/** The payload of a resolved run under `runId`: its plan's draws, the catalog's prices and payout rule. */
export function buildRemotePayload(
  catalog: Catalog,
  resolved: ResolvedRun,
  runId: string,
  frozen?: { prices: readonly PricePeriod[]; rule: PayoutRule },
): RemoteRunPayload {
  return {
    version: REMOTE_RUN_VERSION,
    run_id: runId,
    request: JSON.parse(resolvedRequestJson(resolved.request)) as RemoteRunPayload['request'],
    draws: resolved.plan.draws.map(compactDraw),
    prices: (frozen?.prices ?? readPriceTable(catalog.db)).map((p) => ({ ...p })),
    payout_rule: frozen?.rule ?? readPayoutRule(catalog.db),
    dataset_hash: resolved.plan.dataset_hash,
    engine_version: ENGINE_VERSION,
  };
}

/** A worker's refusal (`CODE: message`) as the coordinator's error; anything else is E_INTERNAL. */
export function remoteFailure(runId: string, reason: string): LuckyError {
  const m = /^(E_[A-Z_]+): ([\s\S]*)$/.exec(reason);
  if (m && m[1]! in ERROR_TABLE) return new LuckyError(m[1] as ErrorCode, `the worker refused run ${runId}: ${m[2]}`);
  return new LuckyError('E_INTERNAL', `run ${runId} failed on the worker: ${reason}`);
}

export interface SubmitOptions {
  /** aborting withdraws the job when no worker has taken it yet, or stops it on its worker at a contest boundary (E_INTERRUPTED) */
  signal?: AbortSignal | undefined;
  /** called once the job is in the queue */
  onQueued?: (() => void) | undefined;
  /** called when a worker takes the job (again, after a stalled worker), with that worker's name */
  onActive?: ((worker: string) => void) | undefined;
  /** the worker's progress, at most about twice a second */
  onProgress?: ((p: RemoteRunProgress) => void) | undefined;
  /** connection trouble: lost, back (one line each) */
  log?: ((line: string) => void) | undefined;
  /** how long Redis may stay unreachable before giving up (E_QUEUE_DOWN); default 60 s */
  patience_ms?: number | undefined;
  /** how often the job's state is read besides the events (default 2 s): a missed event is never a lost result */
  poll_ms?: number | undefined;
}

/** The options every queued run is added with: job id = run id, retries after a dead worker, results kept until collected. */
export const RUN_JOB_OPTIONS = {
  // a worker that dies mid-run leaves a stalled job BullMQ hands to another worker; a crash
  // inside the engine is retried once more; a refusal is never retried (UnrecoverableError)
  attempts: 3,
  backoff: { type: 'exponential', delay: 1_000 },
  // the coordinator removes a result once it has registered it; one it never collected (it
  // died) stays for a day, for `--resume`
  removeOnComplete: { age: 24 * 3600 },
  removeOnFail: { age: 24 * 3600 },
} as const;

/** Stops a queued run wherever it is: removed when no worker has taken it, else its worker is told to stop at a contest boundary. */
export async function cancelQueuedRun(queue: Queue, runId: string): Promise<'withdrawn' | 'stopping' | 'gone'> {
  const job = await queue.getJob(runId);
  if (!job) return 'gone';
  const state = await job.getState();
  if (state === 'waiting' || state === 'delayed' || state === 'prioritized' || state === 'waiting-children') {
    // remove() refuses a job a worker took meanwhile: then it is stopped like an active one
    if (
      await job.remove().then(
        () => true,
        () => false,
      )
    )
      return 'withdrawn';
  }
  if (state === 'completed' || state === 'failed') return 'gone';
  const producer = new QueueEventsProducer(CONTROL_QUEUE, { connection: queue.opts.connection });
  producer.on('error', () => undefined);
  try {
    await producer.publishEvent({ eventName: CANCEL_EVENT, run_id: runId });
  } finally {
    await producer.close().catch(() => undefined);
  }
  return 'stopping';
}

/**
 * Stops the run `runId` queued at `url`, from any machine: see {@link cancelQueuedRun}.
 * E_QUEUE_DOWN when Redis does not answer.
 */
export async function cancelRemoteRun(url: string, runId: string): Promise<'withdrawn' | 'stopping' | 'gone'> {
  const redis = await connectQueue(url);
  const queue = new Queue(RUN_QUEUE, { connection: redis });
  // connection trouble is the watch's to report, and each call's to fail
  queue.on('error', () => undefined);
  try {
    return await cancelQueuedRun(queue, runId);
  } finally {
    await closeQueueObjects(redis, [queue]);
  }
}

/**
 * Queues a payload on the queue at `url` (job id = run id) and waits for a worker's result
 * ({@link followQueuedJob} without a detach). E_QUEUE_DOWN when Redis does not answer, or stays
 * away longer than the patience; a worker's refusal keeps its code ({@link remoteFailure});
 * E_INTERRUPTED when `signal` aborts first (the run is withdrawn, or stopped on its worker).
 */
export async function submitRemoteRun(url: string, payload: RemoteRunPayload, opts: SubmitOptions = {}): Promise<RemoteRunResult> {
  const { signal, ...rest } = opts;
  const outcome = await followQueuedJob(url, payload, { ...rest, cancel: signal });
  if (outcome.kind !== 'result') throw new LuckyError('E_INTERNAL', `run ${payload.run_id} was detached without a detach signal`);
  return outcome.result;
}

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
    // the state alone (one small script); the job itself (its draws, its result) only when final
    const state = await queue.getJobState(id).catch(() => undefined);
    if (state === 'unknown') {
      // Redis lost the job (restarted without persistence): queue it again; nothing was collected
      if (!watch.down()) await queue.add('run', payload, { ...RUN_JOB_OPTIONS, jobId: id }).catch(() => undefined);
      return;
    }
    if (state !== 'completed' && state !== 'failed') return;
    const job = await queue.getJob(id).catch(() => undefined);
    if (job && state === 'completed') finish({ ok: true, value: job.returnvalue });
    else if (job) finish({ ok: false, reason: job.failedReason });
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
  const cancelled = new Promise<never>((_, reject) =>
    on(opts.cancel, () => reject(new LuckyError('E_INTERRUPTED', `run ${id} was cancelled: withdrawn from the queue, or stopped on its worker`))),
  );
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

/**
 * Writes the run file a worker returned for `payload` to `file` (decompressed, owner-only) and
 * checks it is the run that was asked for: its id, recipe hash, range, dataset hash, engine
 * version, price table, payout rule, and that it completed (E_DATA_INVALID naming each
 * difference). Its figures are not checked here: {@link registerRemoteRun} and the chunk check
 * (`chunks.ts`) recompute them. The caller removes `file` (and its `-wal`/`-shm`).
 */
export function writeReturnedRunFile(file: string, payload: RemoteRunPayload, result: RemoteRunResult): void {
  let bytes: Buffer;
  try {
    bytes = gunzipSync(Buffer.from(result.file_gz, 'base64'));
  } catch (e) {
    throw new LuckyError('E_DATA_INVALID', `the run file of ${payload.run_id} did not decompress`, [(e as Error).message], { cause: e });
  }
  writeFileSync(file, bytes, { mode: 0o600 });
  const rf = openRunFile(file, { mustExist: true, readonly: true });
  let meta: Record<string, string>;
  try {
    meta = rf.readMeta();
  } finally {
    rf.close();
  }
  const expected: Record<string, string> = {
    run_id: payload.run_id,
    recipe_hash: payload.request.recipe_hash,
    first_contest: String(payload.request.from),
    last_contest: String(payload.request.to),
    dataset_hash: payload.dataset_hash,
    engine_version: payload.engine_version,
    prices: JSON.stringify(payload.prices),
    payout_rule: payload.payout_rule,
    status: 'completed',
  };
  const wrong = Object.entries(expected).filter(([k, v]) => meta[k] !== v);
  if (wrong.length > 0)
    throw new LuckyError(
      'E_DATA_INVALID',
      `the run file of ${payload.run_id} is not the run that was queued`,
      wrong.map(([k, v]) => `${k}: expected ${v}, got ${meta[k] ?? '(none)'}`),
    );
}

/**
 * Registers a run file a worker returned, exactly as `runs import` does (integrity, recipe hash,
 * every stored figure recomputed: E_DATA_INVALID on any difference), after checking it is the
 * run that was asked for ({@link writeReturnedRunFile}: E_DATA_INVALID). With a `pool`, the
 * figures are recomputed on one of its threads (several returned files at once), and only the
 * registration itself runs here.
 */
export async function registerRemoteRun(catalog: Catalog, payload: RemoteRunPayload, result: RemoteRunResult, pool?: PredictPool): Promise<void> {
  makePrivateDir(runsDir(catalog.dataDir));
  const incoming = join(runsDir(catalog.dataDir), `.incoming-${payload.run_id}.sqlite`);
  try {
    writeReturnedRunFile(incoming, payload, result);
    importRunFile(catalog, incoming, await checkRunFileOn(pool, incoming));
  } finally {
    for (const f of [incoming, `${incoming}-wal`, `${incoming}-shm`]) if (existsSync(f)) rmSync(f, { force: true });
  }
}
