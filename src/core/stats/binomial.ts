/**
 * The binomial distribution and the exact binomial test: the p-value behind every "x of n tickets
 * hit 2+, expected p" figure. The probability mass uses Loader's saddle-point form (the one R's
 * dbinom uses), which keeps ~1e-14 relative precision for n up to 10^9 where a difference of
 * log-gammas would lose six digits. Tails are summed outward from the point, where the terms
 * decrease monotonically, so the test is exact (no normal approximation) for every n: the cost
 * grows with the standard deviation sqrt(n·p·(1-p)), about 10^4 terms for n = 10^6, p = 1/2.
 */
import { LuckyError } from '../../errors.js';
import { logGamma } from './gamma.js';

const LN_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** Stirling's error ln(n!) - [(n + 1/2)·ln(n) - n + ln√(2π)] (Loader 2000). */
function stirlerr(n: number): number {
  // Below 16 the series is not accurate enough; the direct difference is (values are small).
  if (n <= 15) return logGamma(n + 1) - (n + 0.5) * Math.log(n) + n - LN_SQRT_2PI;
  const s0 = 1 / 12;
  const s1 = 1 / 360;
  const s2 = 1 / 1260;
  const s3 = 1 / 1680;
  const s4 = 1 / 1188;
  const nn = n * n;
  if (n > 500) return (s0 - s1 / nn) / n;
  if (n > 80) return (s0 - (s1 - s2 / nn) / nn) / n;
  if (n > 35) return (s0 - (s1 - (s2 - s3 / nn) / nn) / nn) / n;
  return (s0 - (s1 - (s2 - (s3 - s4 / nn) / nn) / nn) / nn) / n;
}

/** Deviance term x·ln(x/np) + np - x, computed without cancellation when x ≈ np (Loader 2000). */
function bd0(x: number, np: number): number {
  if (Math.abs(x - np) < 0.1 * (x + np)) {
    let v = (x - np) / (x + np);
    let s = (x - np) * v;
    let ej = 2 * x * v;
    v = v * v;
    for (let j = 1; j < 1000; j++) {
      ej *= v;
      const s1 = s + ej / (2 * j + 1);
      if (s1 === s) return s1;
      s = s1;
    }
    return s;
  }
  return x * Math.log(x / np) + np - x;
}

function checkArgs(x: number, n: number, p: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new LuckyError('E_INPUT_INVALID', `${what}: trials must be a non-negative integer`, [`trials: ${n}`]);
  if (!Number.isFinite(x)) throw new LuckyError('E_INPUT_INVALID', `${what}: successes must be a finite number`, [`successes: ${x}`]);
  if (!(p >= 0 && p <= 1)) throw new LuckyError('E_INPUT_INVALID', `${what}: probability must be in [0, 1]`, [`p: ${p}`]);
}

function pmf(x: number, n: number, p: number): number {
  if (x < 0 || x > n) return 0;
  if (p === 0) return x === 0 ? 1 : 0;
  if (p === 1) return x === n ? 1 : 0;
  const q = 1 - p;
  if (x === 0) return Math.exp(n * Math.log1p(-p));
  if (x === n) return Math.exp(n * Math.log(p));
  const lc = stirlerr(n) - stirlerr(x) - stirlerr(n - x) - bd0(x, n * p) - bd0(n - x, n * q);
  return Math.exp(lc) * Math.sqrt(n / (2 * Math.PI * x * (n - x)));
}

/** P(X = x) for X ~ Binomial(n, p); 0 for non-integer or out-of-range x. */
export function binomialPmf(x: number, n: number, p: number): number {
  checkArgs(x, n, p, 'binomialPmf');
  return Number.isInteger(x) ? pmf(x, n, p) : 0;
}

function mode(n: number, p: number): number {
  return Math.min(n, Math.floor((n + 1) * p));
}

/** Sum of pmf(i) for i = from, from+step, ... while terms matter; terms must decrease in that direction. */
function sumOutward(from: number, step: 1 | -1, n: number, p: number): number {
  let term = pmf(from, n, p);
  if (term === 0) return 0;
  let sum = term;
  const odds = p / (1 - p);
  // pmf(i+1)/pmf(i) = (n-i)/(i+1) · p/q, and its inverse going down.
  for (let i = from; ; i += step) {
    const next = i + step;
    if (next < 0 || next > n) break;
    term *= step === 1 ? ((n - i) / (i + 1)) * odds : i / (n - i + 1) / odds;
    sum += term;
    if (term <= sum * 1e-17) break;
  }
  return sum;
}

/** P(X <= x) for X ~ Binomial(n, p), with full relative precision in the lower tail. */
export function binomialCdf(x: number, n: number, p: number): number {
  checkArgs(x, n, p, 'binomialCdf');
  const k = Math.floor(x);
  if (k < 0) return 0;
  if (k >= n) return 1;
  if (p === 0) return 1;
  if (p === 1) return 0;
  if (k <= mode(n, p)) return Math.min(1, sumOutward(k, -1, n, p));
  return Math.max(0, 1 - sumOutward(k + 1, 1, n, p));
}

/** P(X >= x) for X ~ Binomial(n, p) (note: >=, so a one-sided "greater" p-value is binomialSurvival(x)). */
export function binomialSurvival(x: number, n: number, p: number): number {
  checkArgs(x, n, p, 'binomialSurvival');
  const k = Math.ceil(x);
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p === 0) return 0;
  if (p === 1) return 1;
  if (k >= mode(n, p)) return Math.min(1, sumOutward(k, 1, n, p));
  return Math.max(0, 1 - sumOutward(k - 1, -1, n, p));
}

export type Alternative = 'two-sided' | 'greater' | 'less';

/** Relative tolerance R's binom.test uses to count outcomes "as likely as" the observed one. */
const REL_ERR = 1 + 1e-7;

/**
 * Exact binomial test of `successes` in `trials` against probability `p`. Two-sided uses the
 * method of small p-values (R's binom.test): the sum of the probabilities of every outcome no more
 * likely than the observed one, with relative tolerance 1e-7. "greater" is P(X >= x), "less" is
 * P(X <= x). Exact for every n (see the module comment); binomialTest(682, 6865, 0.1, 'two-sided')
 * ≈ 0.8722.
 */
export function binomialTest(successes: number, trials: number, p: number, alternative: Alternative = 'two-sided'): number {
  checkArgs(successes, trials, p, 'binomialTest');
  if (!Number.isInteger(successes) || successes < 0 || successes > trials) {
    throw new LuckyError('E_INPUT_INVALID', 'binomialTest: successes must be an integer in [0, trials]', [`successes: ${successes}`, `trials: ${trials}`]);
  }
  const x = successes;
  const n = trials;
  if (n === 0) return 1;
  if (alternative === 'greater') return binomialSurvival(x, n, p);
  if (alternative === 'less') return binomialCdf(x, n, p);
  if (p === 0) return x === 0 ? 1 : 0;
  if (p === 1) return x === n ? 1 : 0;
  const m = n * p;
  if (x === m) return 1;
  const d = pmf(x, n, p) * REL_ERR;
  if (x < m) {
    // y = number of outcomes in [ceil(m), n] with pmf <= d: a contiguous upper tail (unimodal pmf).
    const lo = Math.ceil(m);
    const first = firstInUpperTail(lo, n, p, d);
    const y = n - first + 1;
    return Math.min(1, binomialCdf(x, n, p) + (y > 0 ? binomialSurvival(n - y + 1, n, p) : 0));
  }
  // y = number of outcomes in [0, floor(m)] with pmf <= d: a contiguous lower tail.
  const hi = Math.floor(m);
  const last = lastInLowerTail(0, hi, n, p, d);
  const y = last + 1;
  return Math.min(1, (y > 0 ? binomialCdf(y - 1, n, p) : 0) + binomialSurvival(x, n, p));
}

/** Smallest i in [lo, n] with pmf(i) <= d, or n + 1 if none (pmf decreases on [lo, n] when lo >= mode). */
function firstInUpperTail(lo: number, n: number, p: number, d: number): number {
  let a = lo;
  let b = n + 1;
  // Between the mean and the mode the pmf may still rise by one step: check lo itself linearly.
  while (a < b && a <= mode(n, p)) {
    if (pmf(a, n, p) <= d) return a;
    a++;
  }
  while (a < b) {
    const mid = Math.floor((a + b) / 2);
    if (pmf(mid, n, p) <= d) b = mid;
    else a = mid + 1;
  }
  return a;
}

/** Largest i in [lo, hi] with pmf(i) <= d, or lo - 1 if none (pmf increases on [lo, hi] when hi <= mode). */
function lastInLowerTail(lo: number, hi: number, n: number, p: number, d: number): number {
  let a = lo - 1;
  let b = hi;
  while (b > a && b >= mode(n, p)) {
    if (pmf(b, n, p) <= d) return b;
    b--;
  }
  while (a < b) {
    const mid = Math.ceil((a + b) / 2);
    if (pmf(mid, n, p) <= d) a = mid;
    else b = mid - 1;
  }
  return a;
}

/** The smallest x with P(X <= x) >= q for X ~ Binomial(n, p): the q-quantile (a binary search over {@link binomialCdf}). */
export function binomialQuantile(q: number, n: number, p: number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`binomialQuantile: q must be in [0, 1], got ${q}`);
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (binomialCdf(mid, n, p) >= q) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
