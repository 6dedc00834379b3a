import { describe, expect, it } from 'vitest';
import {
  meanInterval,
  minDetectableLift,
  minDetectableLiftMean,
  trialsToDetect,
  trialsToDetectMean,
  wilsonInterval,
  zTestMean,
} from '../../../../src/core/stats.js';

describe('intervals and z-test', () => {
  it('Wilson interval matches the textbook example and stays in [0, 1]', () => {
    const [lo, hi] = wilsonInterval(81, 263);
    expect(lo).toBeCloseTo(0.2552885198782742, 12);
    expect(hi).toBeCloseTo(0.36620957698280004, 12);
    expect(wilsonInterval(0, 6865)).toEqual([0, expect.closeTo(0.0005592586237029937, 14)]);
    const [lo10, hi10] = wilsonInterval(10, 10);
    expect(lo10).toBeCloseTo(0.7224672001371107, 12);
    expect(hi10).toBe(1);
    expect(wilsonInterval(0, 0)).toEqual([0, 1]);
    expect(() => wilsonInterval(5, 3)).toThrow(expect.objectContaining({ code: 'E_INPUT_INVALID' }));
  });

  it('mean interval is mean ± 1.96 se', () => {
    const [lo, hi] = meanInterval(0.3125, 0.5273849535590737, 6865);
    expect(hi - 0.3125).toBeCloseTo((1.959963984540054 * 0.5273849535590737) / Math.sqrt(6865), 14);
    expect(0.3125 - lo).toBeCloseTo(hi - 0.3125, 14);
  });

  it('zTestMean: z and two-sided p', () => {
    const r = zTestMean(0.3125 + 1.959963984540054 * (0.5 / Math.sqrt(100)), 0.3125, 0.5, 100);
    expect(r.z).toBeCloseTo(1.959963984540054, 12);
    expect(r.p_value).toBeCloseTo(0.05, 12);
    expect(zTestMean(0.3125, 0.3125, 0.5, 100).p_value).toBe(1);
    expect(() => zTestMean(0.3, 0.3, 0, 10)).toThrow(expect.objectContaining({ code: 'E_INPUT_INVALID' }));
  });
});

describe('minimum detectable effect', () => {
  // FACTS.md: "Over 6,865 contests with one ticket each, a 2-hit lift smaller than about ±14% cannot
  // be told from chance; 4-hit effects cannot be tested at all." With p0 = P(exactly 2 hits) the
  // standard error is sqrt(p0(1-p0)/n)/p0 = 7.10% of p0. A lift is significant only beyond
  // 1.96 se = 13.9% (the FACTS figure: power 0.5, detected half the time) and is caught 80% of the
  // time beyond 2.80 se = 19.9% (the default).
  const P2 = 0.0280885836348861;
  const N = 6865;

  it('reproduces the FACTS.md order of magnitude for 2 hits over 6,865 contests', () => {
    const se = Math.sqrt((P2 * (1 - P2)) / N) / P2;
    expect(se).toBeCloseTo(0.071, 3);
    const atThreshold = minDetectableLift(P2, N, { power: 0.5 });
    expect(atThreshold.detectable).toBe(true);
    expect(atThreshold.lift).toBeCloseTo(0.139, 3);
    const usual = minDetectableLift(P2, N);
    expect(usual.lift).toBeCloseTo(0.199, 3);
    expect(usual.lift).toBeCloseTo((1.959963984540054 + 0.8416212335729143) * se, 12);
  });

  it('4-hit effects cannot be tested: Infinity with detectable = false', () => {
    const r = minDetectableLift(1.5598991281869363e-5, N);
    expect(r.lift).toBe(Number.POSITIVE_INFINITY);
    expect(r.detectable).toBe(false);
    expect(minDetectableLift(0.1, 0).detectable).toBe(false);
  });

  it('trialsToDetect inverts minDetectableLift', () => {
    const n = trialsToDetect(P2, 0.2);
    expect(minDetectableLift(P2, n).lift).toBeLessThanOrEqual(0.2);
    expect(minDetectableLift(P2, n - 2).lift).toBeGreaterThan(0.2);
    const nm = trialsToDetectMean(0.3125, 0.527, 0.05);
    expect(minDetectableLiftMean(0.3125, 0.527, nm).lift).toBeLessThanOrEqual(0.05);
    expect(minDetectableLiftMean(0.3125, 0.527, nm - 2).lift).toBeGreaterThan(0.05);
  });

  it('rejects nonsense', () => {
    expect(() => minDetectableLift(0, 10)).toThrow(expect.objectContaining({ code: 'E_INPUT_INVALID' }));
    expect(() => minDetectableLift(0.1, 10, { alpha: 1.2 })).toThrow(expect.objectContaining({ code: 'E_INPUT_INVALID' }));
  });
});
