/** The run queue's name and its Redis connection (`queue_url`), checked before anything is queued or taken. */
import { Redis } from 'ioredis';
import { LuckyError } from '../../errors.js';

/** The BullMQ queue every coordinator sends runs to and every `luckyfive worker` takes them from. */
export const RUN_QUEUE = 'luckyfive-runs';

/**
 * A queue no job is ever added to: its event stream carries only the coordinators' cancels, so a
 * worker listening for them does not also receive every run's completion (and its run file).
 */
export const CONTROL_QUEUE = 'luckyfive-control';

/** The custom event a coordinator publishes on {@link CONTROL_QUEUE} to stop a run wherever it runs: `{ eventName, run_id }`. */
export const CANCEL_EVENT = 'luckyfive-cancel';

/** How long the first contact with Redis may take before it counts as unreachable. */
const CONNECT_TIMEOUT_MS = 5_000;

/** The host and port of a Redis URL, never its password. */
export function redisWhere(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(an unparsable URL)';
  }
}

/**
 * A connection to the queue's Redis, for BullMQ (which wants `maxRetriesPerRequest: null`), after
 * a ping answered. Throws E_QUEUE_DOWN naming the host (never the password) when Redis does
 * not answer. The caller closes it (`quit()`) after the BullMQ objects built on it.
 */
export async function connectQueue(url: string): Promise<Redis> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: null, connectTimeout: CONNECT_TIMEOUT_MS, retryStrategy: () => null });
  // errors surface through the ping below and through BullMQ's calls, not as unhandled events
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (e) {
    redis.disconnect();
    throw new LuckyError('E_QUEUE_DOWN', `queue_url: Redis at ${redisWhere(url)} does not answer`, [`queue_url: ${(e as Error).message}`], { cause: e });
  }
  // from here on, reconnect after a blip (BullMQ's blocking connections are duplicates of this one)
  redis.options.retryStrategy = (times: number) => Math.min(times * 200, 2_000);
  return redis;
}

/** How long a coordinator or a worker waits for a Redis that went away before giving up (`queue_patience`). */
export const DEFAULT_PATIENCE_MS = 60_000;

/** A watch on a queue connection: `lost` rejects with E_QUEUE_DOWN once Redis has been gone longer than the patience. */
export interface ConnectionWatch {
  lost: Promise<never>;
  /** true while Redis is unreachable */
  down(): boolean;
  /** resolves the next time the connection is ready again (at once when it is) */
  back(): Promise<void>;
  dispose(): void;
}

/**
 * Watches a connection made by {@link connectQueue}: when it drops, says so once (`log`), lets
 * ioredis reconnect with its back-off (200 ms growing to 2 s), says when it is back, and gives up
 * after `patienceMs` of absence: `lost` rejects with E_QUEUE_DOWN naming the host (never the
 * password). Commands issued meanwhile wait in ioredis's offline queue.
 */
export function watchConnection(redis: Redis, url: string, patienceMs: number, log: (line: string) => void): ConnectionWatch {
  let timer: NodeJS.Timeout | undefined;
  let since: number | undefined;
  let reject!: (e: Error) => void;
  const lost = new Promise<never>((_, rej) => (reject = rej));
  lost.catch(() => undefined);
  let waiters: Array<() => void> = [];
  const onDown = () => {
    if (since !== undefined) return;
    since = Date.now();
    log(`Redis at ${redisWhere(url)} is unreachable; retrying for up to ${Math.round(patienceMs / 1000)} s (queue_patience)`);
    timer = setTimeout(
      () =>
        reject(
          new LuckyError('E_QUEUE_DOWN', `Redis at ${redisWhere(url)} has been unreachable for ${Math.round(patienceMs / 1000)} s: giving up`, [
            'nothing is lost: queued runs stay queued, and a run that finished is collected by the next attempt (`sweep --resume ID`)',
          ]),
        ),
      patienceMs,
    );
    timer.unref();
  };
  const onReady = () => {
    if (since === undefined) return;
    log(`Redis at ${redisWhere(url)} is back after ${((Date.now() - since) / 1000).toFixed(1)} s`);
    since = undefined;
    clearTimeout(timer);
    const w = waiters;
    waiters = [];
    for (const f of w) f();
  };
  redis.on('close', onDown);
  redis.on('reconnecting', onDown);
  redis.on('ready', onReady);
  return {
    lost,
    down: () => since !== undefined,
    back: () => (since === undefined ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
    dispose: () => {
      clearTimeout(timer);
      redis.off('close', onDown);
      redis.off('reconnecting', onDown);
      redis.off('ready', onReady);
    },
  };
}

/**
 * Closes BullMQ objects and then their connection without ever hanging on a Redis that went
 * away: each close gets `ms` (default 2 s); the connection is quit when Redis answers, else dropped.
 */
export async function closeQueueObjects(redis: Redis, objects: ReadonlyArray<{ close(): Promise<unknown> } | undefined>, ms = 2_000): Promise<void> {
  const bounded = (p: Promise<unknown>) => Promise.race([p.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, ms).unref())]);
  if (redis.status !== 'ready') redis.disconnect();
  for (const o of objects) if (o) await bounded(o.close());
  if (redis.status === 'ready') await bounded(redis.quit());
  redis.disconnect();
}
