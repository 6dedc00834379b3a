import { describe, expect, it } from 'vitest';
import {
  TOTAL_DRAWS,
  expectedHitCounts,
  expectedHits,
  hitNumerators,
  hitProbabilities,
  hitsSd,
  hitsVariance,
  oneIn,
  probAtLeast,
  probBestAtLeast,
  probExactly,
} from '../../../src/core/odds.js';
import { choose } from '../../../src/core/finance/prices.js';

describe('exact odds', () => {
  it('k = 5 numerators and probabilities match FACTS.md', () => {
    expect(hitNumerators(5)).toEqual([17259390n, 6077250n, 675250n, 27750n, 375n, 1n]);
    expect(TOTAL_DRAWS).toBe(choose(80, 5));
    const p = hitProbabilities(5);
    expect(p[0]).toBe(17259390 / 24040016);
    expect(p[2]).toBeCloseTo(0.028089, 6);
    expect(p[3]).toBeCloseTo(1.15433e-3, 8);
    expect(p[4]).toBeCloseTo(1.5599e-5, 9);
    expect(oneIn(p[4]!)).toBeCloseTo(64106.7, 1);
    expect(oneIn(p[5]!)).toBeCloseTo(24040016, 3);
    expect(oneIn(0)).toBe(Number.POSITIVE_INFINITY);
  });

  it('k = 6 and k = 15 numerators (computed independently: C(k,h)·C(80-k,5-h))', () => {
    expect(hitNumerators(6)).toEqual([16108764n, 6903756n, 972360n, 54020n, 1110n, 6n]);
    expect(hitNumerators(15)).toEqual([8259888n, 10155600n, 4586400n, 946400n, 88725n, 3003n]);
  });

  it('probabilities sum to 1 and numerators to C(80,5) for every k', () => {
    for (let k = 5; k <= 15; k++) {
      expect(hitNumerators(k).reduce((s, n) => s + n, 0n)).toBe(24040016n);
      expect(hitProbabilities(k).reduce((s, p) => s + p, 0)).toBeCloseTo(1, 14);
      // P(5 hits) = C(k,5)/C(80,5): a k-number bet holds C(k,5) simple bets
      expect(probExactly(k, 5)).toBe(choose(k, 5) / 24040016);
    }
  });

  it('mean and variance are the hypergeometric ones and agree with the distribution', () => {
    expect(expectedHits(5)).toBe(0.3125);
    expect(hitsVariance(5)).toBeCloseTo(0.27813488924050633, 15);
    expect(hitsSd(5)).toBeCloseTo(0.527, 3);
    for (let k = 5; k <= 15; k++) {
      const p = hitProbabilities(k);
      const m = p.reduce((s, q, h) => s + q * h, 0);
      const v = p.reduce((s, q, h) => s + q * (h - m) ** 2, 0);
      expect(m).toBeCloseTo(expectedHits(k), 13);
      expect(v).toBeCloseTo(hitsVariance(k), 13);
    }
  });

  it('at-least and best-of-t probabilities', () => {
    expect(probAtLeast(5, 0)).toBe(1);
    expect(probAtLeast(5, 2)).toBe(703376 / 24040016);
    expect(probAtLeast(6, 2)).toBe(1027496 / 24040016);
    expect(probBestAtLeast(5, 2, 1)).toBeCloseTo(probAtLeast(5, 2), 15);
    expect(probBestAtLeast(5, 2, 10)).toBeCloseTo(0.256919708354816, 14);
    // tiny p·t keeps precision
    const p5 = 1 / 24040016;
    expect(probBestAtLeast(5, 5, 2) / (2 * p5 - p5 * p5)).toBeCloseTo(1, 12);
    expect(expectedHitCounts(5, 24040016)[3]).toBeCloseTo(27750, 6);
  });

  it('rejects k outside 5..15, h outside 0..5 and bad ticket counts', () => {
    expect(() => hitProbabilities(4)).toThrow(expect.objectContaining({ code: 'E_INPUT_INVALID' }));
    expect(() => hitProbabilities(16)).toThrow(expect.objectContaining({ code: 'E_INPUT_INVALID' }));
    expect(() => probAtLeast(5, 6)).toThrow(expect.objectContaining({ code: 'E_INPUT_INVALID' }));
    expect(() => probBestAtLeast(5, 2, 0)).toThrow(expect.objectContaining({ code: 'E_INPUT_INVALID' }));
  });
});
