import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recipeJsonSchemaText } from '../../../../src/core/recipe/json-schema.js';
import { RECIPE_SCHEMA_FILE, RECIPES_DIR } from '../../../../src/engine/recipe-files.js';
import { canonicalRecipeJson, parseRecipe, parseRecipeDetailed, recipeHash } from '../../../../src/core/recipe/schema.js';
import { LuckyError } from '../../../../src/errors.js';

/** The `path: problem` lines of a rejected recipe. */
function problems(input: unknown): string[] {
  try {
    parseRecipe(input);
  } catch (e) {
    expect(e).toBeInstanceOf(LuckyError);
    expect((e as LuckyError).code).toBe('E_RECIPE_INVALID');
    expect((e as LuckyError).exitCode).toBe(2);
    return (e as LuckyError).details;
  }
  throw new Error('expected the recipe to be rejected');
}

const v2 = (extra: Record<string, unknown> = {}) => ({ version: '2', name: 'test', strategy: 'advanced', ...extra });

describe('recipe schema: version 2', () => {
  it('fills every default of the advanced strategy (legacy loader values)', () => {
    const r = parseRecipe(v2());
    expect(r).toMatchObject({ version: '2', name: 'test', strategy: 'advanced', tickets: 10, numbers_per_ticket: 5, history: 500, seed: 1 });
    if (r.strategy !== 'advanced') throw new Error('narrowing');
    expect(r.params).toEqual({
      lambda: 0.08,
      hot_cold_boost: 1.5,
      hot_window: 15,
      coocc_window: 100,
      cands_mult: 100,
      hill_iter: 100,
      alpha: 1.5,
      beta: 0.5,
      gamma: 1,
      cluster_penalty: 2,
      smart_filters: { enabled: true, mean_min: 24, mean_max: 56, min_odd: 1, min_even: 1, max_consecutive: 2 },
      evolutionary: true,
      generations: 40,
      mutation_rate: 0.15,
      population_size: 100,
      elites: 10,
    });
  });

  it('fills the frequency and random defaults, and random has no params', () => {
    expect(parseRecipe(v2({ strategy: 'frequency' })).params).toEqual({ mode: 'hot', window: 0, lambda: 0.08, pool: 20 });
    expect(parseRecipe(v2({ strategy: 'random' })).params).toEqual({});
  });

  it('accepts $schema and drops it; smart_filters: false is shorthand for the defaults, disabled', () => {
    const r = parseRecipe(v2({ $schema: './recipe.schema.json', params: { smart_filters: false } }));
    expect(r).not.toHaveProperty('$schema');
    if (r.strategy !== 'advanced') throw new Error('narrowing');
    expect(r.params.smart_filters).toEqual({ enabled: false, mean_min: 24, mean_max: 56, min_odd: 1, min_even: 1, max_consecutive: 2 });
  });

  it('round-trips: the canonical JSON parses back to the same recipe and hash', () => {
    for (const strategy of ['random', 'frequency', 'advanced']) {
      const r = parseRecipe(v2({ strategy, description: 'd', seed: 42, numbers_per_ticket: 7 }));
      const again = parseRecipe(JSON.parse(canonicalRecipeJson(r)));
      expect(again).toEqual(r);
      expect(recipeHash(again)).toBe(recipeHash(r));
    }
  });

  it('canonical JSON has sorted keys and no whitespace; key order of the input does not matter', () => {
    const a = parseRecipe({ version: '2', name: 'x', strategy: 'frequency', params: { pool: 30, mode: 'cold' } });
    const b = parseRecipe({ params: { mode: 'cold', pool: 30 }, strategy: 'frequency', name: 'x', version: '2' });
    expect(canonicalRecipeJson(a)).toBe(canonicalRecipeJson(b));
    expect(canonicalRecipeJson(a)).toBe(
      '{"history":500,"name":"x","numbers_per_ticket":5,"params":{"lambda":0.08,"mode":"cold","pool":30,"window":0},"seed":1,"strategy":"frequency","tickets":10,"version":"2"}',
    );
    expect(recipeHash(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(recipeHash(parseRecipe({ ...JSON.parse(canonicalRecipeJson(a)), seed: 2 }))).not.toBe(recipeHash(a));
  });
});

describe('recipe schema: invalid recipes give one path: problem line per issue', () => {
  it('unknown keys, at the top and in params, name what is allowed', () => {
    expect(problems(v2({ colour: 'red' }))).toEqual([expect.stringMatching(/^colour: unknown key \(allowed: .*tickets.*\)$/)]);
    expect(problems(v2({ params: { alphaa: 1 } }))).toEqual([expect.stringMatching(/^params\.alphaa: unknown key \(allowed: lambda, .*\)$/)]);
  });

  it('a knob of another strategy is rejected, not silently ignored', () => {
    expect(problems(v2({ strategy: 'frequency', params: { alpha: 2 } }))).toEqual(['params.alpha: unknown key (allowed: mode, window, lambda, pool)']);
    expect(problems(v2({ strategy: 'random', params: { mode: 'hot' } }))[0]).toMatch(/^params\.mode: unknown key/);
  });

  it('wrong types and out-of-range values', () => {
    expect(problems(v2({ tickets: '10' }))).toEqual(['tickets: must be a number, got "10"']);
    expect(problems(v2({ tickets: 2.5 }))).toEqual(['tickets: must be a whole number']);
    expect(problems(v2({ numbers_per_ticket: 16 }))).toEqual(['numbers_per_ticket: must be at most 15']);
    expect(problems(v2({ numbers_per_ticket: 4 }))).toEqual(['numbers_per_ticket: must be at least 5']);
    expect(problems(v2({ history: 0 }))).toEqual(['history: must be at least 1']);
    expect(problems(v2({ seed: -1 }))).toEqual(['seed: must be at least 0']);
    expect(problems(v2({ seed: 2 ** 32 }))).toEqual(['seed: must be at most 4294967295']);
    expect(problems(v2({ params: { mutation_rate: 1.5, evolutionary: 'yes' } })).sort()).toEqual([
      'params.evolutionary: must be true or false, got "yes"',
      'params.mutation_rate: must be at most 1',
    ]);
    expect(problems(v2({ strategy: 'frequency', params: { mode: 'warm' } }))).toEqual(['params.mode: must be "hot" or "cold", got "warm"']);
  });

  it('every problem at once, not just the first', () => {
    expect(problems(v2({ tickets: 0, history: -5, colour: 1, params: { beta: -1 } }))).toHaveLength(4);
  });

  it('nonsense combinations: all weights zero, population not above elites, impossible filters, too many candidates', () => {
    expect(problems(v2({ params: { alpha: 0, beta: 0, gamma: 0 } }))).toEqual([expect.stringMatching(/^params: alpha, beta and gamma are all 0/)]);
    expect(problems(v2({ params: { population_size: 5, elites: 10 } }))).toEqual([
      expect.stringMatching(/^params\.population_size: must be greater than elites \(10\)/),
    ]);
    expect(problems(v2({ params: { population_size: 10, elites: 10 } }))).toHaveLength(1);
    expect(problems(v2({ params: { smart_filters: { mean_min: 50, mean_max: 40 } } }))).toEqual([
      'params.smart_filters.mean_min: must not exceed mean_max (40)',
    ]);
    expect(problems(v2({ params: { smart_filters: { min_odd: 3, min_even: 3 } } }))).toEqual([
      expect.stringMatching(/^params\.smart_filters\.min_odd: min_odd \+ min_even \(6\) exceeds numbers_per_ticket \(5\)/),
    ]);
    expect(problems(v2({ numbers_per_ticket: 15, params: { smart_filters: { mean_min: 5, mean_max: 7 } } }))).toEqual([
      'params.smart_filters.mean_max: no 15-number ticket has a mean below 8',
    ]);
    expect(problems(v2({ tickets: 1000, params: { cands_mult: 1000 } }))).toEqual([
      expect.stringMatching(/^params\.cands_mult: tickets x cands_mult x 5 \(smart filters\) = 5000000 candidates; at most 200000$/),
    ]);
    expect(problems(v2({ strategy: 'frequency', numbers_per_ticket: 10, params: { pool: 8 } }))).toEqual([
      'params.pool: must be at least numbers_per_ticket (10)',
    ]);
  });

  it('a missing or unknown strategy still reports the shared fields', () => {
    expect(problems({ version: '2', name: 'x', numbers_per_ticket: 16 })).toEqual(['strategy: required', 'numbers_per_ticket: must be at most 15']);
    expect(problems({ version: '2', name: 'x', strategy: 'psychic' })).toEqual(['strategy: must be one of "random", "frequency", "advanced", got "psychic"']);
  });

  it('version, name and the root type', () => {
    expect(problems({ version: '3', name: 'x', strategy: 'random' })).toEqual(['version: must be "2" (or a legacy "1.0" recipe with "parameters"), got "3"']);
    expect(problems({ version: '2', strategy: 'random' })).toEqual(['name: required']);
    expect(problems({ version: '2', name: '  ', strategy: 'random' })).toEqual(['name: must not be empty']);
    expect(problems([])).toEqual(['(root): a recipe must be a JSON object, got an array']);
    expect(problems(null)).toEqual(['(root): a recipe must be a JSON object, got null']);
  });
});

describe('recipe schema: legacy formats', () => {
  const v1 = {
    version: '1.0',
    name: 'Conservative Strategy',
    description: 'from the old design doc',
    metadata: { created_by: 'someone', tags: ['safe'] },
    parameters: {
      alpha: 0.3,
      beta: 0.25,
      gamma: 0.25,
      delta: 0.2,
      sim_prev_max: 500,
      sim_preds: 25,
      enableEvolutionary: true,
      generations: 5,
      mutationRate: 0.1,
      populationSize: 50,
    },
  };

  it('maps version 1.0 onto the advanced strategy', () => {
    const { recipe, format, notes } = parseRecipeDetailed(v1);
    expect(format).toBe('legacy-v1');
    expect(notes.join('\n')).toMatch(/metadata: dropped/);
    expect(recipe).toMatchObject({
      version: '2',
      name: 'Conservative Strategy',
      description: 'from the old design doc',
      strategy: 'advanced',
      tickets: 25,
      history: 500,
    });
    if (recipe.strategy !== 'advanced') throw new Error('narrowing');
    expect(recipe.params).toMatchObject({
      alpha: 0.3,
      beta: 0.25,
      gamma: 0.25,
      cluster_penalty: 0.2,
      evolutionary: true,
      generations: 5,
      mutation_rate: 0.1,
      population_size: 50,
    });
    // knobs the old format lacks take the version 2 defaults
    expect(recipe.params.lambda).toBe(0.08);
  });

  it('maps the flat preset form (the old database seeds)', () => {
    const { recipe, format } = parseRecipeDetailed({ alpha: 0.35, beta: 0.25, gamma: 0.2, delta: 0.2, sim_prev_max: 400, sim_preds: 25 });
    expect(format).toBe('legacy-flat');
    expect(recipe).toMatchObject({ strategy: 'advanced', tickets: 25, history: 400, name: 'legacy-preset' });
    if (recipe.strategy !== 'advanced') throw new Error('narrowing');
    expect(recipe.params).toMatchObject({ alpha: 0.35, beta: 0.25, gamma: 0.2, cluster_penalty: 0.2 });
  });

  it('a legacy recipe equal to a version 2 one hashes the same', () => {
    const legacy = parseRecipe({ version: '1.0', name: 'x', parameters: { alpha: 1, beta: 0.5, gamma: 1, delta: 2, sim_prev_max: 300, sim_preds: 12 } });
    const modern = parseRecipe({ version: '2', name: 'x', strategy: 'advanced', tickets: 12, history: 300, params: { alpha: 1, cluster_penalty: 2 } });
    expect(recipeHash(legacy)).toBe(recipeHash(modern));
  });

  it('[12.6.1] accepts an old recipe with evolution off and placeholder genetic-search values', () => {
    const old = {
      version: '1.0',
      name: 'old',
      parameters: {
        alpha: 0.3,
        beta: 0.25,
        gamma: 0.25,
        delta: 0.2,
        sim_prev_max: 500,
        sim_preds: 10,
        enableEvolutionary: false,
        generations: 0,
        mutationRate: 0.0,
        populationSize: 0,
      },
    };
    const { recipe, notes } = parseRecipeDetailed(old);
    if (recipe.strategy !== 'advanced') throw new Error('narrowing');
    expect(recipe.params.evolutionary).toBe(false);
    expect(notes.join('\n')).toMatch(
      /parameters\.generations, parameters\.mutationRate, parameters\.populationSize: ignored because enableEvolutionary is false/,
    );
    // the same recipe with evolution on still has its values checked
    expect(problems({ ...old, parameters: { ...old.parameters, enableEvolutionary: true } })).toContain('parameters.generations: must be at least 1');
  });

  it('errors name the legacy keys the user wrote', () => {
    expect(problems({ ...v1, parameters: { ...v1.parameters, sim_preds: 0, delta: -1, lambda: 0.1 } })).toEqual([
      expect.stringMatching(/^parameters\.lambda: unknown legacy parameter/),
      'parameters.sim_preds: must be at least 1',
      'parameters.delta: must be at least 0',
    ]);
    expect(problems({ alpha: 0.3, sim_preds: 'many', risk: 'low' })).toEqual([
      expect.stringMatching(/^risk: unknown key in a legacy preset/),
      'sim_preds: must be a number, got "many"',
    ]);
    expect(problems({ version: '1.0', name: 'x' })).toEqual(['parameters: required in a version 1.0 recipe']);
  });
});

describe('recipe JSON Schema', () => {
  it('recipes/recipe.schema.json is up to date (regenerate: npm run gen:recipe-schema)', () => {
    const committed = readFileSync(join(RECIPES_DIR, RECIPE_SCHEMA_FILE), 'utf8');
    expect(committed).toBe(recipeJsonSchemaText());
  });

  it('documents every advanced knob with its default', () => {
    const schema = JSON.parse(recipeJsonSchemaText());
    const advanced = schema.oneOf.find((s: any) => s.properties.strategy.const === 'advanced');
    const params = advanced.properties.params.properties;
    for (const [key, def] of Object.entries({ lambda: 0.08, hot_cold_boost: 1.5, cands_mult: 100, cluster_penalty: 2, elites: 10 })) {
      expect(params[key].default).toBe(def);
      expect(params[key].description.length).toBeGreaterThan(10);
    }
  });
});
