// The one run request: its schema, and the resolved request a job stores (self-describing, read
// back with the same schema, older unversioned rows still read).
import { describe, expect, it } from 'vitest';
import { parseRecipe, recipeHash } from '../../../src/core/recipe/schema.js';
import { RunRequestSchema, buildResolvedRequest, parseResolvedRequest, resolvedRequestJson } from '../../../src/core/run-request.js';
import { isLuckyError } from '../../../src/errors.js';

const TINY = { version: '2', name: 'tiny', strategy: 'random', tickets: 3, numbers_per_ticket: 5, history: 30, seed: 11 };

function refusal(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    if (isLuckyError(e)) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('RunRequestSchema', () => {
  it('takes each recipe source, a range and the options; refuses unknown keys and out-of-range numbers', () => {
    expect(RunRequestSchema.safeParse({ preset: 'balanced', last: 5, seed: 1, threads: 2, name: 'x' }).success).toBe(true);
    expect(RunRequestSchema.safeParse({ recipe_file: 'r.json', from: 10, to: 20 }).success).toBe(true);
    expect(RunRequestSchema.safeParse({ recipe: TINY, last: 5, extra: 1 }).success).toBe(false);
    expect(RunRequestSchema.safeParse({ preset: 'balanced', seed: -1 }).success).toBe(false);
    expect(RunRequestSchema.safeParse({ preset: 'balanced', threads: 0 }).success).toBe(false);
    expect(RunRequestSchema.safeParse({ preset: 'Not A Preset' }).success).toBe(false);
  });
});

describe('the stored (resolved) request', () => {
  const recipe = parseRecipe(TINY);
  const resolved = buildResolvedRequest({
    preset: null,
    recipe_name: 'tiny',
    recipe,
    from: 4101,
    to: 4115,
    name: 'n',
    threads: 1,
    dataset_hash: 'd'.repeat(64),
  });

  it('round-trips: version, canonical recipe and its hash, range, seed, name, threads and dataset hash', () => {
    const json = resolvedRequestJson(resolved);
    expect(JSON.parse(json)).toMatchObject({
      version: 1,
      recipe_hash: recipeHash(recipe),
      from: 4101,
      to: 4115,
      seed: 11,
      name: 'n',
      threads: 1,
      dataset_hash: 'd'.repeat(64),
    });
    const back = parseResolvedRequest(json);
    expect(back.recipe).toEqual(recipe);
    expect(back.recipe_json).toBe(resolved.recipe_json);
    expect(back).toMatchObject({ recipe_name: 'tiny', recipe_hash: resolved.recipe_hash, from: 4101, to: 4115 });
  });

  it('reads a request stored before versions existed', () => {
    const old = parseResolvedRequest(JSON.stringify({ preset: null, recipe_name: null, recipe: TINY, from: 1, to: 2, name: null, threads: null }));
    expect(old).toMatchObject({ version: 1, from: 1, to: 2, name: null, threads: null, dataset_hash: null, recipe_hash: recipeHash(recipe) });
  });

  it('refuses a tampered recipe, a wrong seed, a missing range and bad JSON (E_DATA_INVALID)', () => {
    const doc = JSON.parse(resolvedRequestJson(resolved)) as Record<string, unknown>;
    const tampered = { ...doc, recipe: { ...(doc.recipe as object), tickets: 4 } };
    expect(refusal(() => parseResolvedRequest(JSON.stringify(tampered))).code).toBe('E_DATA_INVALID');
    expect(refusal(() => parseResolvedRequest(JSON.stringify({ ...doc, seed: 12 }))).message).toMatch(/seed 12/);
    expect(refusal(() => parseResolvedRequest(JSON.stringify({ recipe: TINY }))).code).toBe('E_DATA_INVALID');
    expect(refusal(() => parseResolvedRequest('{')).code).toBe('E_DATA_INVALID');
  });
});
