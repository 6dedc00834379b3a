/** Frequency and uniformity statistics over a set of draws. Pure. */
import { BALL_MAX, BALLS_PER_DRAW, type Balls } from './draw.js';
import { chiSquarePValue, chiSquareTest, type ChiSquareResult } from './stats.js';

export interface DrawStats {
  frequency: Array<{ number: number; count: number }>;
  expected_per_number: number;
  /** Pearson's statistic scaled by {@link WITHOUT_REPLACEMENT_SCALE}, its df and p-value */
  chi_square: ChiSquareResult & { pearson_statistic: number; scale: number };
  verdict: string;
}

/**
 * 79/75: the factor that turns Pearson's statistic over per-number counts into a chi-square with
 * 79 df when each draw takes 5 of 80 numbers WITHOUT replacement. Per draw, the indicators of the
 * numbers have the hypergeometric covariance (5/80)(75/80)·(δ_ij - 1/80)·80/79, which is 75/79 of
 * the covariance of 5 multinomial (with-replacement) picks, 5·(1/80)·(δ_ij - 1/80); so Pearson's
 * statistic has mean 75 instead of 79 and must be multiplied by (N-1)/(N-n) = 79/75.
 */
export const WITHOUT_REPLACEMENT_SCALE = (BALL_MAX - 1) / (BALL_MAX - BALLS_PER_DRAW);

/**
 * Per-number counts against the exact expectation: with n uniform draws each number is
 * expected n·5/80 times. The chi-square test has 79 degrees of freedom, with the statistic
 * scaled by {@link WITHOUT_REPLACEMENT_SCALE} because the 5 numbers of a draw are distinct.
 */
export function computeDrawStats(draws: readonly Balls[]): DrawStats {
  const counts = new Float64Array(BALL_MAX);
  for (const b of draws) for (const n of b) counts[n - 1]! += 1;
  const expected = (draws.length * BALLS_PER_DRAW) / BALL_MAX;
  const pearson = chiSquareTest(counts, new Float64Array(BALL_MAX).fill(expected));
  const statistic = pearson.statistic * WITHOUT_REPLACEMENT_SCALE;
  const chi = {
    statistic,
    df: pearson.df,
    p_value: chiSquarePValue(statistic, pearson.df),
    pearson_statistic: pearson.statistic,
    scale: WITHOUT_REPLACEMENT_SCALE,
  };
  let verdict: string;
  if (expected < 5) verdict = `too few draws (${draws.length}) for a chi-square test: each number is expected fewer than 5 times`;
  else if (chi.p_value < 0.01)
    verdict = `p = ${chi.p_value.toPrecision(2)}: the frequencies are unlikely under uniform draws; check the data before reading anything into it`;
  else verdict = `p = ${chi.p_value.toFixed(2)}: consistent with uniform draws (no number is "hot" beyond chance)`;
  return { frequency: Array.from(counts, (count, i) => ({ number: i + 1, count })), expected_per_number: expected, chi_square: chi, verdict };
}
