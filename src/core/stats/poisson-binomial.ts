/**
 * The Poisson-binomial distribution: the number of successes among independent trials with their
 * own probabilities p_1..p_n. It is the law of a best-of-T count over a range of contests, where
 * each contest's probability depends on that contest's actual tickets (src/core/best-of.ts).
 *
 * The pmf is computed exactly by the O(n·m) convolution DP (m = the support kept), dropping
 * outcomes whose probability falls below 1e-300 (they cannot change a p-value), so a range of
 * 6,382 contests takes a few milliseconds. The two-sided test sums the outcomes no more likely
 * than the observed one, as the exact binomial test does (and equals it when every p_i is equal).
 */
import { LuckyError } from '../../errors.js';
import { normalTwoSided } from './normal.js';

const TINY = 1e-300;
/** relative tolerance when comparing probabilities of outcomes, as R's binom.test */
const REL_ERR = 1 + 1e-7;

/** P(X = x) for x = lo..lo+pmf.length-1 (the rest is below 1e-300). */
export interface PoissonBinomialPmf {
  lo: number;
  pmf: Float64Array;
}

/** The exact pmf of the number of successes among independent trials with probabilities `ps`. */
export function poissonBinomialPmf(ps: ArrayLike<number>): PoissonBinomialPmf {
  let cur = new Float64Array(ps.length + 1);
  let next = new Float64Array(ps.length + 1);
  cur[0] = 1;
  let lo = 0;
  let hi = 0; // support [lo, hi] inside cur (indexes are counts)
  for (let i = 0; i < ps.length; i++) {
    const p = ps[i]!;
    if (!(p >= 0 && p <= 1)) throw new LuckyError('E_INPUT_INVALID', 'poissonBinomialPmf: probabilities must be in [0, 1]', [`p[${i}]: ${p}`]);
    const q = 1 - p;
    next.fill(0, lo, hi + 2);
    for (let x = lo; x <= hi; x++) {
      const v = cur[x]!;
      next[x]! += v * q;
      next[x + 1]! += v * p;
    }
    hi++;
    while (lo < hi && next[lo]! < TINY) lo++;
    while (hi > lo && next[hi]! < TINY) hi--;
    [cur, next] = [next, cur];
  }
  return { lo, pmf: cur.slice(lo, hi + 1) };
}

/**
 * Two-sided exact test of `count` successes against the Poisson-binomial law of `ps`: the
 * probability of an outcome no more likely than the observed one.
 */
export function poissonBinomialTest(count: number, ps: ArrayLike<number>): number {
  if (!Number.isInteger(count) || count < 0 || count > ps.length) {
    throw new LuckyError('E_INPUT_INVALID', 'poissonBinomialTest: the count must be an integer in [0, trials]', [`count: ${count}`, `trials: ${ps.length}`]);
  }
  const { lo, pmf } = poissonBinomialPmf(ps);
  const at = count - lo;
  const d = (at >= 0 && at < pmf.length ? pmf[at]! : 0) * REL_ERR;
  let p = 0;
  for (let i = 0; i < pmf.length; i++) if (pmf[i]! <= d) p += pmf[i]!;
  return Math.min(1, p);
}

/**
 * Two-sided test of `count` against a Poisson-binomial law known only by its mean and variance,
 * plus `extraVariance` (the sampling variance of a Monte Carlo estimate of the mean): normal
 * approximation with continuity correction. Used where the per-contest probabilities were
 * estimated rather than counted.
 */
export function poissonBinomialNormalTest(count: number, mean: number, variance: number, extraVariance = 0): number {
  const sd = Math.sqrt(variance + extraVariance);
  if (!(sd > 0)) return count === mean ? 1 : 0;
  const diff = Math.max(0, Math.abs(count - mean) - 0.5);
  return Math.min(1, normalTwoSided(diff / sd));
}
