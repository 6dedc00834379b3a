import { describe, expect, it } from 'vitest';
import { benjaminiHochberg, holm } from '../../../../src/core/stats.js';

const close = (a: number[], b: number[]): void => {
  expect(a).toHaveLength(b.length);
  a.forEach((x, i) => expect(x).toBeCloseTo(b[i]!, 12));
};

// The 15 p-values of Benjamini & Hochberg (1995); BH values from scipy.stats.false_discovery_control
// (= R's p.adjust(p, "BH")), Holm by hand (= R's p.adjust(p, "holm")).
const BH95 = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.324, 0.4262, 0.5719, 0.6528, 0.759, 1.0];

describe('multiple testing', () => {
  it('holm matches p.adjust', () => {
    close(holm([0.01, 0.02, 0.03, 0.04, 0.05]), [0.05, 0.08, 0.09, 0.09, 0.09]);
    close(holm(BH95), [0.0015, 0.0056, 0.0247, 0.114, 0.2211, 0.278, 0.278, 0.278, 0.3213, 1, 1, 1, 1, 1, 1]);
  });

  it('benjaminiHochberg matches p.adjust', () => {
    close(benjaminiHochberg([0.01, 0.02, 0.03, 0.04, 0.05]), [0.05, 0.05, 0.05, 0.05, 0.05]);
    close(
      benjaminiHochberg(BH95),
      [
        0.0015, 0.003, 0.0095, 0.035625, 0.0603, 0.06385714285714286, 0.06385714285714286, 0.0645, 0.0765, 0.486, 0.5811818181818181, 0.714875,
        0.7532307692307693, 0.8132142857142857, 1.0,
      ],
    );
  });

  it('keeps the original order, is monotone in p and capped at 1', () => {
    const p = [0.01, 0.04, 0.03, 0.005, 0.5, 0.2, 0.2];
    close(benjaminiHochberg(p), [0.035, 0.07, 0.07, 0.035, 0.5, 0.23333333333333336, 0.23333333333333336]);
    close(holm(p), [0.06, 0.16, 0.15, 0.035, 0.6, 0.6, 0.6]);
    for (const adj of [holm(p), benjaminiHochberg(p)]) {
      for (let i = 0; i < p.length; i++) {
        expect(adj[i]).toBeGreaterThanOrEqual(p[i]!);
        expect(adj[i]).toBeLessThanOrEqual(1);
        for (let j = 0; j < p.length; j++) if (p[i]! <= p[j]!) expect(adj[i]).toBeLessThanOrEqual(adj[j]!);
      }
    }
    expect(holm([])).toEqual([]);
    expect(benjaminiHochberg([0.3])).toEqual([0.3]);
    expect(() => holm([0.1, 1.2])).toThrow(expect.objectContaining({ code: 'E_INPUT_INVALID' }));
    expect(() => benjaminiHochberg([Number.NaN])).toThrow(expect.objectContaining({ code: 'E_INPUT_INVALID' }));
  });
});
