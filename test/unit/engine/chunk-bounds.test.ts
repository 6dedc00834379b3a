import { describe, expect, it } from 'vitest';
import { chunkBounds } from '../../../src/engine/run-executor.js';

describe('chunkBounds (guided scheduling of a group of contests)', () => {
  it('covers every contest once, in order, with chunks that shrink towards the end', () => {
    for (const [units, threads, runs] of [
      [100, 2, 1],
      [100, 1, 1],
      [1, 2, 1],
      [7, 8, 1],
      [500, 2, 12],
      [10_000, 2, 1],
      [37, 3, 100],
    ] as const) {
      const b = chunkBounds(units, threads, runs);
      expect(b[0]![0]).toBe(0);
      expect(b.at(-1)![1]).toBe(units);
      for (let i = 1; i < b.length; i++) expect(b[i]![0]).toBe(b[i - 1]![1]);
      const sizes = b.map(([from, to]) => to - from);
      for (const size of sizes) {
        expect(size).toBeGreaterThanOrEqual(1);
        expect(size).toBeLessThanOrEqual(8);
        expect(size).toBeLessThanOrEqual(Math.ceil(16 / runs));
      }
      for (let i = 1; i < sizes.length; i++) expect(sizes[i]!).toBeLessThanOrEqual(sizes[i - 1]!);
    }
  });

  it('ends in single contests when several threads share a range, so they finish together', () => {
    const sizes = chunkBounds(100, 2, 1).map(([from, to]) => to - from);
    expect(sizes.slice(0, 4)).toEqual([8, 8, 8, 8]);
    expect(sizes.slice(-4)).toEqual([1, 1, 1, 1]);
    // The last quarter of the range is cut into chunks of at most 4 contests (a quarter of a thread's share).
    const lastQuarter = chunkBounds(100, 2, 1).filter(([from]) => from >= 75);
    expect(Math.max(...lastQuarter.map(([from, to]) => to - from))).toBeLessThanOrEqual(4);
  });
});
