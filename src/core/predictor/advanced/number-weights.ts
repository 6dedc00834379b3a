/**
 * Step 2-3 of the legacy generator: per-number weights from frequency, recency and the hot/cold
 * boost, and the "roulette" that samples numbers by weight.
 */
import { BALL_MAX } from '../../draw.js';
import type { Rng } from '../../rng.js';
import type { BaseStats } from '../window-stats.js';

/** The legacy floor: a number never drawn still has a (tiny) chance. */
const WEIGHT_FLOOR = 0.0001;

/**
 * `w[n] = freq[n] · exp(-lambda · age[n]) · (hot_cold_boost if n is cold)`, floored at 0.0001.
 * `age[n]` is how many draws ago n last came out (the window size if never); "hot" numbers are
 * those in the last `hot_window` draws, and the boost goes to the others.
 */
export function computeNumberWeights(base: BaseStats, p: { lambda: number; hot_window: number; hot_cold_boost: number }): Float64Array {
  const n = base.count;
  const hotFrom = n - Math.min(p.hot_window, n);
  const w = new Float64Array(BALL_MAX + 1);
  for (let x = 1; x <= BALL_MAX; x++) {
    const last = base.lastIndex[x]!;
    const age = last >= 0 ? n - 1 - last : n;
    const hot = last >= 0 && last >= hotFrom;
    const v = base.freq[x]! * Math.exp(-p.lambda * age) * (hot ? 1 : p.hot_cold_boost);
    w[x] = v > WEIGHT_FLOOR ? v : WEIGHT_FLOOR;
  }
  return w;
}

/**
 * Weighted sampling as the legacy tool did it: numbers sorted by weight (descending, ties by
 * number), `r = U · total`, the first number whose cumulative weight reaches r. A binary search
 * over the cumulative sums gives the same answer as the legacy linear walk.
 */
export class Roulette {
  private readonly order: Uint8Array;
  private readonly cum: Float64Array;
  private readonly total: number;
  /** guide[j] = first index whose cumulative weight reaches j/GUIDE of the total: O(1) picks */
  private readonly guide: Uint8Array;

  constructor(weights: Float64Array) {
    const numbers = Array.from({ length: BALL_MAX }, (_, i) => i + 1);
    // Array.prototype.sort is stable; ties keep ascending number order
    numbers.sort((a, b) => weights[b]! - weights[a]!);
    this.order = Uint8Array.from(numbers);
    this.cum = new Float64Array(BALL_MAX);
    let acc = 0;
    for (let i = 0; i < BALL_MAX; i++) {
      acc += weights[numbers[i]!]!;
      this.cum[i] = acc;
    }
    this.total = acc;
    this.guide = new Uint8Array(GUIDE);
    let i = 0;
    for (let j = 0; j < GUIDE; j++) {
      const r = (j / GUIDE) * acc;
      while (i < BALL_MAX - 1 && this.cum[i]! < r) i++;
      this.guide[j] = i;
    }
  }

  /** The first number (in weight order) whose cumulative weight reaches U·total. */
  pick(rng: Rng): number {
    const u = rng.next();
    const r = u * this.total;
    // guide[⌊u·GUIDE⌋] never passes the answer, so a short forward walk finds it
    let i = this.guide[(u * GUIDE) | 0]!;
    while (i > 0 && this.cum[i - 1]! >= r) i--; // float rounding at a bucket edge
    while (i < BALL_MAX - 1 && this.cum[i]! < r) i++;
    return this.order[i]!;
  }
}

const GUIDE = 256;
