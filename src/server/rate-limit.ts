/**
 * Token buckets for rate limiting: each bucket holds up to `limit` tokens and refills at
 * `limit` per minute, so a client may burst up to its whole minute and then proceeds at the
 * steady rate. The buckets live in a {@link RateStore}: in memory, per process
 * ({@link MemoryRateStore}, the default), or in Redis, shared by every server process
 * (`rate-store-redis.ts`, when `rate_limit_redis_url` is set). Both refill by {@link refill}
 * and answer with {@link decide}, so they count alike.
 */
export interface RateDecision {
  allowed: boolean;
  /** requests per minute for this bucket */
  limit: number;
  /** whole requests left right now */
  remaining: number;
  /** seconds until the bucket is full again */
  resetSeconds: number;
  /** seconds until one request is allowed (0 when allowed) */
  retryAfterSeconds: number;
}

/** Where the buckets are kept. A store may answer synchronously (memory) or not (Redis). */
export interface RateStore {
  /** Takes one token from the bucket `key` (created full) and says whether that was allowed. */
  take(key: string, limit: number, nowMs: number): RateDecision | Promise<RateDecision>;
  /** Lets go of connections (the app's onClose). */
  close(): Promise<void>;
}

export const MINUTE_MS = 60_000;

/** The tokens in a bucket last seen with `tokens` at `atMs`, at `nowMs` (never more than `limit`; a clock running back adds none). */
export function refill(tokens: number, atMs: number, limit: number, nowMs: number): number {
  return Math.min(limit, tokens + (Math.max(0, nowMs - atMs) * limit) / MINUTE_MS);
}

/** The answer for a take that left `tokens` in the bucket (after taking one, when allowed). */
export function decide(allowed: boolean, tokens: number, limit: number): RateDecision {
  const msPerToken = MINUTE_MS / limit;
  return {
    allowed,
    limit,
    remaining: Math.floor(tokens),
    resetSeconds: Math.ceil(((limit - tokens) * msPerToken) / 1000),
    retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil(((1 - tokens) * msPerToken) / 1000)),
  };
}

interface Bucket {
  tokens: number;
  at: number;
  limit: number;
}

/** The buckets of this process, in a map; idle (full) buckets are swept so the map stays small. */
export class MemoryRateStore implements RateStore {
  private readonly buckets = new Map<string, Bucket>();
  private lastSweep = 0;

  constructor(private readonly maxBuckets = 100_000) {}

  take(key: string, limit: number, nowMs: number): RateDecision {
    this.maybeSweep(nowMs);
    let b = this.buckets.get(key);
    if (!b || b.limit !== limit) {
      b = { tokens: limit, at: nowMs, limit };
      this.buckets.set(key, b);
    } else {
      b.tokens = refill(b.tokens, b.at, limit, nowMs);
      b.at = Math.max(b.at, nowMs);
    }
    const allowed = b.tokens >= 1;
    if (allowed) b.tokens -= 1;
    return decide(allowed, b.tokens, limit);
  }

  get size(): number {
    return this.buckets.size;
  }

  close(): Promise<void> {
    this.buckets.clear();
    return Promise.resolve();
  }

  private maybeSweep(nowMs: number): void {
    if (nowMs - this.lastSweep < MINUTE_MS && this.buckets.size < this.maxBuckets) return;
    this.lastSweep = nowMs;
    // A bucket idle for a minute is full again: forgetting it changes nothing.
    for (const [key, b] of this.buckets) if (nowMs - b.at >= MINUTE_MS) this.buckets.delete(key);
    // Still too many (many distinct clients within a minute): drop the oldest entries.
    if (this.buckets.size >= this.maxBuckets) {
      let excess = this.buckets.size - Math.floor(this.maxBuckets * 0.9);
      for (const key of this.buckets.keys()) {
        if (excess-- <= 0) break;
        this.buckets.delete(key);
      }
    }
  }
}
