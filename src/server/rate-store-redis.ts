/**
 * Rate-limit buckets in Redis, shared by every server process (`rate_limit_redis_url`). One Lua
 * script per take refills and takes atomically, by the same rule as the in-memory store
 * ({@link refill}; {@link decide} turns what it returns into headers). A bucket expires after a
 * minute idle (it would be full again). Time is the caller's clock (`ctx.now`), so processes need
 * roughly synchronised clocks; one that runs behind adds no tokens. While Redis does not answer,
 * takes fall back to this process's own buckets (logged), so an outage never refuses requests.
 */
import { Redis } from 'ioredis';
import { LuckyError } from '../errors.js';
import { MINUTE_MS, MemoryRateStore, type RateDecision, type RateStore, decide } from './rate-limit.js';

/** Keys are `luckyfive:rate:<bucket>`; buckets are `ip:<address>` or `<class>:<principal>`. */
const KEY_PREFIX = 'luckyfive:rate:';

/** KEYS[1] bucket; ARGV limit, now (ms), idle expiry (ms). Returns {allowed 0|1, tokens left as text}. */
const TAKE_SCRIPT = `
local limit = tonumber(ARGV[1])
local now = tonumber(ARGV[2])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at', 'limit')
local tokens = limit
local at = now
if b[1] and tonumber(b[3]) == limit then
  local last = tonumber(b[2])
  tokens = math.min(limit, tonumber(b[1]) + math.max(0, now - last) * limit / ${MINUTE_MS})
  at = math.max(last, now)
end
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(at), 'limit', tostring(limit))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {allowed, tostring(tokens)}
`;

/** How long one take may wait for Redis before this process uses its own buckets (ms). */
export const REDIS_TAKE_TIMEOUT_MS = 250;
/** At most one "Redis failed" warning per this many ms. */
const WARN_EVERY_MS = 10_000;

type TakeCommand = (key: string, limit: number, now: number, idleMs: number) => Promise<[number, string]>;

export class RedisRateStore implements RateStore {
  private readonly fallback = new MemoryRateStore();
  private lastWarn = -Infinity;

  private constructor(
    private readonly redis: Redis,
    private readonly warn: (message: string, error: unknown) => void,
  ) {}

  /**
   * Connects to `url` and checks that Redis answers. Throws E_NOT_CONFIGURED naming the host
   * (never the password) when it does not: a server meant to share its limits should not start
   * without them.
   */
  static async open(url: string, warn: (message: string, error: unknown) => void = () => undefined): Promise<RedisRateStore> {
    const redis = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: REDIS_TAKE_TIMEOUT_MS });
    // ioredis reports connection errors as events too: they are handled by the takes' fallback.
    redis.on('error', () => undefined);
    redis.defineCommand('luckyfiveTake', { numberOfKeys: 1, lua: TAKE_SCRIPT });
    try {
      await redis.connect();
      await redis.ping();
    } catch (e) {
      redis.disconnect();
      const where = new URL(url).host;
      throw new LuckyError('E_NOT_CONFIGURED', `rate_limit_redis_url: Redis at ${where} does not answer`, [`rate_limit_redis_url: ${(e as Error).message}`], {
        cause: e,
      });
    }
    return new RedisRateStore(redis, warn);
  }

  take(key: string, limit: number, nowMs: number): Promise<RateDecision> {
    const command = (this.redis as unknown as { luckyfiveTake: TakeCommand }).luckyfiveTake;
    return command.call(this.redis, KEY_PREFIX + key, limit, nowMs, MINUTE_MS).then(
      ([allowed, tokens]) => decide(allowed === 1, Number(tokens), limit),
      (e: unknown) => {
        if (nowMs - this.lastWarn >= WARN_EVERY_MS) {
          this.lastWarn = nowMs;
          this.warn("rate limits: Redis did not answer; using this process's own buckets until it does", e);
        }
        return this.fallback.take(key, limit, nowMs);
      },
    );
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** The store `serve` uses: Redis when `rate_limit_redis_url` is set, else in memory. */
export async function openRateStore(url: string | undefined, warn?: (message: string, error: unknown) => void): Promise<RateStore> {
  return url === undefined ? new MemoryRateStore() : RedisRateStore.open(url, warn);
}
