/**
 * The whole null law of the best hits among ONE contest's tickets under a uniform draw:
 * P(best >= h) for h = 0..5. h = 2, 3, 4 come from the contest's best-of law (src/core/best-of.ts,
 * exact or sampled); h = 1 and h = 5 are counted here exactly (no ticket hits when the draw avoids
 * every number the tickets use; 5 hits when the draw is one of the 5-sets the tickets cover).
 * From it: the expected best and the 2.5% and 97.5% quantiles, the band luck gives that contest.
 */
import { BALL_MAX, BALLS_PER_DRAW } from '../draw.js';
import { choose } from '../finance/prices.js';

/** P(best >= h) for h = 2, 3, 4, as the contest's best-of law carries them. */
export interface BestOfTail {
  p2: number;
  p3: number;
  p4: number;
}

/** The tail of a contest's best hits: `at_least[h]` = P(best >= h), h = 0..5 (at_least[0] = 1). */
export type BestHitsTail = readonly [number, number, number, number, number, number];

/** Every 5-subset of a sorted ticket as one number (base 81), for counting covered draws. */
function fiveSets(ticket: readonly number[], out: Set<number>, from = 0, acc = 0, depth = 0): void {
  if (depth === BALLS_PER_DRAW) {
    out.add(acc);
    return;
  }
  for (let i = from; i <= ticket.length - (BALLS_PER_DRAW - depth); i++) fiveSets(ticket, out, i + 1, acc * (BALL_MAX + 1) + ticket[i]!, depth + 1);
}

/**
 * The tail of the best hits for one contest's tickets, given flat (k numbers per ticket, 1..80)
 * with the contest's best-of law for h = 2..4. Made monotone (a sampled p3 or p4 can never exceed
 * the exact p2).
 */
export function bestHitsTail(numbers: ArrayLike<number>, k: number, law: BestOfTail): BestHitsTail {
  const used = new Set<number>();
  const covered = new Set<number>();
  const tickets = Math.floor(numbers.length / k);
  for (let t = 0; t < tickets; t++) {
    const ticket: number[] = [];
    for (let i = 0; i < k; i++) ticket.push(numbers[t * k + i]!);
    ticket.sort((a, b) => a - b);
    for (const x of ticket) used.add(x);
    fiveSets(ticket, covered);
  }
  const total = choose(BALL_MAX, BALLS_PER_DRAW);
  const p1 = tickets === 0 ? 0 : 1 - choose(BALL_MAX - used.size, BALLS_PER_DRAW) / total;
  const p5 = covered.size / total;
  const p2 = Math.min(p1, law.p2);
  const p3 = Math.min(p2, law.p3);
  const p4 = Math.min(p3, law.p4);
  return [1, p1, p2, p3, p4, Math.min(p4, p5)];
}

/** The smallest h with P(best <= h) >= q. */
export function bestHitsQuantile(tail: BestHitsTail, q: number): number {
  for (let h = 0; h < BALLS_PER_DRAW; h++) if (1 - tail[h + 1]! >= q) return h;
  return BALLS_PER_DRAW;
}

/** E[best] = Σ_{h >= 1} P(best >= h). */
export function expectedBestHits(tail: BestHitsTail): number {
  return tail[1] + tail[2] + tail[3] + tail[4] + tail[5];
}
