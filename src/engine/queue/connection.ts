/** The run queue's name and its Redis connection (`queue_url`), checked before anything is queued or taken. */
import { Redis } from 'ioredis';
import { LuckyError } from '../../errors.js';

/** The BullMQ queue every coordinator sends runs to and every `luckyfive worker` takes them from. */
export const RUN_QUEUE = 'luckyfive-runs';

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
 * a ping answered. Throws E_NOT_CONFIGURED naming the host (never the password) when Redis does
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
    throw new LuckyError('E_NOT_CONFIGURED', `queue_url: Redis at ${redisWhere(url)} does not answer`, [`queue_url: ${(e as Error).message}`], { cause: e });
  }
  // from here on, reconnect after a blip (BullMQ's blocking connections are duplicates of this one)
  redis.options.retryStrategy = (times: number) => Math.min(times * 200, 2_000);
  return redis;
}
