import { describe, expect, it } from 'vitest';
import { contestMoments, decodeMoments, encodeMoments, overlapHistogram } from '../../../src/core/contest-moments.js';
import { choose } from '../../../src/core/finance/prices.js';
import { hitsVariance, probAtLeast, probExactly } from '../../../src/core/odds.js';
import { createRng } from '../../../src/core/rng.js';

/**
 * An independent exact computation: only the draw's intersection with the union U of the tickets
 * matters, so every subset S of U with |S| <= 5 stands for C(80 - |U|, 5 - |S|) draws. For each,
 * count the tickets' hits and accumulate the first two moments of every count.
 */
function enumerate(tickets: number[][]): number[] {
  const union = [...new Set(tickets.flat())].sort((a, b) => a - b);
  const outside = 80 - union.length;
  const total = choose(80, 5);
  const sums = new Array<number>(8).fill(0);
  const squares = new Array<number>(8).fill(0);
  const cubes = new Array<number>(8).fill(0);
  const counts = (drawn: Set<number>): number[] => {
    const hits = tickets.map((t) => t.filter((n) => drawn.has(n)).length);
    const c = (f: (h: number) => boolean) => hits.filter(f).length;
    return [
      hits.reduce((s, h) => s + h, 0),
      c((h) => h >= 2),
      c((h) => h >= 3),
      c((h) => h >= 4),
      c((h) => h === 2),
      c((h) => h === 3),
      c((h) => h === 4),
      c((h) => h === 5),
    ];
  };
  const walk = (from: number, chosen: number[]): void => {
    if (5 - chosen.length <= outside) {
      const w = choose(outside, 5 - chosen.length) / total;
      counts(new Set(chosen)).forEach((x, i) => {
        sums[i]! += w * x;
        squares[i]! += w * x * x;
        cubes[i]! += w * x * x * x;
      });
    }
    if (chosen.length === 5) return;
    for (let i = from; i < union.length; i++) walk(i + 1, [...chosen, union[i]!]);
  };
  walk(0, []);
  // the 8 variances, then the third central moment of the total (E[X³] - 3·E[X]·E[X²] + 2·E[X]³)
  const m = sums[0]!;
  return [...sums.map((mean, i) => squares[i]! - mean * mean), cubes[0]! - 3 * m * squares[0]! + 2 * m * m * m];
}

function randomTickets(seed: number, t: number, k: number, pool: number): number[][] {
  const rng = createRng(seed, 1);
  const numbers = Array.from({ length: pool }, (_, i) => 1 + ((i * 7 + seed) % 80));
  return Array.from({ length: t }, () => {
    const s = new Set<number>();
    while (s.size < k) s.add(numbers[rng.int(pool)]!);
    return [...s].sort((a, b) => a - b);
  });
}

describe('contest moments: the exact null variance of overlapping tickets', () => {
  it('[18.1.1] one ticket: the hypergeometric variances', () => {
    for (const k of [5, 7, 10, 15]) {
      const m = contestMoments(
        Array.from({ length: k }, (_, i) => i + 1),
        k,
      );
      expect(m.total).toBeCloseTo(hitsVariance(k), 12);
      for (const h of [2, 3, 4] as const) expect(m.at_least[h]).toBeCloseTo(probAtLeast(k, h) * (1 - probAtLeast(k, h)), 14);
      for (const h of [2, 3, 4, 5] as const) expect(m.exactly[h]).toBeCloseTo(probExactly(k, h) * (1 - probExactly(k, h)), 14);
    }
  });

  it('[18.1.2] variances and the skew of the total equal an exact enumeration of the draws, for overlapping and disjoint tickets', () => {
    const cases: Array<[number[][], number]> = [
      [randomTickets(3, 25, 5, 10), 5], // 25 tickets from 10 numbers: heavy overlap
      [randomTickets(4, 6, 7, 11), 7],
      [
        [
          [1, 2, 3, 4, 5],
          [6, 7, 8, 9, 10],
          [11, 12, 13, 14, 15],
        ],
        5,
      ], // disjoint: negative covariances
      [
        [
          [1, 2, 3, 4, 5],
          [1, 2, 3, 4, 5],
        ],
        5,
      ], // identical tickets
    ];
    for (const [tickets, k] of cases) {
      const got = encodeMoments(contestMoments(tickets.flat(), k));
      const want = enumerate(tickets);
      got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 10));
    }
  });

  it('[18.1.3] overlapping tickets vary far more than independent ones, disjoint ones less', () => {
    const t = 25;
    const heavy = contestMoments(randomTickets(3, t, 5, 10).flat(), 5);
    expect(heavy.total / (t * hitsVariance(5))).toBeGreaterThan(10);
    const disjoint = contestMoments(
      Array.from({ length: 16 * 5 }, (_, i) => i + 1),
      5,
    );
    expect(disjoint.total).toBeCloseTo(0, 9); // 16 disjoint tickets cover all 80 numbers: always 5 hits in all
    expect(disjoint.at_least[2]).toBeLessThan(16 * probAtLeast(5, 2) * (1 - probAtLeast(5, 2)));
  });

  it('[18.1.4] overlap histogram counts every pair once; encoding round-trips', () => {
    const pairs = overlapHistogram([1, 2, 3, 4, 5, 1, 2, 3, 9, 10, 20, 21, 22, 23, 24], 5);
    expect(pairs).toEqual([2, 0, 0, 1, 0, 0]);
    const m = contestMoments(randomTickets(9, 12, 6, 14).flat(), 6);
    expect(decodeMoments(encodeMoments(m))).toEqual(m);
  });
});
