/**
 * Paired tests for "is recipe A better than recipe B on the same contests?". Pairing by contest
 * removes the draw-to-draw noise both recipes share, so these are the tests compare uses; both
 * take the per-contest differences A - B.
 */
import { LuckyError } from '../../errors.js';
import { createRng } from '../rng.js';
import { binomialTest } from './binomial.js';

export interface SignTestResult {
  positive: number;
  negative: number;
  /** ties, left out of the test */
  zero: number;
  p_value: number;
}

function checkDiffs(diffs: ArrayLike<number>, what: string): void {
  for (let i = 0; i < diffs.length; i++) {
    const d = diffs[i]!;
    if (!Number.isFinite(d)) throw new LuckyError('E_INPUT_INVALID', `${what}: differences must be finite numbers`, [`diffs[${i}]: ${d}`]);
  }
}

/**
 * Two-sided sign test: the exact binomial test (p = 1/2) of the count of positive differences
 * among the non-zero ones. Ignores magnitudes, so one lucky quadra cannot carry it.
 */
export function signTest(diffs: ArrayLike<number>): SignTestResult {
  checkDiffs(diffs, 'signTest');
  let positive = 0;
  let negative = 0;
  for (let i = 0; i < diffs.length; i++) {
    const d = diffs[i]!;
    if (d > 0) positive++;
    else if (d < 0) negative++;
  }
  const n = positive + negative;
  return { positive, negative, zero: diffs.length - n, p_value: n === 0 ? 1 : binomialTest(positive, n, 0.5) };
}

export interface PermutationOptions {
  /** random sign flips to draw, default 10,000 */
  iterations?: number;
  /** seed of the flips (stream 0 of createRng), default 0 */
  seed?: number;
  /**
   * Asked every 256 draws; when it answers true the test throws E_INTERRUPTED. How a pool thread
   * stops a test its caller no longer wants without being terminated (see engine/compare.ts).
   */
  shouldStop?: () => boolean;
}

/** Throws E_INTERRUPTED when `opts.shouldStop` says so (asked every 256 draws). */
export function checkStop(it: number, opts: PermutationOptions): void {
  if ((it & 255) === 0 && opts.shouldStop?.() === true) throw new LuckyError('E_INTERRUPTED', 'permutation test stopped: its caller went away');
}

export interface PermutationResult {
  /** observed mean difference */
  mean_diff: number;
  iterations: number;
  /** flips whose |sum| reached the observed |sum| */
  as_extreme: number;
  p_value: number;
}

/**
 * Two-sided paired permutation test: under the null each contest's difference is as likely to
 * have either sign, so the signs are flipped at random `iterations` times and the p-value is the
 * share of flipped sums at least as far from 0 as the observed one, counted as
 * (as_extreme + 1) / (iterations + 1) so the observed labelling itself is one of the
 * permutations (never p = 0). Deterministic per seed.
 */
export function pairedPermutationTest(diffs: ArrayLike<number>, opts: PermutationOptions = {}): PermutationResult {
  checkDiffs(diffs, 'pairedPermutationTest');
  const iterations = opts.iterations ?? 10_000;
  if (!Number.isSafeInteger(iterations) || iterations < 1) {
    throw new LuckyError('E_INPUT_INVALID', 'pairedPermutationTest: iterations must be a positive integer', [`iterations: ${iterations}`]);
  }
  const n = diffs.length;
  if (n === 0) return { mean_diff: 0, iterations, as_extreme: iterations, p_value: 1 };
  let observed = 0;
  let scale = 0;
  for (let i = 0; i < n; i++) {
    observed += diffs[i]!;
    scale += Math.abs(diffs[i]!);
  }
  const target = Math.abs(observed);
  // Sums of the same numbers in another order can differ in the last bits: treat those as ties.
  const tol = scale * 1e-12;
  const rng = createRng(opts.seed ?? 0, 0);
  let asExtreme = 0;
  for (let it = 0; it < iterations; it++) {
    checkStop(it, opts);
    let sum = 0;
    let bits = 0;
    for (let i = 0; i < n; i++) {
      // One 32-bit draw gives the signs of 32 contests.
      if ((i & 31) === 0) bits = rng.nextU32();
      // bit 1 adds the difference, bit 0 subtracts it (x * ±1 is exact: the same sums as a branch)
      sum += (((bits >>> (i & 31)) & 1) * 2 - 1) * diffs[i]!;
    }
    if (Math.abs(sum) >= target - tol) asExtreme++;
  }
  return { mean_diff: observed / n, iterations, as_extreme: asExtreme, p_value: (asExtreme + 1) / (iterations + 1) };
}

/**
 * The cost of a permutation test in sign flips (paired: contests x iterations) or, for the
 * unpaired test, draws weighted by what they cost against a flip (about 12x): what
 * `compare` caps per request.
 */
export function permutationWork(test: { paired: true; n: number } | { paired: false; nA: number }, iterations: number): number {
  return test.paired ? test.n * iterations : 12 * test.nA * iterations;
}
