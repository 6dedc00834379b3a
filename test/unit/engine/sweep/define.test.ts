import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCellRecipe } from '../../../../src/core/sweep/apply-params.js';
import { expandGrid } from '../../../../src/core/sweep/grid.js';
import { defineSweep, specOf } from '../../../../src/engine/sweep/define.js';
import { tempDir } from '../../../helpers/cli.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../../fixtures/sweeps/${name}.json`, import.meta.url), 'utf8'));
const { dir, cleanup } = tempDir();
afterAll(() => cleanup());

describe('defineSweep', () => {
  it('builds the grid from --param flags on a preset', () => {
    const d = defineSweep({ preset: 'balanced', params: ['alpha=0.2,0.35,0.5,0.65', 'history=100..400:100'], range: { last: 50 } });
    const cells = expandGrid(d);
    expect(cells).toHaveLength(16);
    expect(cells[0]!.params).toEqual({ alpha: 0.2, history: 100 });
    expect(cells[1]!.params).toEqual({ alpha: 0.2, history: 200 });
    expect(cells[15]!.params).toEqual({ alpha: 0.65, history: 400 });
    expect(d.name).toBe('balanced sweep');
    const r = buildCellRecipe(d.base, cells[5]!.params, 5);
    expect(r.history).toBe(200);
    expect(r.strategy === 'advanced' && r.params.alpha).toBe(0.35);
  });

  it('a --param replaces the spec parameter of the same name; flags win over the spec', () => {
    const spec = {
      version: '1',
      name: 's',
      base: { preset: 'conservative' },
      parameters: [
        { name: 'alpha', list: [0.1, 0.2] },
        { name: 'lambda', list: [0.05] },
      ],
      range: { from: 100, to: 200 },
      seed: 9,
    };
    const d = defineSweep({ spec, params: ['alpha=0.3,0.4,0.5'], seed: 11, name: 'renamed', range: { last: 20 } });
    expect(d.parameters).toEqual([
      { name: 'alpha', list: [0.3, 0.4, 0.5] },
      { name: 'lambda', list: [0.05] },
    ]);
    expect(d.base.seed).toBe(11);
    expect(d.name).toBe('renamed');
    expect(d.range).toEqual({ last: 20 });
    expect(defineSweep({ spec }).range).toEqual({ from: 100, to: 200 });
    // the stored spec is self-contained: base inline, range resolved
    const stored = specOf(d, { from: 1, to: 2 });
    expect(stored.base).toHaveProperty('recipe');
    expect(defineSweep({ spec: JSON.parse(JSON.stringify(stored)) }).base).toEqual(d.base);
  });

  it("reads a spec's recipe_file relative to the spec", () => {
    writeFileSync(join(dir, 'r.json'), JSON.stringify({ version: '2', name: 'rel', strategy: 'random', tickets: 3, history: 30 }));
    const d = defineSweep({
      spec: { version: '1', name: 's', base: { recipe_file: 'r.json' }, parameters: [{ name: 'seed', list: [1, 2] }], range: { last: 5 } },
      specDir: dir,
    });
    expect(d.base.name).toBe('rel');
  });

  it("accepts the old system's SweepConfig and drops the base keys it never implemented, with notes", () => {
    const d = defineSweep({ spec: fixture('alpha_range_sweep'), range: { last: 10 } });
    expect(d.notes).toEqual([expect.stringMatching(/sim_count/), expect.stringMatching(/scorer_type/)]);
    expect(d.base.strategy).toBe('advanced');
    expect(d.base.history).toBe(100); // sim_prev_max
    const cells = expandGrid(d);
    expect(cells).toHaveLength(11);
    expect(cells.map((c) => c.params.alpha)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    const r = buildCellRecipe(d.base, cells[3]!.params, 3);
    expect(r.strategy === 'advanced' && r.params.alpha).toBe(0.3);
    // sweeping a knob that never existed is refused per cell, by the recipe parser
    const multi = defineSweep({ spec: fixture('multi_param_sweep'), range: { last: 10 } });
    const c = expandGrid(multi)[0]!;
    expect(() => buildCellRecipe(multi.base, c.params, 0)).toThrow(
      expect.objectContaining({ code: 'E_RECIPE_INVALID', details: [expect.stringMatching(/sim_count: unknown key/)] }),
    );
  });

  it('refuses a missing base, nothing to sweep, no range, both --recipe and --preset', () => {
    expect(() => defineSweep({ params: ['alpha=1'], range: { last: 5 } })).toThrow(expect.objectContaining({ code: 'E_USAGE' }));
    expect(() => defineSweep({ preset: 'balanced', range: { last: 5 } })).toThrow(
      expect.objectContaining({ code: 'E_USAGE', message: expect.stringMatching(/nothing to sweep/) }),
    );
    expect(() => defineSweep({ preset: 'balanced', params: ['alpha=1'] })).toThrow(
      expect.objectContaining({ code: 'E_RANGE_INVALID', message: expect.stringMatching(/range/) }),
    );
    expect(() => defineSweep({ preset: 'balanced', recipeFile: 'x.json', params: ['alpha=1'], range: { last: 5 } })).toThrow(
      expect.objectContaining({ code: 'E_USAGE' }),
    );
    expect(() => defineSweep({ preset: 'balanced', params: ['alpha'], range: { last: 5 } })).toThrow(expect.objectContaining({ code: 'E_USAGE' }));
    expect(() => defineSweep({ spec: { version: '1' } })).toThrow(expect.objectContaining({ code: 'E_INPUT_INVALID' }));
  });
});
