import { describe, expect, it } from 'vitest';
import { buildSpace, genomeKey, genomeParams, satisfies, spaceSize } from '../../../../src/core/optimize/space.js';
import { expandGrid } from '../../../../src/core/sweep/grid.js';
import type { SweepParameter } from '../../../../src/core/sweep/spec.js';

const range = (name: string, min: number, max: number, step: number): SweepParameter => ({ name, range: { min, max, step } });

describe('search space', () => {
  it('[18.2.5] names sorted by code unit, values as a sweep expands them, genomes map to params', () => {
    const space = buildSpace({
      parameters: [{ name: 'mode', list: ['hot', 'cold'] }, range('alpha', 0, 1, 0.1), { name: 'lam', exponential: { base: 10, start: -2, end: 0 } }],
    });
    expect(space.names).toEqual(['alpha', 'lam', 'mode']);
    expect(space.values[0]).toHaveLength(11);
    expect(space.values[1]).toEqual([0.01, 0.1, 1]);
    expect(spaceSize(space)).toBe(66);
    expect(genomeParams(space, [3, 2, 1])).toEqual({ alpha: 0.3, lam: 1, mode: 'cold' });
    expect(genomeKey([3, 0, 12])).toBe('3.0.12');
  });

  it('[18.2.6] no cap on the product: a space far beyond a sweep grid, and Infinity beyond 2^53', () => {
    const names = ['a', 'b', 'c', 'd', 'e'];
    const big = buildSpace({ parameters: names.map((n) => range(n, 0, 9999, 1)) });
    expect(spaceSize(big)).toBe(Number.POSITIVE_INFINITY);
    const mid = buildSpace({ parameters: names.slice(0, 3).map((n) => range(n, 0, 999, 1)) });
    expect(spaceSize(mid)).toBe(1e9);
    expect(() => expandGrid({ parameters: names.slice(0, 3).map((n) => range(n, 0, 999, 1)) })).toThrow(/combinations/);
  });

  it('[18.2.7] satisfies() keeps exactly the points a sweep grid keeps under the same constraints', () => {
    const parameters = ['a', 'b', 'c'].map((n) => range(n, 0, 1, 0.1));
    for (const constraints of [
      [{ type: 'sum' as const, parameters: ['a', 'b', 'c'], value: 1 }],
      [{ type: 'ratio' as const, parameters: ['a', 'b'], value: 2 }],
      [
        { type: 'min' as const, parameters: ['a'], value: 0.3 },
        { type: 'max' as const, parameters: ['b', 'c'], value: 0.5 },
      ],
    ]) {
      const space = buildSpace({ parameters, constraints });
      const kept: string[] = [];
      for (let i = 0; i < 11; i++)
        for (let j = 0; j < 11; j++) for (let k = 0; k < 11; k++) if (satisfies(space, [i, j, k])) kept.push(JSON.stringify(genomeParams(space, [i, j, k])));
      expect(kept).toEqual(expandGrid({ parameters, constraints }).map((c) => JSON.stringify(c.params)));
    }
  });

  it('[18.2.8] a constraint on an unknown or non-numeric parameter, or a name twice, is E_INPUT_INVALID', () => {
    const code = expect.objectContaining({ code: 'E_INPUT_INVALID' });
    expect(() => buildSpace({ parameters: [range('a', 0, 1, 0.5)], constraints: [{ type: 'max', parameters: ['b'], value: 1 }] })).toThrow(code);
    expect(() => buildSpace({ parameters: [{ name: 's', list: ['x', 1] }], constraints: [{ type: 'max', parameters: ['s'], value: 1 }] })).toThrow(
      /non-numeric/,
    );
    expect(() => buildSpace({ parameters: [range('a', 0, 1, 0.5), range('a', 0, 1, 0.5)] })).toThrow(/swept twice/);
    expect(() =>
      buildSpace({ parameters: [range('a', 0, 1, 0.5), range('b', 0, 1, 0.5)], constraints: [{ type: 'ratio', parameters: ['a'], value: 1 }] }),
    ).toThrow(/exactly two/);
  });
});
