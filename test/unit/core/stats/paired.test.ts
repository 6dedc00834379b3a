import { describe, expect, it } from 'vitest';
import { pairedPermutationTest, signTest } from '../../../../src/core/stats.js';

describe('paired tests', () => {
  it('sign test: exact binomial on non-zero differences', () => {
    const r = signTest([1, 2, 0.5, 3, -1, 4, 2, 0, 1, -2, 5, 0]);
    expect(r).toEqual({ positive: 8, negative: 2, zero: 2, p_value: expect.closeTo(0.109375, 14) });
    expect(signTest([3, -1, 2, 5, -2, 4, 1, 6]).p_value).toBeCloseTo(0.2890625, 14);
    expect(signTest([0, 0, 0]).p_value).toBe(1);
    expect(signTest([]).p_value).toBe(1);
    expect(() => signTest([1, Number.NaN])).toThrow(expect.objectContaining({ code: 'E_INPUT_INVALID' }));
  });

  // Exact p by enumerating all 2^10 sign flips: 188 of 1024 have |sum| >= |observed sum| = 15.
  const DIFFS = [3, -1, 2, 5, -2, 4, 1, 0, 6, -3];
  const EXACT = 188 / 1024;

  it('permutation test approaches the exact enumeration and counts the observed labelling', () => {
    const r = pairedPermutationTest(DIFFS, { iterations: 20_000, seed: 7 });
    expect(r.mean_diff).toBeCloseTo(1.5, 14);
    expect(r.p_value).toBe((r.as_extreme + 1) / (20_000 + 1));
    // binomial sd of the estimate is 0.0027; 0.015 is > 5 sd
    expect(Math.abs(r.p_value - EXACT)).toBeLessThan(0.015);
  });

  it('is deterministic per seed and never 0', () => {
    const a = pairedPermutationTest(DIFFS, { iterations: 500, seed: 1 });
    expect(pairedPermutationTest(DIFFS, { iterations: 500, seed: 1 })).toEqual(a);
    expect(pairedPermutationTest(DIFFS, { iterations: 500, seed: 2 }).as_extreme).not.toBe(a.as_extreme);
    const strong = pairedPermutationTest(
      Array.from({ length: 64 }, () => 1),
      { iterations: 999 },
    );
    expect(strong.as_extreme).toBe(0);
    expect(strong.p_value).toBe(1 / 1000);
    // all-equal magnitudes with alternating signs sum to 0: every flip is as extreme
    expect(pairedPermutationTest([1, -1, 1, -1], { iterations: 100 }).p_value).toBe(1);
    expect(pairedPermutationTest([], { iterations: 10 }).p_value).toBe(1);
    expect(() => pairedPermutationTest(DIFFS, { iterations: 0 })).toThrow(expect.objectContaining({ code: 'E_INPUT_INVALID' }));
  });
});

describe('[15.6.1] a permutation test its caller no longer wants stops itself', () => {
  it('[15.6.1] shouldStop answering true ends the paired and unpaired tests with E_INTERRUPTED within 256 draws; a shared flag does it for runPairTests', async () => {
    const { unpairedPermutationTest } = await import('../../../../src/core/stats.js');
    const { runPairTests } = await import('../../../../src/engine/compare-tests.js');
    const diffs = Array.from({ length: 200 }, (_, i) => (i % 3) - 1);
    let asked = 0;
    const stopAfter = (n: number) => () => ++asked > n;
    expect(() => pairedPermutationTest(diffs, { iterations: 1_000_000, shouldStop: stopAfter(2) })).toThrow(expect.objectContaining({ code: 'E_INTERRUPTED' }));
    // asked at draws 0, 256 and 512: the third answer stops it
    expect(asked).toBe(3);
    asked = 0;
    expect(() => unpairedPermutationTest([1, 2, 3], [4, 5, 6], { iterations: 1_000_000, shouldStop: stopAfter(0) })).toThrow(
      expect.objectContaining({ code: 'E_INTERRUPTED' }),
    );
    // never asked to stop: the same answer as without the option
    const plain = pairedPermutationTest(diffs, { iterations: 2_000, seed: 9 });
    expect(pairedPermutationTest(diffs, { iterations: 2_000, seed: 9, shouldStop: () => false })).toEqual(plain);
    const stop = new Int32Array(new SharedArrayBuffer(4));
    const task = { iterations: 2_000, seed: 9, pairs: [{ paired: true as const, diffs: Float64Array.from(diffs) }], stop };
    expect(runPairTests(task)[0]!.permutation_p).toBe(plain.p_value);
    Atomics.store(stop, 0, 1);
    expect(() => runPairTests(task)).toThrow(expect.objectContaining({ code: 'E_INTERRUPTED' }));
  });
});
