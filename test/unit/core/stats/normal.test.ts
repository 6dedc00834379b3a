import { describe, expect, it } from 'vitest';
import { erfc, normalCdf, normalQuantile, normalSurvival, normalTwoSided } from '../../../../src/core/stats.js';

// Reference values from scipy.stats.norm (double precision).
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

describe('normal distribution', () => {
  it('matches reference CDF and survival values, including far tails', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(rel(normalCdf(-1.96), 0.024997895148220435)).toBeLessThan(1e-12);
    expect(rel(normalCdf(1), 0.8413447460685429)).toBeLessThan(1e-12);
    expect(rel(normalSurvival(5), 2.866515718791933e-7)).toBeLessThan(1e-12);
    expect(rel(normalSurvival(8), 6.22096057427174e-16)).toBeLessThan(1e-12);
    expect(rel(normalSurvival(10), 7.61985302416047e-24)).toBeLessThan(1e-12);
    expect(rel(normalSurvival(20), 2.7536241186061556e-89)).toBeLessThan(1e-11);
    // 1 - cdf would be 0 here; the survival function keeps the tail
    expect(1 - normalCdf(9)).toBe(0);
    expect(normalSurvival(9)).toBeGreaterThan(1e-19);
  });

  it('is symmetric and two-sided tails add up', () => {
    for (const z of [0.3, 1.1, 2.5, 4]) {
      expect(normalCdf(-z)).toBeCloseTo(normalSurvival(z), 15);
      expect(normalTwoSided(-z)).toBeCloseTo(2 * normalSurvival(z), 15);
    }
    expect(normalTwoSided(0)).toBe(1);
    expect(erfc(0)).toBe(1);
    expect(erfc(-0.3) + erfc(0.3)).toBeCloseTo(2, 15);
    expect(Number.isNaN(erfc(Number.NaN))).toBe(true);
  });

  it('inverts the CDF to full precision (Acklam + one Halley step)', () => {
    const cases: Array<[number, number]> = [
      [1e-10, -6.361340902404056],
      [0.001, -3.090232306167813],
      [0.05, -1.6448536269514729],
      [0.8, 0.8416212335729143],
      [0.975, 1.959963984540054],
      [0.999999, 4.753424308817087],
    ];
    for (const [p, z] of cases) expect(rel(normalQuantile(p), z)).toBeLessThan(1e-13);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    expect(Number.isNaN(normalQuantile(1.5))).toBe(true);
    for (const p of [1e-300, 1e-20, 0.02425, 0.3, 0.97575]) expect(rel(normalCdf(normalQuantile(p)), p)).toBeLessThan(1e-12);
  });
});
