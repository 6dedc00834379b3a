/**
 * Statistics of a history window, in typed arrays indexed by ball number (index 0 unused) or by
 * `a * 81 + b` for pairs. Pure functions of the window; {@link PredictorCache} shares them
 * between recipes that see the same draws.
 */
import { BALL_MAX, BALLS_PER_DRAW, type History } from '../draw.js';
import { type PredictorCache, windowKey } from './cache.js';

/** Row stride of the 81x81 pair matrices. */
export const STRIDE = BALL_MAX + 1;

export interface BaseStats {
  count: number;
  /** occurrences of n in the window */
  freq: Float64Array;
  /** index (0 = oldest) of the last draw containing n, -1 if never */
  lastIndex: Int32Array;
  /** pos[p * STRIDE + n]: draws with n at sorted position p (0..4) */
  pos: Float64Array;
}

export interface PairStats {
  /** cond[i * STRIDE + j] = (co(i,j) + 1) / (freqW(i) + 80): P(j | i), Laplace-smoothed (legacy formula) */
  cond: Float64Array;
  /** sym[i * STRIDE + j] = cond[i][j] + cond[j][i], the pair term of the legacy score */
  sym: Float64Array;
}

/** One pass over the window: counts, last sighting and sorted position of every number. */
export function computeBaseStats(w: History): BaseStats {
  const freq = new Float64Array(STRIDE);
  const lastIndex = new Int32Array(STRIDE).fill(-1);
  const pos = new Float64Array(BALLS_PER_DRAW * STRIDE);
  const b = w.balls;
  for (let i = 0; i < w.count; i++) {
    for (let p = 0; p < BALLS_PER_DRAW; p++) {
      const n = b[i * BALLS_PER_DRAW + p]!;
      if (n < 1 || n > BALL_MAX) continue;
      freq[n]! += 1;
      lastIndex[n] = i;
      pos[p * STRIDE + n]! += 1;
    }
  }
  return { count: w.count, freq, lastIndex, pos };
}

/**
 * Pair statistics over the last `cooccWindow` draws (0 = all, as in the legacy tool). With no
 * draws every conditional is 1/80: nothing is known about pairs.
 */
export function computePairStats(w: History, cooccWindow: number): PairStats {
  const start = cooccWindow > 0 && cooccWindow < w.count ? w.count - cooccWindow : 0;
  const co = new Float64Array(STRIDE * STRIDE);
  const freqW = new Float64Array(STRIDE);
  const b = w.balls;
  for (let i = start; i < w.count; i++) {
    const o = i * BALLS_PER_DRAW;
    for (let x = 0; x < BALLS_PER_DRAW; x++) {
      const a = b[o + x]!;
      if (a < 1 || a > BALL_MAX) continue;
      freqW[a]! += 1;
      for (let y = x + 1; y < BALLS_PER_DRAW; y++) {
        const c = b[o + y]!;
        if (c < 1 || c > BALL_MAX || c === a) continue;
        co[a * STRIDE + c]! += 1;
        co[c * STRIDE + a]! += 1;
      }
    }
  }
  // the counts become the conditionals in place (one 81x81 buffer fewer per window)
  const cond = co;
  for (let i = 1; i <= BALL_MAX; i++) {
    const inv = 1 / (freqW[i]! + BALL_MAX);
    for (let j = 1; j <= BALL_MAX; j++) cond[i * STRIDE + j] = i === j ? 0 : (co[i * STRIDE + j]! + 1) * inv;
  }
  const sym = new Float64Array(STRIDE * STRIDE);
  for (let i = 1; i <= BALL_MAX; i++) {
    for (let j = 1; j <= BALL_MAX; j++) sym[i * STRIDE + j] = cond[i * STRIDE + j]! + cond[j * STRIDE + i]!;
  }
  return { cond, sym };
}

/**
 * Recency-weighted occurrences over the last `lastN` draws (0 = all): a draw `d` draws before
 * the newest counts `exp(-lambda * d)`. With lambda 0 these are plain counts.
 */
export function computeRecencyWeights(w: History, lambda: number, lastN = 0): Float64Array {
  const out = new Float64Array(STRIDE);
  const start = lastN > 0 && lastN < w.count ? w.count - lastN : 0;
  const b = w.balls;
  for (let i = start; i < w.count; i++) {
    const weight = Math.exp(-lambda * (w.count - 1 - i));
    for (let p = 0; p < BALLS_PER_DRAW; p++) {
      const n = b[i * BALLS_PER_DRAW + p]!;
      if (n >= 1 && n <= BALL_MAX) out[n]! += weight;
    }
  }
  return out;
}

/** Cached accessors: keys combine the window identity with the parameters that shape each table. */
export function baseStatsOf(cache: PredictorCache, w: History, key = windowKey(w)): BaseStats {
  return cache.get(`base:${key}`, () => computeBaseStats(w));
}

export function pairStatsOf(cache: PredictorCache, w: History, cooccWindow: number, key = windowKey(w)): PairStats {
  // windows larger than the history are all the same window
  const effective = cooccWindow > 0 && cooccWindow < w.count ? cooccWindow : 0;
  return cache.get(`pairs:${key}:${effective}`, () => computePairStats(w, effective));
}

export function recencyWeightsOf(cache: PredictorCache, w: History, lambda: number, lastN: number, key = windowKey(w)): Float64Array {
  const effective = lastN > 0 && lastN < w.count ? lastN : 0;
  return cache.get(`recency:${key}:${lambda}:${effective}`, () => computeRecencyWeights(w, lambda, effective));
}
