/**
 * Steps 4-5 of the legacy generator: greedy candidate construction from pair conditionals, then
 * hill-climbing. Cards are sorted number arrays of length k.
 */
import { BALL_MAX } from '../../draw.js';
import type { Rng } from '../../rng.js';
import { sortCard } from '../ticket-set.js';
import { STRIDE } from '../window-stats.js';
import type { Roulette } from './number-weights.js';
import { type ScoreModel, scoreCard } from './score.js';

/** Legacy: each greedy choice is replaced by a roulette pick with this probability. */
export const EXPLORE_PROBABILITY = 0.2;

/**
 * Scratch space reused across candidates (one per predictTickets call, never shared between
 * calls, so the function stays pure).
 */
export interface SearchScratch {
  prod: Float64Array;
  inCard: Uint8Array;
  next: number[];
  /** numbers of the card per decade 0..8 */
  decades: Int32Array;
}

export function createSearchScratch(k: number): SearchScratch {
  return { prod: new Float64Array(STRIDE), inCard: new Uint8Array(STRIDE), next: Array.from({ length: k }, () => 0), decades: new Int32Array(9) };
}

/**
 * One candidate: a roulette seed, then repeatedly the number n not yet on the card maximizing
 * `Π_{s∈card} cond[s][n] · (freq[n]+1)/(5N)` (ties: lowest n), replaced with probability 0.2 by a
 * roulette pick (kept only if new). The product is kept per number and updated as numbers join.
 */
export function buildCandidate(k: number, cond: Float64Array, freqFactor: Float64Array, roulette: Roulette, rng: Rng, scratch: SearchScratch): number[] {
  const { prod, inCard } = scratch;
  inCard.fill(0);
  prod.set(freqFactor);
  const card: number[] = [];
  let n = roulette.pick(rng);
  for (;;) {
    card.push(n);
    inCard[n] = 1;
    if (card.length === k) break;
    // fold n's conditionals into the running products and find the best newcomer in one pass
    const row = n * STRIDE;
    let best = -1;
    let bestValue = -Infinity;
    for (let x = 1; x <= BALL_MAX; x++) {
      const v = (prod[x]! *= cond[row + x]!);
      if (inCard[x] === 0 && v > bestValue) {
        bestValue = v;
        best = x;
      }
    }
    n = best;
    // the legacy exploration step: with probability 0.2 a roulette pick replaces the best; a pick
    // already on the card adds nothing and the legacy loop tried again (same best, new coin)
    while (rng.next() < EXPLORE_PROBABILITY) {
      const pick = roulette.pick(rng);
      if (inCard[pick] === 0) {
        n = pick;
        break;
      }
    }
  }
  return sortCard(card);
}

/**
 * `iterations` hill-climb steps on a sorted card: replace the number at a random position by a
 * roulette pick (skipped if already on the card) and keep the move only if the score is strictly
 * better; otherwise the card is left exactly as it was (the legacy tool restored by index after
 * re-sorting and could keep a different, worse card). `card` (the caller's own array) is updated
 * in place; the return value is its score.
 *
 * Each move is scored by its difference (the pairs with the swapped number, its marginal weight,
 * the positional terms of the re-sorted card and the change in distinct decades), which is what
 * a full rescoring would compare, at a fraction of the cost for large cards.
 */
export function hillClimb(m: ScoreModel, card: number[], score: number, iterations: number, roulette: Roulette, rng: Rng, scratch: SearchScratch): number {
  if (iterations <= 0) return score;
  const k = card.length;
  const { next, inCard, decades } = scratch;
  const { pair, unary, posW } = m;
  inCard.fill(0);
  decades.fill(0);
  let positional = 0;
  let distinct = 0;
  for (let i = 0; i < k; i++) {
    const n = card[i]!;
    inCard[n] = 1;
    if (decades[DECADE[n]!]!++ === 0) distinct++;
    positional += posW[i * STRIDE + n]!;
  }
  let improved = false;
  for (let it = 0; it < iterations; it++) {
    const pos = rng.int(k);
    const y = roulette.pick(rng);
    if (inCard[y] === 1) continue;
    const x = card[pos]!;
    const rowX = x * STRIDE;
    const rowY = y * STRIDE;
    let delta = unary[y]! - unary[x]!;
    // next = card without x, with y inserted in order; pair terms change only for x and y
    let w = 0;
    let placed = false;
    for (let i = 0; i < k; i++) {
      if (i === pos) continue;
      const v = card[i]!;
      delta += pair[rowY + v]! - pair[rowX + v]!;
      if (!placed && y < v) {
        next[w++] = y;
        placed = true;
      }
      next[w++] = v;
    }
    if (!placed) next[w++] = y;
    let nextPositional = 0;
    for (let i = 0; i < k; i++) nextPositional += posW[i * STRIDE + next[i]!]!;
    delta += nextPositional - positional;
    const dx = DECADE[x]!;
    const dy = DECADE[y]!;
    const nextDistinct = distinct - (decades[dx] === 1 ? 1 : 0) + (decades[dy]! - (dx === dy ? 1 : 0) === 0 ? 1 : 0);
    delta += m.clusterPenalty * (nextDistinct - distinct);
    if (delta > MIN_GAIN) {
      for (let i = 0; i < k; i++) card[i] = next[i]!;
      inCard[x] = 0;
      inCard[y] = 1;
      decades[dx]!--;
      decades[dy]!++;
      distinct = nextDistinct;
      positional = nextPositional;
      improved = true;
    }
  }
  // report the exact score of the final card (no drift from summed differences)
  return improved ? scoreCard(m, card) : score;
}

/**
 * A move must gain more than rounding noise: summing the positional terms in another order can
 * leave ±1e-17 where the true difference is 0 (common between numbers never drawn).
 */
const MIN_GAIN = 1e-12;

/** Legacy decade of each number: ⌊n/10⌋ (80 is alone in decade 8). */
const DECADE = Uint8Array.from({ length: STRIDE }, (_, n) => (n / 10) | 0);
