import { describe, expect, it } from 'vitest';
import { unpairedPermutationTest } from '../../../../src/core/stats.js';

describe('unpairedPermutationTest', () => {
  // Exact: of the C(6,3) = 20 ways to label 3 of [1,2,3,10,11,12] as "a", 2 reach |diff| >= 9.
  it('approaches the exact enumeration and is deterministic per seed', () => {
    const r = unpairedPermutationTest([10, 11, 12], [1, 2, 3], { iterations: 20_000, seed: 3 });
    expect(r.mean_diff).toBe(9);
    expect(r.p_value).toBeGreaterThan(0.1 - 0.01);
    expect(r.p_value).toBeLessThan(0.1 + 0.01);
    expect(unpairedPermutationTest([10, 11, 12], [1, 2, 3], { iterations: 500, seed: 3 })).toEqual(
      unpairedPermutationTest([10, 11, 12], [1, 2, 3], { iterations: 500, seed: 3 }),
    );
  });

  it('gives a large p for samples from one distribution and handles edge cases', () => {
    expect(unpairedPermutationTest([1, 2, 3, 4], [1, 2, 3, 4], { iterations: 1000 }).p_value).toBe(1);
    expect(unpairedPermutationTest([], [1, 2]).p_value).toBe(1);
    expect(() => unpairedPermutationTest([1, Number.NaN], [1])).toThrow(expect.objectContaining({ code: 'E_INPUT_INVALID' }));
    expect(() => unpairedPermutationTest([1], [1], { iterations: 0 })).toThrow(expect.objectContaining({ code: 'E_INPUT_INVALID' }));
  });
});
