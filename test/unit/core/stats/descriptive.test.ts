import { describe, expect, it } from 'vitest';
import { describe as describeValues, max, mean, median, min, stdPopulation, stdSample } from '../../../../src/core/stats.js';

describe('descriptive statistics', () => {
  const xs = [2, 4, 4, 4, 5, 5, 7, 9];

  it('matches hand-computed values', () => {
    expect(mean(xs)).toBe(5);
    expect(median(xs)).toBe(4.5);
    expect(median([3, 1, 2])).toBe(2);
    expect(stdPopulation(xs)).toBe(2);
    expect(stdSample(xs)).toBeCloseTo(Math.sqrt(32 / 7), 14);
    expect(min(xs)).toBe(2);
    expect(max(xs)).toBe(9);
  });

  it('does not sort the input in place and handles large arrays', () => {
    const ys = [3, 1, 2];
    median(ys);
    expect(ys).toEqual([3, 1, 2]);
    const big = Array.from({ length: 300_000 }, (_, i) => i);
    expect(max(big)).toBe(299_999);
    expect(min(big)).toBe(0);
  });

  it('empty input gives NaN, and describe gives nulls', () => {
    expect(Number.isNaN(mean([]))).toBe(true);
    expect(Number.isNaN(stdSample([1]))).toBe(true);
    expect(describeValues([])).toEqual({ count: 0, mean: null, median: null, std: null, std_sample: null, min: null, max: null });
    expect(describeValues(xs)).toEqual({ count: 8, mean: 5, median: 4.5, std: 2, std_sample: expect.closeTo(2.138, 3), min: 2, max: 9 });
  });
});
