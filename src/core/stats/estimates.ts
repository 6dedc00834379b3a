/**
 * Confidence intervals, the z-test on a mean and the minimum detectable effect: what a figure is,
 * how sure we are of it, and how large a difference the sample could have revealed at all.
 */
import { LuckyError } from '../../errors.js';
import { normalQuantile, normalTwoSided } from './normal.js';

function zFor(confidence: number): number {
  if (!(confidence > 0 && confidence < 1)) throw new LuckyError('E_INPUT_INVALID', 'confidence must be in (0, 1)', [`confidence: ${confidence}`]);
  return normalQuantile(1 - (1 - confidence) / 2);
}

/**
 * Wilson score interval for a proportion: unlike the textbook p ± z·se it stays inside [0, 1] and
 * is honest at 0 successes (0 of 6,865 gives [0, 5.6e-4], not [0, 0]). n = 0 gives [0, 1].
 */
export function wilsonInterval(successes: number, trials: number, confidence = 0.95): [number, number] {
  if (!(trials >= 0) || !(successes >= 0 && successes <= trials)) {
    throw new LuckyError('E_INPUT_INVALID', 'wilsonInterval: need 0 <= successes <= trials', [`successes: ${successes}`, `trials: ${trials}`]);
  }
  if (trials === 0) return [0, 1];
  const z = zFor(confidence);
  const z2 = z * z;
  const phat = successes / trials;
  const denom = 1 + z2 / trials;
  const center = (phat + z2 / (2 * trials)) / denom;
  const half = (z / denom) * Math.sqrt((phat * (1 - phat)) / trials + z2 / (4 * trials * trials));
  // Clamp the rounding dust at the ends (successes = 0 or = trials give exactly 0 or 1).
  return [successes === 0 ? 0 : Math.max(0, center - half), successes === trials ? 1 : Math.min(1, center + half)];
}

/** Standard error of a mean: sd / √n. */
export function standardError(sd: number, n: number): number {
  return n > 0 ? sd / Math.sqrt(n) : Number.NaN;
}

/** Normal interval mean ± z·sd/√n (z = 1.96 for 95%). */
export function meanInterval(mean: number, sd: number, n: number, confidence = 0.95): [number, number] {
  const half = zFor(confidence) * standardError(sd, n);
  return [mean - half, mean + half];
}

export interface ZTestResult {
  z: number;
  p_value: number;
}

/**
 * Two-sided z-test of an observed mean against a known expectation, with the null's standard
 * deviation `sd` (for hits per ticket, the exact hypergeometric sd: 0.5274 for 5 numbers).
 */
export function zTestMean(observedMean: number, expectedMean: number, sd: number, n: number): ZTestResult {
  if (!(sd > 0) || !(n > 0)) throw new LuckyError('E_INPUT_INVALID', 'zTestMean: need sd > 0 and n > 0', [`sd: ${sd}`, `n: ${n}`]);
  const z = (observedMean - expectedMean) / standardError(sd, n);
  return { z, p_value: normalTwoSided(z) };
}

export interface PowerOptions {
  /** two-sided significance level, default 0.05 */
  alpha?: number;
  /** probability of detecting a true effect of the returned size, default 0.8 */
  power?: number;
}

export interface DetectableLift {
  /** smallest relative lift (0.2 = +20%) detectable, or Infinity */
  lift: number;
  /** false when even a 100% lift (doubling) could not be detected */
  detectable: boolean;
}

function zSum(opts: PowerOptions): number {
  const alpha = opts.alpha ?? 0.05;
  const power = opts.power ?? 0.8;
  if (!(alpha > 0 && alpha < 1) || !(power > 0 && power < 1)) {
    throw new LuckyError('E_INPUT_INVALID', 'need 0 < alpha < 1 and 0 < power < 1', [`alpha: ${alpha}`, `power: ${power}`]);
  }
  return normalQuantile(1 - alpha / 2) + normalQuantile(power);
}

function asLift(lift: number): DetectableLift {
  return lift <= 1 ? { lift, detectable: true } : { lift: Number.POSITIVE_INFINITY, detectable: false };
}

/**
 * Minimum detectable effect of a two-sided test on `n` trials of a proportion `p0`, as a relative
 * lift over p0, by the usual normal approximation with the null's variance on both sides:
 *
 *   lift = (z[1-alpha/2] + z[power]) · √(p0·(1-p0)/n) / p0
 *
 * symmetric (a drop of the same size is equally detectable). When the lift exceeds 100% the
 * answer is Infinity with `detectable: false`: the sample cannot tell even a doubling from chance.
 * Example (FACTS.md): 2 hits exactly, p0 = 0.028089, n = 6,865 contests x 1 ticket: the standard
 * error is 7.1% of p0, so a lift must exceed 1.96 x 7.1% = 13.9% to be significant at all
 * (power 0.5) and 2.80 x 7.1% = 19.9% to be caught 80% of the time; the 4-hit rate
 * (p0 = 1.56e-5) gives Infinity.
 */
export function minDetectableLift(p0: number, n: number, opts: PowerOptions = {}): DetectableLift {
  if (!(p0 > 0 && p0 < 1) || !(n >= 0)) throw new LuckyError('E_INPUT_INVALID', 'minDetectableLift: need 0 < p0 < 1 and n >= 0', [`p0: ${p0}`, `n: ${n}`]);
  if (n === 0) return asLift(Number.POSITIVE_INFINITY);
  return asLift((zSum(opts) * Math.sqrt((p0 * (1 - p0)) / n)) / p0);
}

/** The same for a mean with known null sd: lift = (z[1-alpha/2] + z[power]) · sd / √n / mean0. */
export function minDetectableLiftMean(mean0: number, sd: number, n: number, opts: PowerOptions = {}): DetectableLift {
  if (!(mean0 > 0) || !(sd >= 0) || !(n >= 0))
    throw new LuckyError('E_INPUT_INVALID', 'minDetectableLiftMean: need mean0 > 0, sd >= 0, n >= 0', [`mean0: ${mean0}`, `sd: ${sd}`, `n: ${n}`]);
  if (n === 0) return asLift(Number.POSITIVE_INFINITY);
  return asLift((zSum(opts) * standardError(sd, n)) / mean0);
}

/**
 * Trials needed for a two-sided test to detect a relative `lift` over p0 (same approximation as
 * {@link minDetectableLift}, solved for n): n = ((z[1-alpha/2] + z[power]) / lift)² · (1-p0)/p0.
 */
export function trialsToDetect(p0: number, lift: number, opts: PowerOptions = {}): number {
  if (!(p0 > 0 && p0 < 1) || !(lift > 0))
    throw new LuckyError('E_INPUT_INVALID', 'trialsToDetect: need 0 < p0 < 1 and lift > 0', [`p0: ${p0}`, `lift: ${lift}`]);
  const k = zSum(opts) / lift;
  return Math.ceil((k * k * (1 - p0)) / p0);
}

/** Trials needed to detect a relative `lift` of a mean with null sd: n = ((z[1-alpha/2] + z[power]) · sd / (lift · mean0))². */
export function trialsToDetectMean(mean0: number, sd: number, lift: number, opts: PowerOptions = {}): number {
  if (!(mean0 > 0) || !(sd >= 0) || !(lift > 0))
    throw new LuckyError('E_INPUT_INVALID', 'trialsToDetectMean: need mean0 > 0, sd >= 0, lift > 0', [`mean0: ${mean0}`, `sd: ${sd}`, `lift: ${lift}`]);
  const k = (zSum(opts) * sd) / (lift * mean0);
  return Math.ceil(k * k);
}
