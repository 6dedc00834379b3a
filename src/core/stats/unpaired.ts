/**
 * The unpaired counterpart of the paired permutation test, for runs that share no contest: under
 * the null both runs' per-contest figures come from one distribution, so the labels are shuffled
 * `iterations` times and the p-value is the share of shuffles whose |mean difference| reaches the
 * observed one, counted as (as_extreme + 1) / (iterations + 1). Pairing is always preferred: it
 * removes the draw-to-draw noise both runs share, which this test cannot.
 */
import { LuckyError } from '../../errors.js';
import { createRng } from '../rng.js';
import { type PermutationOptions, type PermutationResult, checkStop } from './paired.js';

/** Two-sided permutation test of mean(a) - mean(b); deterministic per seed. */
export function unpairedPermutationTest(a: readonly number[], b: readonly number[], opts: PermutationOptions = {}): PermutationResult {
  const iterations = opts.iterations ?? 10_000;
  if (!Number.isSafeInteger(iterations) || iterations < 1) {
    throw new LuckyError('E_INPUT_INVALID', 'unpairedPermutationTest: iterations must be a positive integer', [`iterations: ${iterations}`]);
  }
  const pooled = [...a, ...b];
  pooled.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new LuckyError('E_INPUT_INVALID', 'unpairedPermutationTest: values must be finite numbers', [`values[${i}]: ${v}`]);
  });
  if (a.length === 0 || b.length === 0) return { mean_diff: 0, iterations, as_extreme: iterations, p_value: 1 };
  const total = pooled.reduce((s, v) => s + v, 0);
  const sumA = a.reduce((s, v) => s + v, 0);
  const diffOf = (sa: number) => sa / a.length - (total - sa) / b.length;
  const observed = diffOf(sumA);
  const tol = (pooled.reduce((s, v) => s + Math.abs(v), 0) / Math.min(a.length, b.length)) * 1e-12;
  const rng = createRng(opts.seed ?? 0, 0);
  let asExtreme = 0;
  for (let it = 0; it < iterations; it++) {
    checkStop(it, opts);
    // A partial Fisher-Yates: only the first |a| positions need to be drawn.
    let sa = 0;
    for (let i = 0; i < a.length; i++) {
      const j = i + rng.int(pooled.length - i);
      const tmp = pooled[i]!;
      pooled[i] = pooled[j]!;
      pooled[j] = tmp;
      sa += pooled[i]!;
    }
    if (Math.abs(diffOf(sa)) >= Math.abs(observed) - tol) asExtreme++;
  }
  return { mean_diff: observed, iterations, as_extreme: asExtreme, p_value: (asExtreme + 1) / (iterations + 1) };
}
