import { describe, expect, it } from 'vitest';
import { binomialCdf, binomialPmf, binomialSurvival, binomialTest } from '../../../../src/core/stats.js';

const rel = (a: number, b: number): number => (b === 0 ? Math.abs(a) : Math.abs(a - b) / Math.abs(b));

// [x, n, p, two-sided, greater, less] from scipy.stats.binomtest (the same algorithm as R's binom.test).
const REFERENCE: Array<[number, number, number, number, number, number]> = [
  [3, 10, 0.5, 0.34375, 0.9453125, 0.171875],
  [0, 10, 0.3, 0.03883962480000001, 1, 0.0282475249],
  [10, 10, 0.3, 5.9049e-6, 5.9049e-6, 1],
  [7, 20, 0.2, 0.0982217, 0.0866925, 0.967857],
  [682, 6865, 0.1, 0.872161, 0.577694, 0.438138],
  [200, 6865, 0.028089, 0.583809, 0.309987, 0.715004],
  [150, 6865, 0.028089, 0.00146639, 0.999482, 0.000683471],
  [30000, 1_000_000, 0.029259, 1.19195e-5, 6.01691e-6, 0.999994],
  [28500, 1_000_000, 0.029259, 6.22813e-6, 0.999997, 3.10998e-6],
  [499000, 1_000_000, 0.5, 0.0456083, 0.977304, 0.0228041],
  [1, 6865, 1.5599e-5, 0.101553, 0.101553, 0.99466],
  [3, 6865, 1.5599e-5, 0.000188842, 0.000188842, 0.999995],
  [6, 100, 0.05, 0.64184, 0.384001, 0.766014],
];

describe('binomial distribution', () => {
  it('pmf matches exact small cases and sums to 1', () => {
    expect(binomialPmf(3, 10, 0.5)).toBeCloseTo(120 / 1024, 15);
    expect(binomialPmf(0, 6865, 1.5599e-5)).toBeCloseTo(Math.exp(6865 * Math.log1p(-1.5599e-5)), 15);
    expect(rel(binomialPmf(29259, 1_000_000, 0.029259), 0.00236716)).toBeLessThan(1e-5);
    let s = 0;
    for (let x = 0; x <= 200; x++) s += binomialPmf(x, 200, 0.37);
    expect(s).toBeCloseTo(1, 13);
    expect(binomialPmf(2.5, 10, 0.5)).toBe(0);
    expect(binomialPmf(11, 10, 0.5)).toBe(0);
  });

  it('cdf and survival agree with each other and keep tail precision', () => {
    for (const [n, p] of [
      [50, 0.1],
      [6865, 0.028],
      [1000, 0.5],
    ] as const) {
      for (const x of [0, 1, Math.floor(n * p) - 1, Math.floor(n * p), Math.floor(n * p) + 2, n - 1]) {
        expect(binomialCdf(x, n, p) + binomialSurvival(x + 1, n, p)).toBeCloseTo(1, 12);
      }
    }
    expect(binomialCdf(-1, 10, 0.5)).toBe(0);
    expect(binomialCdf(10, 10, 0.5)).toBe(1);
    expect(binomialSurvival(0, 10, 0.5)).toBe(1);
    // P(X >= 1000) for Binomial(1000, 0.5) = 2^-1000, far below 1 - (anything)
    expect(rel(binomialSurvival(1000, 1000, 0.5), 2 ** -1000)).toBeLessThan(1e-12);
  });

  it('the exact test reproduces the reference p-values (two-sided and one-sided)', () => {
    for (const [x, n, p, two, greater, less] of REFERENCE) {
      expect(rel(binomialTest(x, n, p), two)).toBeLessThan(1e-5);
      expect(rel(binomialTest(x, n, p, 'greater'), greater)).toBeLessThan(1e-5);
      expect(rel(binomialTest(x, n, p, 'less'), less)).toBeLessThan(1e-5);
    }
  });

  it('gives p = 1 at the expectation and handles degenerate probabilities', () => {
    expect(binomialTest(500_000, 1_000_000, 0.5)).toBe(1);
    expect(binomialTest(5, 100, 0.05)).toBe(1);
    expect(binomialTest(0, 0, 0.3)).toBe(1);
    expect(binomialTest(0, 10, 0)).toBe(1);
    expect(binomialTest(1, 10, 0)).toBe(0);
    expect(binomialTest(10, 10, 1)).toBe(1);
  });

  it('rejects invalid arguments with E_INPUT_INVALID', () => {
    expect(() => binomialTest(11, 10, 0.5)).toThrow(expect.objectContaining({ code: 'E_INPUT_INVALID' }));
    expect(() => binomialTest(1.5, 10, 0.5)).toThrow(expect.objectContaining({ code: 'E_INPUT_INVALID' }));
    expect(() => binomialTest(1, 10, 1.5)).toThrow(expect.objectContaining({ code: 'E_INPUT_INVALID' }));
    expect(() => binomialCdf(1, -3, 0.5)).toThrow(expect.objectContaining({ code: 'E_INPUT_INVALID' }));
  });
});
