import { describe, expect, it } from 'vitest';
import { parseRecipe } from '../../../../src/core/recipe/schema.js';
import { buildCellRecipe, cellKey, cellLabel, recipePath } from '../../../../src/core/sweep/apply-params.js';

const base = parseRecipe({ version: '2', name: 'b', strategy: 'advanced', tickets: 5, history: 50, seed: 4, params: { cands_mult: 3, hill_iter: 5 } });

describe('recipePath', () => {
  it('maps top-level names, bare knobs, params.x, nested knobs and the old names', () => {
    expect(recipePath('history')).toEqual(['history']);
    expect(recipePath('strategy')).toEqual(['strategy']);
    expect(recipePath('alpha')).toEqual(['params', 'alpha']);
    expect(recipePath('params.alpha')).toEqual(['params', 'alpha']);
    expect(recipePath('smart_filters.enabled')).toEqual(['params', 'smart_filters', 'enabled']);
    expect(recipePath('sim_prev_max')).toEqual(['history']);
    expect(recipePath('sim_preds')).toEqual(['tickets']);
    expect(recipePath('delta')).toEqual(['params', 'cluster_penalty']);
  });
});

describe('buildCellRecipe', () => {
  it('overrides the base and parses the result', () => {
    const r = buildCellRecipe(base, { alpha: 0.7, history: 80, 'smart_filters.enabled': false, sim_preds: 3 }, 0);
    expect(r.history).toBe(80);
    expect(r.tickets).toBe(3);
    if (r.strategy !== 'advanced') throw new Error('strategy');
    expect(r.params.alpha).toBe(0.7);
    expect(r.params.cands_mult).toBe(3);
    expect(r.params.smart_filters.enabled).toBe(false);
    expect(r.params.smart_filters.mean_min).toBe(24);
    expect(base.history).toBe(50); // the base is not mutated
  });

  it('a value the parser rejects is E_RECIPE_INVALID naming the cell and the path', () => {
    const call = () => buildCellRecipe(base, { tickets: 0 }, 7);
    expect(call).toThrow(expect.objectContaining({ code: 'E_RECIPE_INVALID', message: expect.stringContaining('cell 7 (tickets=0)') }));
    try {
      call();
    } catch (e) {
      expect((e as { details: string[] }).details.join('\n')).toMatch(/cell 7: tickets: must be at least 1/);
    }
    expect(() => buildCellRecipe(base, { alhpa: 0.1 }, 1)).toThrow(expect.objectContaining({ details: [expect.stringMatching(/params\.alhpa: unknown key/)] }));
  });

  it('changing the strategy starts from empty params', () => {
    const r = buildCellRecipe(base, { strategy: 'random' }, 0);
    expect(r.strategy).toBe('random');
    expect(r.history).toBe(50);
  });

  it('labels cells for people', () => {
    expect(cellLabel({ alpha: 0.2, history: 100 })).toBe('alpha=0.2 history=100');
  });
});

describe('cellKey', () => {
  it('changes with the recipe, the data, the seed and the range, and nothing else', () => {
    const range = { first_contest: 10, last_contest: 20 };
    const k = cellKey(base, 'd1', range);
    expect(k).toMatch(/^[0-9a-f]{64}$/);
    expect(cellKey(parseRecipe(JSON.parse(JSON.stringify(base))), 'd1', range)).toBe(k);
    expect(cellKey(base, 'd2', range)).not.toBe(k);
    expect(cellKey({ ...base, seed: 5 }, 'd1', range)).not.toBe(k);
    expect(cellKey(base, 'd1', { first_contest: 10, last_contest: 21 })).not.toBe(k);
    expect(cellKey(buildCellRecipe(base, { alpha: 0.9 }, 0), 'd1', range)).not.toBe(k);
  });
});
