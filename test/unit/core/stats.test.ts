import { describe, expect, it } from 'vitest';
import { chiSquarePValue, chiSquareTest, gammaQ, logGamma } from '../../../src/core/stats.js';

describe('stats', () => {
  it('logGamma matches known values', () => {
    expect(logGamma(1)).toBeCloseTo(0, 12);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
  });

  it('chi-square p-values match tables', () => {
    // df=1, x=3.841 -> 0.05; df=79, x=100.749 -> 0.05; df=10, x=23.209 -> 0.01
    expect(chiSquarePValue(3.841459, 1)).toBeCloseTo(0.05, 5);
    expect(chiSquarePValue(100.749, 79)).toBeCloseTo(0.05, 3);
    expect(chiSquarePValue(23.209251, 10)).toBeCloseTo(0.01, 5);
    expect(gammaQ(3, 0)).toBe(1);
  });

  it('a perfectly uniform sample has statistic 0 and p = 1', () => {
    const r = chiSquareTest([10, 10, 10, 10], [10, 10, 10, 10]);
    expect(r.statistic).toBe(0);
    expect(r.df).toBe(3);
    expect(r.p_value).toBeCloseTo(1, 12);
  });
});
