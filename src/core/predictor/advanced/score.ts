/**
 * The legacy card score, generalized to k numbers:
 *
 *   score = alpha · Σ_{a<b} (cond[a][b] + cond[b][a]) + beta · Σ_n freq[n]/Σfreq
 *         + gamma · Σ_i posProb[slot(i)][c_i] − cluster_penalty · Σ_decades max(0, count − 1)
 *
 * One deliberate change to the positional term: the legacy `posFreqSum[n]` summed n's counts over
 * all five positions, which is exactly freq[n]/(5N), so gamma was a second beta. Here a card
 * sorted as c_0 < ... < c_{k-1} scores how often each c_i fell at its own sorted position in the
 * draws (`slot(i)` maps card positions onto the 5 draw positions when k != 5), which is what
 * "positional" means and makes gamma a knob of its own.
 */
import { BALL_MAX, BALLS_PER_DRAW } from '../../draw.js';
import { STRIDE, type BaseStats, type PairStats } from '../window-stats.js';

export interface ScoreModel {
  k: number;
  /** alpha · sym, 81x81 */
  pair: Float64Array;
  /** beta · freq[n] / Σfreq */
  unary: Float64Array;
  /** posW[i * STRIDE + n] = gamma · P(draw position slot(i) holds n) */
  posW: Float64Array;
  clusterPenalty: number;
}

export interface ScoreWeights {
  alpha: number;
  beta: number;
  gamma: number;
  cluster_penalty: number;
}

/** Card position i of k -> draw position 0..4 (identity for 5-number cards). */
export function positionSlot(i: number, k: number): number {
  return k === BALLS_PER_DRAW ? i : Math.round((i * (BALLS_PER_DRAW - 1)) / (k - 1));
}

/** The score's tables for one recipe's weights over one window (the weights are folded in once). */
export function createScoreModel(k: number, base: BaseStats, pairs: PairStats, w: ScoreWeights): ScoreModel {
  const pair = new Float64Array(STRIDE * STRIDE);
  for (let i = 0; i < pair.length; i++) pair[i] = w.alpha * pairs.sym[i]!;
  let total = 0;
  for (let n = 1; n <= BALL_MAX; n++) total += base.freq[n]!;
  const unary = new Float64Array(STRIDE);
  if (total > 0) for (let n = 1; n <= BALL_MAX; n++) unary[n] = (w.beta * base.freq[n]!) / total;
  const posW = new Float64Array(k * STRIDE);
  if (base.count > 0) {
    for (let i = 0; i < k; i++) {
      const slot = positionSlot(i, k);
      for (let n = 1; n <= BALL_MAX; n++) posW[i * STRIDE + n] = (w.gamma * base.pos[slot * STRIDE + n]!) / base.count;
    }
  }
  return { k, pair, unary, posW, clusterPenalty: w.cluster_penalty };
}

/** DECADE_BIT[n] = 1 << ⌊n/10⌋, the legacy decade (so 80 is alone in decade 8). */
const DECADE_BIT = Int32Array.from({ length: STRIDE }, (_, n) => 1 << ((n / 10) | 0));
/** Number of set bits of a 9-bit decade mask. */
const POPCOUNT = Uint8Array.from({ length: 512 }, (_, x) => {
  let c = 0;
  for (let b = x; b !== 0; b &= b - 1) c++;
  return c;
});

/** Score of a sorted card of `m.k` numbers. */
export function scoreCard(m: ScoreModel, card: ArrayLike<number>): number {
  const k = m.k;
  const pair = m.pair;
  const unary = m.unary;
  const posW = m.posW;
  let s = 0;
  let decades = 0;
  for (let i = 0; i < k; i++) {
    const a = card[i]!;
    s += unary[a]! + posW[i * STRIDE + a]!;
    decades |= DECADE_BIT[a]!;
    const row = a * STRIDE;
    for (let j = i + 1; j < k; j++) s += pair[row + card[j]!]!;
  }
  return s - m.clusterPenalty * (k - POPCOUNT[decades]!);
}
