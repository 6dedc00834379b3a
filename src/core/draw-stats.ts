/** Frequency and uniformity statistics over a set of draws. Pure. */
import { BALL_MAX, BALLS_PER_DRAW, type Balls } from './draw.js';
import { chiSquareTest, type ChiSquareResult } from './stats.js';

export interface DrawStats {
  frequency: Array<{ number: number; count: number }>;
  expected_per_number: number;
  chi_square: ChiSquareResult;
  verdict: string;
}

/**
 * Per-number counts against the exact expectation: with n uniform draws each number is
 * expected n·5/80 times. The chi-square test has 79 degrees of freedom.
 */
export function computeDrawStats(draws: readonly Balls[]): DrawStats {
  const counts = new Float64Array(BALL_MAX);
  for (const b of draws) for (const n of b) counts[n - 1]! += 1;
  const expected = (draws.length * BALLS_PER_DRAW) / BALL_MAX;
  const chi = chiSquareTest(counts, new Float64Array(BALL_MAX).fill(expected));
  let verdict: string;
  if (expected < 5) verdict = `too few draws (${draws.length}) for a chi-square test: each number is expected fewer than 5 times`;
  else if (chi.p_value < 0.01) verdict = `p = ${chi.p_value.toPrecision(2)}: the frequencies are unlikely under uniform draws; check the data before reading anything into it`;
  else verdict = `p = ${chi.p_value.toFixed(2)}: consistent with uniform draws (no number is "hot" beyond chance)`;
  return { frequency: Array.from(counts, (count, i) => ({ number: i + 1, count })), expected_per_number: expected, chi_square: chi, verdict };
}
