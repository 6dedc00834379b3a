/**
 * A small LRU of window statistics. A sweep runs many recipes over the same contests; recipes
 * that see the same history window (same draws) share its statistics instead of recounting them.
 * Keys start with {@link windowKey}, so a cache may be shared across recipes, contests and
 * threads' worth of calls without ever returning statistics of other draws.
 */
import type { History } from '../draw.js';
import { LruMap } from '../lru.js';

export interface PredictorCache {
  /** The value stored under `key`, built (and stored) on a miss. */
  get<T>(key: string, build: () => T): T;
  /** Lookups answered from the cache and built, since creation. */
  readonly hits: number;
  readonly misses: number;
  readonly size: number;
  clear(): void;
}

class LruPredictorCache implements PredictorCache {
  private readonly entries: LruMap<string, unknown>;
  hits = 0;
  misses = 0;

  constructor(maxEntries: number) {
    this.entries = new LruMap(maxEntries);
  }

  get<T>(key: string, build: () => T): T {
    const cached = this.entries.get(key);
    if (cached !== undefined) {
      this.hits++;
      return cached as T;
    }
    this.misses++;
    const value = build();
    this.entries.set(key, value);
    return value;
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}

/**
 * A cache for {@link predictTickets}. Each entry is at most ~52 KB (an 81x81 Float64Array), so
 * the default 128 entries stay under ~7 MB.
 */
export function createPredictorCache(maxEntries = 128): PredictorCache {
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError(`createPredictorCache: maxEntries must be a positive integer, got ${maxEntries}`);
  return new LruPredictorCache(maxEntries);
}

/** Pass-through used when the caller gives no cache. */
export const NO_CACHE: PredictorCache = {
  get: <T>(_key: string, build: () => T): T => build(),
  hits: 0,
  misses: 0,
  size: 0,
  clear() {},
};

/**
 * Identity of a window: first and last contest, count, and a checksum of the balls (so a
 * corrected draw under the same contest numbers never reuses stale statistics).
 */
export function windowKey(w: History): string {
  if (w.count === 0) return 'empty';
  let h = 0x811c9dc5;
  const b = w.balls;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i]!, 0x01000193) >>> 0;
  return `${w.contests[0]!}-${w.contests[w.count - 1]!}-${w.count}-${h.toString(16)}`;
}
