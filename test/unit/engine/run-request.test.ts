// Resolving a run request once for every front-end: recipe source (a relative file read from the
// caller's directory), seed override, the range rule and the plan, refusals named per dialect.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODY_DIALECT, resolveRequestRecipe, resolveRunRequest } from '../../../src/engine/run-request.js';
import { isLuckyError } from '../../../src/errors.js';
import { type Catalog, openCatalog } from '../../../src/store/catalog.js';
import { tempDir } from '../../helpers/cli.js';
import { makeDraws, seedDraws } from '../../helpers/draws.js';

const TINY = { version: '2', name: 'tiny', strategy: 'random', tickets: 3, numbers_per_ticket: 5, history: 30, seed: 11 };

let dir: string;
let cleanup: () => void;
let catalog: Catalog;

beforeAll(() => {
  ({ dir, cleanup } = tempDir());
  seedDraws(dir, makeDraws(4001, 4100));
  catalog = openCatalog(dir);
  mkdirSync(join(dir, 'work'));
  writeFileSync(join(dir, 'work', 'tiny.json'), JSON.stringify(TINY));
});
afterAll(() => {
  catalog.close();
  cleanup();
});

function refusal(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    if (isLuckyError(e)) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('resolveRequestRecipe', () => {
  it('reads a relative recipe file from the given working directory and applies the seed', () => {
    const { recipe } = resolveRequestRecipe(catalog, { recipe_file: 'tiny.json', seed: 5 }, { cwd: join(dir, 'work') });
    expect(recipe).toMatchObject({ name: 'tiny', seed: 5 });
  });

  it('on the command line: two sources or none are E_USAGE, an unknown preset E_NOT_FOUND', () => {
    expect(refusal(() => resolveRequestRecipe(catalog, { recipe_file: 'x.json', preset: 'balanced' })).message).toBe('give --recipe or --preset, not both');
    expect(refusal(() => resolveRequestRecipe(catalog, {})).code).toBe('E_USAGE');
    expect(refusal(() => resolveRequestRecipe(catalog, { preset: 'reckless' })).code).toBe('E_NOT_FOUND');
  });

  it('in a body: refusals are E_INPUT_INVALID naming body fields; inline recipe problems carry body.recipe paths', () => {
    const both = refusal(() => resolveRequestRecipe(catalog, { preset: 'balanced', recipe: TINY }, { dialect: BODY_DIALECT }));
    expect(both.code).toBe('E_INPUT_INVALID');
    expect(both.details[0]).toMatch(/^body\.recipe: give one of preset, recipe or recipe_name, not preset and recipe/);
    expect(refusal(() => resolveRequestRecipe(catalog, { preset: 'reckless' }, { dialect: BODY_DIALECT })).details[0]).toMatch(
      /^body\.preset: unknown preset "reckless"/,
    );
    expect(refusal(() => resolveRequestRecipe(catalog, { recipe: { ...TINY, tickets: 0 } }, { dialect: BODY_DIALECT })).details[0]).toMatch(
      /^body\.recipe\.tickets: /,
    );
  });
});

describe('resolveRunRequest', () => {
  it('plans once and returns the resolved request with the plan it was checked with', () => {
    const { request, plan } = resolveRunRequest({ catalog }, { recipe: TINY, last: 10, name: 'n' }, { dialect: BODY_DIALECT });
    expect(plan).toMatchObject({ first_contest: 4091, last_contest: 4100 });
    expect(request).toMatchObject({ from: 4091, to: 4100, name: 'n', threads: null, dataset_hash: plan.dataset_hash });
    expect(request.recipe.seed).toBe(11);
  });

  it('refuses the range before anything else, and threads above the pool', () => {
    expect(refusal(() => resolveRunRequest({ catalog }, { recipe: TINY, from: 4050, to: 4010 })).code).toBe('E_RANGE_INVALID');
    expect(refusal(() => resolveRunRequest({ catalog }, { recipe: TINY, last: 5, threads: 3 }, { dialect: BODY_DIALECT, maxThreads: 2 })).details[0]).toBe(
      "body.threads: at most 2 (the server's worker pool)",
    );
    const outside = refusal(() => resolveRunRequest({ catalog }, { recipe: TINY, from: 4090, to: 4200 }, { dialect: BODY_DIALECT }));
    expect(outside.code).toBe('E_DATA_MISSING');
    expect(outside.details[0]).toMatch(/^body\.from: /);
  });
});
