/**
 * The exact odds of Quina: the physical limit every strategy is measured against. If draws are
 * uniform, any ticket chosen without knowing the draw hits h of its k numbers with the
 * hypergeometric probability C(k,h)·C(80-k,5-h) / C(80,5), whatever strategy chose it.
 * Numerators are computed in BigInt and divided once, so the probabilities are the doubles
 * nearest the exact fractions.
 */
import { LuckyError } from '../errors.js';
import { BALL_MAX, BALLS_PER_DRAW } from './draw.js';
import { MAX_NUMBERS, MIN_NUMBERS } from './finance/prices.js';

/** C(80, 5): the number of possible draws. */
export const TOTAL_DRAWS = 24_040_016;

function chooseBig(n: number, k: number): bigint {
  if (k < 0 || k > n) return 0n;
  let r = 1n;
  for (let i = 1; i <= k; i++) r = (r * BigInt(n - k + i)) / BigInt(i);
  return r;
}

function checkK(k: number): void {
  if (!Number.isInteger(k) || k < MIN_NUMBERS || k > MAX_NUMBERS) {
    throw new LuckyError('E_INPUT_INVALID', `a ticket has ${MIN_NUMBERS}..${MAX_NUMBERS} numbers`, [`numbers_per_ticket: ${k}`]);
  }
}

function checkH(h: number): void {
  if (!Number.isInteger(h) || h < 0 || h > BALLS_PER_DRAW) throw new LuckyError('E_INPUT_INVALID', 'hits are 0..5', [`hits: ${h}`]);
}

/**
 * Exact numerators C(k,h)·C(80-k,5-h) for h = 0..5, over {@link TOTAL_DRAWS}.
 * k = 5: [17259390, 6077250, 675250, 27750, 375, 1].
 */
export function hitNumerators(k: number): bigint[] {
  checkK(k);
  return Array.from({ length: BALLS_PER_DRAW + 1 }, (_, h) => chooseBig(k, h) * chooseBig(BALL_MAX - k, BALLS_PER_DRAW - h));
}

/** P(h hits), h = 0..5, for a k-number ticket (k = 5..15). They sum to 1. */
export function hitProbabilities(k: number): number[] {
  return hitNumerators(k).map((num) => Number(num) / TOTAL_DRAWS);
}

/** P(exactly h hits) for a k-number ticket. */
export function probExactly(k: number, h: number): number {
  checkH(h);
  return hitProbabilities(k)[h]!;
}

/** P(at least h hits) for a k-number ticket, summed exactly before dividing. */
export function probAtLeast(k: number, h: number): number {
  checkH(h);
  const nums = hitNumerators(k);
  let s = 0n;
  for (let i = h; i <= BALLS_PER_DRAW; i++) s += nums[i]!;
  return Number(s) / TOTAL_DRAWS;
}

/** Expected hits per ticket, 5k/80 (0.3125 for 5 numbers). */
export function expectedHits(k: number): number {
  checkK(k);
  return (BALLS_PER_DRAW * k) / BALL_MAX;
}

/**
 * Variance of the hits of one ticket: the hypergeometric n·(K/N)·(1-K/N)·(N-n)/(N-1) with
 * N = 80 balls, K = k marked, n = 5 drawn (0.27813 for 5 numbers, sd 0.5274).
 */
export function hitsVariance(k: number): number {
  checkK(k);
  const pk = k / BALL_MAX;
  return (BALLS_PER_DRAW * pk * (1 - pk) * (BALL_MAX - BALLS_PER_DRAW)) / (BALL_MAX - 1);
}

/** Standard deviation of the hits of one ticket. */
export function hitsSd(k: number): number {
  return Math.sqrt(hitsVariance(k));
}

/** Expected number of tickets with 0..5 hits among `tickets` k-number tickets. */
export function expectedHitCounts(k: number, tickets: number): number[] {
  return hitProbabilities(k).map((p) => p * tickets);
}

/**
 * 1 - (1 - P(>= h))^t: P(the best of t tickets reaches h hits) only for tickets that share no
 * numbers (and, approximately, for independently drawn ones). A strategy's tickets in one contest
 * share the draw and often share numbers, so this is NOT their baseline: reports use the law of a
 * uniform draw for the actual tickets (src/core/best-of.ts) and fall back to this only where the
 * tickets are unknown, saying so.
 */
export function probBestAtLeast(k: number, h: number, ticketsPerContest: number): number {
  if (!Number.isInteger(ticketsPerContest) || ticketsPerContest < 1) {
    throw new LuckyError('E_INPUT_INVALID', 'tickets per contest must be a positive integer', [`tickets_per_contest: ${ticketsPerContest}`]);
  }
  // -expm1(t·log1p(-p)) keeps precision when p·t is tiny (1 - (1-p)^t would cancel).
  return -Math.expm1(ticketsPerContest * Math.log1p(-probAtLeast(k, h)));
}

/** "1 in N" for a probability (Infinity for 0). */
export function oneIn(p: number): number {
  return p > 0 ? 1 / p : Number.POSITIVE_INFINITY;
}
