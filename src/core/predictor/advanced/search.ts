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
}

export function createSearchScratch(k: number): SearchScratch {
  return { prod: new Float64Array(STRIDE), inCard: new Uint8Array(STRIDE), next: new Array<number>(k).fill(0) };
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
 * re-sorting and could keep a different, worse card). Returns the final score; `card` is updated
 * in place (it is the caller's own array).
 */
export function hillClimb(m: ScoreModel, card: number[], score: number, iterations: number, roulette: Roulette, rng: Rng, scratch: SearchScratch): number {
  const k = card.length;
  const next = scratch.next;
  for (let it = 0; it < iterations; it++) {
    const pos = rng.int(k);
    const y = roulette.pick(rng);
    if (card.includes(y)) continue;
    // next = card without card[pos], with y inserted in order
    let w = 0;
    let placed = false;
    for (let i = 0; i < k; i++) {
      if (i === pos) continue;
      const v = card[i]!;
      if (!placed && y < v) {
        next[w++] = y;
        placed = true;
      }
      next[w++] = v;
    }
    if (!placed) next[w++] = y;
    const candidate = scoreCard(m, next);
    if (candidate > score) {
      for (let i = 0; i < k; i++) card[i] = next[i]!;
      score = candidate;
    }
  }
  return score;
}
