/** Pearson's chi-square goodness-of-fit test, used by the draw-uniformity report. */
import { gammaQ } from './gamma.js';

/** Upper-tail p-value of a chi-square statistic with `df` degrees of freedom. */
export function chiSquarePValue(statistic: number, df: number): number {
  return gammaQ(df / 2, statistic / 2);
}

export interface ChiSquareResult {
  statistic: number;
  df: number;
  p_value: number;
}

/** Pearson's chi-square goodness of fit of `observed` counts against `expected` counts. */
export function chiSquareTest(observed: ArrayLike<number>, expected: ArrayLike<number>): ChiSquareResult {
  let statistic = 0;
  for (let i = 0; i < observed.length; i++) {
    const e = expected[i]!;
    const d = observed[i]! - e;
    statistic += (d * d) / e;
  }
  const df = observed.length - 1;
  return { statistic, df, p_value: chiSquarePValue(statistic, df) };
}
