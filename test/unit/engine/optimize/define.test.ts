// Merging an optimize spec and flags (src/engine/optimize/define.ts): flags win, --param adds or
// replaces, defaults are filled in, the base is inline in the stored spec, and the refusals.
import { describe, expect, it } from 'vitest';
import { defineStudy } from '../../../../src/engine/optimize/define.js';

const SPEC = {
  version: '1',
  name: 'from the spec',
  base: { preset: 'balanced' },
  parameters: [{ name: 'alpha', list: [0.2, 0.4] }],
  train: { from: 100, to: 200 },
  holdout: { from: 201, to: 250 },
  method: 'evolutionary',
  population: 6,
  seed: 3,
};

describe('defineStudy', () => {
  it('[18.3.11] flags win over the spec; --param replaces a parameter of the same name or adds one; the base is stored inline with the seed', () => {
    const d = defineStudy({ spec: SPEC, params: ['alpha=0.5,0.6', 'history=30,40'], population: 8, seed: 9, holdout: { from: 300, to: 310 } });
    expect(d.spec).toMatchObject({ name: 'from the spec', method: 'evolutionary', population: 8, generations: 10, trials: 50, seed: 9, holdout_top: 3 });
    expect(d.spec.holdout).toEqual({ from: 300, to: 310 });
    expect(d.spec.parameters).toEqual([
      { name: 'alpha', list: [0.5, 0.6] },
      { name: 'history', list: [30, 40] },
    ]);
    expect(d.base.seed).toBe(9);
    expect(d.spec.base).toEqual({ recipe: d.base });
  });

  it('[18.3.12] flags alone make a study named after its base; refusals name what is missing', () => {
    const d = defineStudy({ preset: 'balanced', params: ['alpha=0.1..0.3:0.1'], train: { last: 50 }, holdout: { from: 10, to: 20 } });
    expect(d.spec.name).toMatch(/study$/);
    expect(d.spec.method).toBe('random');
    expect(() => defineStudy({ params: ['alpha=0.1'] })).toThrow(expect.objectContaining({ code: 'E_USAGE' }));
    expect(() => defineStudy({ preset: 'balanced', params: [] })).toThrow(expect.objectContaining({ code: 'E_USAGE' }));
    expect(() => defineStudy({ preset: 'balanced', params: ['alpha=0.1'], holdout: { from: 1, to: 2 } })).toThrow(/give a train range/);
    expect(() => defineStudy({ preset: 'balanced', params: ['alpha=0.1'], train: { from: 1, to: 2 } })).toThrow(/give a holdout range/);
    // the holdout must come after the train range (the spec's own rule)
    expect(() => defineStudy({ spec: { ...SPEC, holdout: { from: 150, to: 160 } }, params: [] })).toThrow(expect.objectContaining({ code: 'E_INPUT_INVALID' }));
    expect(() => defineStudy({ spec: [1], params: [] })).toThrow(expect.objectContaining({ code: 'E_INPUT_INVALID' }));
  });
});
