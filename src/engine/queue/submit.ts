/**
 * The coordinator's side of the run queue: a planned run becomes a payload
 * (`core/remote-run.ts`), is queued, and its run file comes back and is registered exactly as
 * `runs import` registers a copied file.
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Queue, QueueEvents } from 'bullmq';
import type { PricePeriod } from '../../core/finance/prices.js';
import type { PayoutRule } from '../../core/finance/prizes.js';
import { REMOTE_RUN_VERSION, type RemoteRunPayload, type RemoteRunResult, RemoteRunResultSchema, compactDraw } from '../../core/remote-run.js';
import { resolvedRequestJson } from '../../core/run-request.js';
import { ERROR_TABLE, type ErrorCode, LuckyError } from '../../errors.js';
import type { Catalog } from '../../store/catalog.js';
import { makePrivateDir } from '../../store/private-files.js';
import { readPayoutRule, readPriceTable } from '../../store/prices-repo.js';
import { openRunFile, runsDir } from '../../store/run-file.js';
import type { ResolvedRun } from '../run-request.js';
import { ENGINE_VERSION } from '../run-types.js';
import { importRunFile } from '../runs.js';
import { RUN_QUEUE, connectQueue } from './connection.js';

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
  /** aborting removes the job when no worker has taken it yet, and stops waiting (E_INTERRUPTED) */
  signal?: AbortSignal | undefined;
  /** called once the job is in the queue */
  onQueued?: (() => void) | undefined;
}

/**
 * Queues a payload on the queue at `url` (job id = run id) and waits for a worker's result.
 * E_NOT_CONFIGURED when Redis does not answer; a worker's refusal keeps its code
 * ({@link remoteFailure}); E_INTERRUPTED when `signal` aborts first.
 */
export async function submitRemoteRun(url: string, payload: RemoteRunPayload, opts: SubmitOptions = {}): Promise<RemoteRunResult> {
  const redis = await connectQueue(url);
  const queue = new Queue(RUN_QUEUE, { connection: redis });
  const events = new QueueEvents(RUN_QUEUE, { connection: redis });
  try {
    await events.waitUntilReady();
    const job = await queue.add('run', payload, {
      jobId: payload.run_id,
      // a worker that dies mid-run leaves a stalled job BullMQ hands to another worker; a
      // refusal is never retried (the worker throws an unrecoverable error)
      attempts: 2,
      removeOnComplete: true,
      removeOnFail: { age: 24 * 3600 },
    });
    opts.onQueued?.();
    const signal = opts.signal;
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(new LuckyError('E_INTERRUPTED', `run ${payload.run_id} was withdrawn from the queue`));
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
    let value: unknown;
    try {
      value = await Promise.race([job.waitUntilFinished(events), aborted]);
    } catch (e) {
      if (e instanceof LuckyError) {
        // a job no worker has taken yet is removed; a taken one finishes and is dropped with the queue's retention
        await job.remove().catch(() => undefined);
        throw e;
      }
      throw remoteFailure(payload.run_id, (e as Error).message);
    } finally {
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
    const parsed = RemoteRunResultSchema.safeParse(value);
    if (!parsed.success || parsed.data.run_id !== payload.run_id)
      throw new LuckyError('E_DATA_INVALID', `the worker's result for run ${payload.run_id} is not a run file`);
    return parsed.data;
  } finally {
    await events.close().catch(() => undefined);
    await queue.close().catch(() => undefined);
    await redis.quit().catch(() => undefined);
  }
}

/**
 * Registers a run file a worker returned, exactly as `runs import` does (integrity, recipe hash,
 * every stored figure recomputed: E_DATA_INVALID on any difference), after checking it is the
 * run that was asked for: its id, recipe, range, dataset hash and engine version (E_DATA_INVALID).
 */
export function registerRemoteRun(catalog: Catalog, payload: RemoteRunPayload, result: RemoteRunResult): void {
  let bytes: Buffer;
  try {
    bytes = gunzipSync(Buffer.from(result.file_gz, 'base64'));
  } catch (e) {
    throw new LuckyError('E_DATA_INVALID', `the run file of run ${payload.run_id} did not decompress`, [(e as Error).message], { cause: e });
  }
  makePrivateDir(runsDir(catalog.dataDir));
  const incoming = join(runsDir(catalog.dataDir), `.incoming-${payload.run_id}.sqlite`);
  writeFileSync(incoming, bytes, { mode: 0o600 });
  try {
    const rf = openRunFile(incoming, { mustExist: true, readonly: true });
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
    };
    const wrong = Object.entries(expected).filter(([k, v]) => meta[k] !== v);
    if (wrong.length > 0)
      throw new LuckyError(
        'E_DATA_INVALID',
        `the run file returned for run ${payload.run_id} is not the run that was queued`,
        wrong.map(([k, v]) => `${k}: expected ${v}, got ${meta[k] ?? '(none)'}`),
      );
    importRunFile(catalog, incoming);
  } finally {
    for (const f of [incoming, `${incoming}-wal`, `${incoming}-shm`]) if (existsSync(f)) rmSync(f, { force: true });
  }
}
