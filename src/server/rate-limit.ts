/**
 * Token buckets for rate limiting: each bucket holds up to `limit` tokens and refills at
 * `limit` per minute, so a client may burst up to its whole minute and then proceeds at the
 * steady rate. In memory, per process; idle (full) buckets are swept so the map stays small.
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

interface Bucket {
  tokens: number;
  at: number;
  limit: number;
}

const MINUTE_MS = 60_000;

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private lastSweep = 0;

  constructor(private readonly maxBuckets = 100_000) {}

  /** Takes one token from the bucket `key` (created full) and says whether that was allowed. */
  take(key: string, limit: number, nowMs: number): RateDecision {
    this.maybeSweep(nowMs);
    let b = this.buckets.get(key);
    if (!b || b.limit !== limit) {
      b = { tokens: limit, at: nowMs, limit };
      this.buckets.set(key, b);
    } else {
      b.tokens = Math.min(limit, b.tokens + ((nowMs - b.at) * limit) / MINUTE_MS);
      b.at = Math.max(b.at, nowMs);
    }
    const msPerToken = MINUTE_MS / limit;
    const allowed = b.tokens >= 1;
    if (allowed) b.tokens -= 1;
    return {
      allowed,
      limit,
      remaining: Math.floor(b.tokens),
      resetSeconds: Math.ceil(((limit - b.tokens) * msPerToken) / 1000),
      retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil(((1 - b.tokens) * msPerToken) / 1000)),
    };
  }

  get size(): number {
    return this.buckets.size;
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
