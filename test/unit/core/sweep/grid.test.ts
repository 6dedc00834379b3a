import { describe, expect, it } from 'vitest';
import { MAX_GRID_CELLS, expandGrid } from '../../../../src/core/sweep/grid.js';
import type { SweepParameter } from '../../../../src/core/sweep/spec.js';

const range = (name: string, min: number, max: number, step: number): SweepParameter => ({ name, range: { min, max, step } });

describe('expandGrid', () => {
  it('Cartesian product, names sorted, last varies fastest, 0-based indices', () => {
    const cells = expandGrid({
      parameters: [
        { name: 'b', list: ['x', 'y'] },
        { name: 'a', list: [1, 2] },
        { name: 'c', list: [true] },
      ],
    });
    expect(cells).toEqual([
      { index: 0, params: { a: 1, b: 'x', c: true } },
      { index: 1, params: { a: 1, b: 'y', c: true } },
      { index: 2, params: { a: 2, b: 'x', c: true } },
      { index: 3, params: { a: 2, b: 'y', c: true } },
    ]);
  });

  it('is deterministic: parameter order in the spec does not change the grid', () => {
    const p = [range('alpha', 0, 0.5, 0.1), { name: 'history', list: [100, 200] } as SweepParameter];
    expect(expandGrid({ parameters: [...p].reverse() })).toEqual(expandGrid({ parameters: p }));
  });

  it('sum constraint on exact values keeps the simplex (4 weights step 0.05 -> C(23,3) = 1771 cells)', () => {
    const names = ['alpha', 'beta', 'gamma', 'delta'];
    const cells = expandGrid({ parameters: names.map((n) => range(n, 0, 1, 0.05)), constraints: [{ type: 'sum', parameters: names, value: 1 }] });
    expect(cells).toHaveLength(1771);
    for (const c of cells) expect(Math.abs(names.reduce((s, n) => s + (c.params[n] as number), 0) - 1)).toBeLessThan(1e-9);
    // 0.1 + 0.2 + 0.3 + 0.4 is 1.0000000000000002 in doubles: still kept
    expect(cells.some((c) => c.params.alpha === 0.1 && c.params.beta === 0.2 && c.params.gamma === 0.3 && c.params.delta === 0.4)).toBe(true);
  });

  it('ratio, min and max constraints', () => {
    const p = [range('a', 1, 4, 1), range('b', 1, 4, 1)];
    expect(expandGrid({ parameters: p, constraints: [{ type: 'ratio', parameters: ['a', 'b'], value: 2 }] }).map((c) => c.params)).toEqual([
      { a: 2, b: 1 },
      { a: 4, b: 2 },
    ]);
    expect(expandGrid({ parameters: p, constraints: [{ type: 'min', parameters: ['a', 'b'], value: 3 }] })).toHaveLength(4);
    expect(expandGrid({ parameters: p, constraints: [{ type: 'max', parameters: ['a'], value: 2 }] })).toHaveLength(8);
    // a zero denominator never satisfies a ratio
    expect(() =>
      expandGrid({ parameters: [range('a', 0, 0, 1), range('b', 0, 0, 1)], constraints: [{ type: 'ratio', parameters: ['a', 'b'], value: 0 }] }),
    ).toThrow(/no combination satisfies/);
  });

  it('errors: empty result, too many cells, duplicates, constraints on strings or unknown names', () => {
    const code = expect.objectContaining({ code: 'E_INPUT_INVALID' });
    expect(() => expandGrid({ parameters: [range('a', 0, 1, 0.5)], constraints: [{ type: 'min', parameters: ['a'], value: 2 }] })).toThrow(code);
    expect(() => expandGrid({ parameters: [range('a', 0, 100, 1), range('b', 0, 100, 1)] })).toThrow(new RegExp(`more than ${MAX_GRID_CELLS} cells`));
    expect(expandGrid({ parameters: [range('a', 0, 99, 1), range('b', 0, 99, 1)] })).toHaveLength(10_000);
    expect(() => expandGrid({ parameters: [range('a', 0, 1, 1), range('a', 0, 1, 1)] })).toThrow(/swept twice/);
    expect(() => expandGrid({ parameters: [{ name: 's', list: ['x', 1] }], constraints: [{ type: 'max', parameters: ['s'], value: 1 }] })).toThrow(
      /non-numeric/,
    );
    expect(() => expandGrid({ parameters: [range('a', 0, 1, 1)], constraints: [{ type: 'max', parameters: ['z'], value: 1 }] })).toThrow(/not swept/);
    expect(() => expandGrid({ parameters: ['a', 'b', 'c'].map((n) => range(n, 0, 200, 1)) })).toThrow(/combinations; at most/);
  });
});
