// The whole null law of a contest's best hits: exact for one ticket (the hypergeometric law), and its band.
import { describe, expect, it } from 'vitest';
import { bestOfLaw, bestOfRng } from '../../../../src/core/best-of.js';
import { probAtLeast } from '../../../../src/core/odds.js';
import { bestHitsQuantile, bestHitsTail, expectedBestHits } from '../../../../src/core/stats/best-hits.js';

describe('best hits law', () => {
  it('[15.3.4] one 5-number ticket: P(best >= h) is the hypergeometric tail, E[best] = 25/80, band [0, 2]', () => {
    const numbers = [3, 17, 29, 44, 80];
    const tail = bestHitsTail(
      numbers,
      5,
      bestOfLaw(numbers, 5, () => bestOfRng(1, 1)),
    );
    for (let h = 1; h <= 5; h++) expect(tail[h]).toBeCloseTo(probAtLeast(5, h), 12);
    expect(tail[5]).toBe(1 / 24_040_016);
    expect(expectedBestHits(tail)).toBeCloseTo(25 / 80, 12);
    // P(best = 0) = C(75,5)/C(80,5) ≈ 0.718 > 2.5%, P(best <= 1) ≈ 0.971 < 97.5% <= P(best <= 2)
    expect(bestHitsQuantile(tail, 0.025)).toBe(0);
    expect(bestHitsQuantile(tail, 0.975)).toBe(2);
  });

  it('[15.3.5] 16 disjoint tickets covering all 80 numbers: some ticket always hits, 5 hits in 16 of C(80,5) draws', () => {
    const numbers = Array.from({ length: 80 }, (_, i) => i + 1);
    const tail = bestHitsTail(
      numbers,
      5,
      bestOfLaw(numbers, 5, () => bestOfRng(1, 1)),
    );
    expect(tail[0]).toBe(1);
    expect(tail[1]).toBe(1);
    expect(tail[5]).toBeCloseTo(16 / 24_040_016, 15);
    expect(bestHitsQuantile(tail, 0.025)).toBe(1);
    // a sampled law that overshoots is clamped to a monotone tail
    const clamped = bestHitsTail([1, 2, 3, 4, 5], 5, { p2: 0.01, p3: 0.5, p4: 0.2 });
    expect(clamped[3]).toBe(0.01);
    expect(clamped[4]).toBe(0.01);
  });
});
