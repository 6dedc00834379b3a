import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expandGrid } from '../../../../src/core/sweep/grid.js';
import { SweepSpecSchema, parseSweepSpec } from '../../../../src/core/sweep/spec.js';
import { z } from 'zod';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../../fixtures/sweeps/${name}.json`, import.meta.url), 'utf8'));

const minimal = { version: '1', name: 'demo', base: { preset: 'balanced' }, parameters: [{ name: 'alpha', list: [0.1, 0.2] }] };

describe('sweep spec', () => {
  it('accepts the new format with every option', () => {
    const spec = parseSweepSpec({
      version: '1',
      name: 'weights',
      description: 'alpha vs history',
      base: { recipe_file: 'recipes/balanced.json' },
      parameters: [
        { name: 'alpha', range: { min: 0, max: 1, step: 0.25 } },
        { name: 'params.history', list: [100, 200] },
        { name: 'lambda', exponential: { base: 10, start: -2, end: 0 } },
      ],
      constraints: [{ type: 'max', parameters: ['alpha'], value: 0.5 }],
      range: { from: 5000, to: 6000 },
      holdout: { from: 6001, to: 6882 },
      seed: 42,
    });
    expect(spec.parameters).toHaveLength(3);
    expect(parseSweepSpec({ ...minimal, range: { last: 500 } }).range).toEqual({ last: 500 });
    expect(parseSweepSpec({ ...minimal, base: { recipe: { version: '1', strategy: 'hot' } } }).base).toEqual({ recipe: { version: '1', strategy: 'hot' } });
  });

  it('rejects bad specs with path: problem details', () => {
    const fail = (input: unknown): string[] => {
      try {
        parseSweepSpec(input);
      } catch (e) {
        expect(e).toMatchObject({ code: 'E_INPUT_INVALID' });
        return (e as { details: string[] }).details;
      }
      throw new Error('expected a failure');
    };
    expect(
      fail({
        ...minimal,
        parameters: [
          { name: 'a', list: [1] },
          { name: 'a', list: [2] },
        ],
      }),
    ).toContain('parameters.1.name: duplicate parameter "a"');
    expect(fail({ ...minimal, base: {} })).toEqual(['base: base is one of {preset: name}, {recipe_file: path} or {recipe: {...}}']);
    expect(fail({ ...minimal, parameters: [{ name: 'a', range: { min: 1, max: 0, step: 0.1 } }] })).toEqual(['parameters.0.range: min must not exceed max']);
    expect(fail({ ...minimal, parameters: [{ name: 'a', range: { min: 0, max: 1, step: 0 } }] })).toEqual(['parameters.0.range.step: step must be > 0']);
    expect(fail({ ...minimal, parameters: [] })).toHaveLength(1);
    expect(fail({ ...minimal, constraints: [{ type: 'sum', parameters: ['beta'], value: 1 }] })).toEqual([
      'constraints.0.parameters.0: "beta" is not a swept parameter',
    ]);
    expect(fail({ ...minimal, constraints: [{ type: 'ratio', parameters: ['alpha'], value: 1 }] })).toEqual([
      'constraints.0.parameters: a ratio constraint takes exactly two parameters',
    ]);
    expect(fail({ ...minimal, range: { from: 10, to: 5 } })[0]).toMatch(/^range/);
    expect(fail({ ...minimal, version: '2' })[0]).toMatch(/^version/);
    expect(fail({ ...minimal, extra: 1 })[0]).toMatch(/extra/);
    expect(fail({ ...minimal, parameters: [{ name: '1x', list: [1] }] })[0]).toMatch(/^parameters\.0\.name: a parameter name/);
  });

  it('has a JSON schema for the API', () => {
    expect(z.toJSONSchema(SweepSpecSchema, { unrepresentable: 'any' })).toMatchObject({
      type: 'object',
      required: expect.arrayContaining(['version', 'name', 'base', 'parameters']),
    });
  });
});

describe('old SweepConfig format', () => {
  it('alpha_range_sweep: 11 cells, 0 to exactly 1', () => {
    const spec = parseSweepSpec(fixture('alpha_range_sweep'));
    expect(spec.version).toBe('1');
    expect(spec.base).toEqual({
      recipe: { version: '1.0', name: 'alpha_sweep_base', parameters: { alpha: 0.1, sim_prev_max: 100, sim_count: 1000, scorer_type: 'frequency' } },
    });
    expect(spec.parameters).toEqual([{ name: 'alpha', range: { min: 0, max: 1, step: 0.1 } }]);
    const cells = expandGrid(spec);
    expect(cells).toHaveLength(11);
    expect(cells.at(-1)).toEqual({ index: 10, params: { alpha: 1 } });
  });

  it('exponential_sweep: 4 x 3 = 12 cells', () => {
    const cells = expandGrid(parseSweepSpec(fixture('exponential_sweep')));
    expect(cells).toHaveLength(12);
    expect(cells[0]!.params).toEqual({ alpha: 0.001, sim_prev_max: 10 });
    expect(cells[1]!.params).toEqual({ alpha: 0.001, sim_prev_max: 100 });
    expect(cells[11]!.params).toEqual({ alpha: 1, sim_prev_max: 1000 });
  });

  it('multi_param_sweep: 9 x 5 x 3 = 135 cells, all within max alpha 0.8', () => {
    const spec = parseSweepSpec(fixture('multi_param_sweep'));
    expect(spec.parameters[1]).toEqual({ name: 'sim_prev_max', list: [50, 100, 200, 500, 1000] });
    expect(spec.constraints).toEqual([{ type: 'max', parameters: ['alpha'], value: 0.8 }]);
    const cells = expandGrid(spec);
    expect(cells).toHaveLength(135);
    // names sorted: alpha, sim_count, sim_prev_max; the last varies fastest
    expect(Object.keys(cells[0]!.params)).toEqual(['alpha', 'sim_count', 'sim_prev_max']);
    expect(cells.slice(0, 6).map((c) => [c.params.sim_count, c.params.sim_prev_max])).toEqual([
      [100, 50],
      [100, 100],
      [100, 200],
      [100, 500],
      [100, 1000],
      [1000, 50],
    ]);
    expect(cells.at(-1)!.params).toEqual({ alpha: 0.8, sim_count: 10000, sim_prev_max: 1000 });
  });

  it('rejects a broken old config with the old shape in the message', () => {
    expect(() =>
      parseSweepSpec({ name: 'x', base_recipe: { version: '1.0', name: 'b', parameters: {} }, parameters: [{ name: 'a', type: 'spiral', values: {} }] }),
    ).toThrow(expect.objectContaining({ code: 'E_INPUT_INVALID', message: expect.stringMatching(/old SweepConfig/) }));
  });
});

describe('sweep spec error details', () => {
  it('a malformed parameter reports the problem of the shape it meant', () => {
    let details: string[] = [];
    try {
      parseSweepSpec({
        ...minimal,
        parameters: [
          { name: 'x', exponential: { base: 10, start: 0.5, end: 2 } },
          { name: 'y', spiral: 1 },
        ],
      });
    } catch (e) {
      details = (e as { details: string[] }).details;
    }
    expect(details).toEqual([
      'parameters.0.exponential.start: Invalid input: expected int, received number',
      'parameters.1: a parameter is {name, range: {min, max, step}}, {name, list: [...]} or {name, exponential: {base, start, end}}',
    ]);
  });
});
