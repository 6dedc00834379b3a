import { describe, expect, it } from 'vitest';
import { randomTrials } from '../../../../src/core/optimize/random-search.js';
import { buildSpace, genomeKey, satisfies } from '../../../../src/core/optimize/space.js';
import type { SweepParameter } from '../../../../src/core/sweep/spec.js';

const range = (name: string, min: number, max: number, step: number): SweepParameter => ({ name, range: { min, max, step } });
const big = buildSpace({ parameters: ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => range(n, 0, 9, 1)) });

describe('randomTrials', () => {
  it('[18.2.9] the same seed gives the same list, another seed another list; all distinct and in the space', () => {
    const one = randomTrials(big, 7, 200);
    expect(randomTrials(big, 7, 200)).toEqual(one);
    const other = randomTrials(big, 8, 200);
    expect(other.genomes.map(genomeKey)).not.toEqual(one.genomes.map(genomeKey));
    expect(one.exhausted).toBe(false);
    expect(new Set(one.genomes.map(genomeKey)).size).toBe(200);
    for (const g of one.genomes) {
      expect(g).toHaveLength(6);
      for (const x of g) expect(Number.isInteger(x) && x >= 0 && x <= 9).toBe(true);
    }
    // a prefix is stable: asking for fewer trials gives the first ones
    expect(randomTrials(big, 7, 50).genomes).toEqual(one.genomes.slice(0, 50));
  });

  it('[18.2.10] draws are spread over the space (each digit of each gene roughly uniform)', () => {
    const { genomes } = randomTrials(big, 3, 5000);
    for (let gene = 0; gene < 6; gene++) {
      const counts = new Array<number>(10).fill(0);
      for (const g of genomes) counts[g[gene]!]!++;
      for (const c of counts) expect(Math.abs(c - 500)).toBeLessThan(100);
    }
  });

  it('[18.2.11] constraints are honoured, on an enumerated and on a sampled space', () => {
    const names = ['a', 'b', 'c', 'd'];
    const simplex = buildSpace({ parameters: names.map((n) => range(n, 0, 1, 0.05)), constraints: [{ type: 'sum', parameters: names, value: 1 }] });
    const drawn = randomTrials(simplex, 1, 300);
    expect(drawn.exhausted).toBe(false);
    for (const g of drawn.genomes) expect(satisfies(simplex, g)).toBe(true);
    const sampled = buildSpace({
      parameters: ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((n) => range(n, 0, 9, 1)),
      constraints: [{ type: 'max', parameters: ['a', 'b'], value: 4 }],
    });
    const s = randomTrials(sampled, 1, 300).genomes;
    expect(new Set(s.map(genomeKey)).size).toBe(300);
    for (const g of s) expect(g[0]! <= 4 && g[1]! <= 4).toBe(true);
  });

  it('[18.2.12] a small space is exhausted: every valid point once, in a seeded shuffled order', () => {
    const names = ['a', 'b', 'c', 'd'];
    const simplex = buildSpace({ parameters: names.map((n) => range(n, 0, 1, 0.05)), constraints: [{ type: 'sum', parameters: names, value: 1 }] });
    const all = randomTrials(simplex, 5, 5000);
    expect(all.exhausted).toBe(true);
    expect(all.genomes).toHaveLength(1771);
    expect(new Set(all.genomes.map(genomeKey)).size).toBe(1771);
    const tiny = buildSpace({ parameters: [range('a', 0, 2, 1), { name: 'm', list: ['x', 'y'] }] });
    const t1 = randomTrials(tiny, 1, 6);
    expect(t1.exhausted).toBe(true);
    expect(t1.genomes.map(genomeKey).sort()).toEqual(['0.0', '0.1', '1.0', '1.1', '2.0', '2.1']);
    const orders = new Set([1, 2, 3, 4, 5, 6].map((seed) => randomTrials(tiny, seed, 6).genomes.map(genomeKey).join()));
    expect(orders.size).toBeGreaterThan(1);
    expect(randomTrials(simplex, 5, 1771).exhausted).toBe(true);
    expect(randomTrials(simplex, 5, 1770).exhausted).toBe(false);
  });

  it('[18.2.13] constraints keeping no point, or almost none of a huge space, are E_INPUT_INVALID', () => {
    const none = buildSpace({ parameters: [range('a', 0, 1, 0.5)], constraints: [{ type: 'min', parameters: ['a'], value: 2 }] });
    expect(() => randomTrials(none, 1, 10)).toThrow(/no combination satisfies/);
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    // 10^7 points (sampled, not enumerated), one of them sums to 63
    const needle = buildSpace({ parameters: names.map((n) => range(n, 0, 9, 1)), constraints: [{ type: 'sum', parameters: names, value: 63 }] });
    expect(() => randomTrials(needle, 1, 2)).toThrow(
      expect.objectContaining({ code: 'E_INPUT_INVALID', message: 'the constraints keep almost no point of the space' }),
    );
  });
});
