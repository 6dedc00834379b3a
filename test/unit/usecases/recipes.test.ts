/** The recipe use cases: presets, validation, the starter file and the saved recipes in a catalog. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readClock } from '../../../src/clock.js';
import { parseRecipe, recipeHash } from '../../../src/core/recipe/schema.js';
import { type Catalog, openCatalog } from '../../../src/store/catalog.js';
import {
  deleteSavedRecipe,
  listPresetRecipes,
  listSavedRecipes,
  makeDefaultRecipe,
  replaceSavedRecipe,
  saveRecipe,
  showPreset,
  showRecipe,
  showSavedRecipe,
  validateRecipe,
  writeStarterRecipe,
} from '../../../src/usecases/recipes.js';
import { tempDir } from '../../helpers/cli.js';

let dir: string;
let cleanup: () => void;
let catalog: Catalog;
const clock = readClock(new Date('2026-01-02T03:04:05Z'));
const RANDOM = { version: '2', name: 'r', strategy: 'random', tickets: 3 };

beforeAll(() => {
  ({ dir, cleanup } = tempDir());
  catalog = openCatalog(dir);
});
afterAll(() => {
  catalog.close();
  cleanup();
});

describe('recipe use cases', () => {
  it('lists the presets with their hashes; one by name; an unknown name is E_NOT_FOUND', () => {
    const presets = listPresetRecipes();
    expect(presets.map((p) => p.name)).toContain('balanced');
    for (const p of presets) expect(p.recipe_hash).toBe(recipeHash(p.recipe));
    expect(showPreset({ name: 'balanced' })).toEqual(presets.find((p) => p.name === 'balanced'));
    expect(() => showPreset({ name: 'reckless' })).toThrow(expect.objectContaining({ code: 'E_NOT_FOUND' }));
  });

  it('shows a preset or a file relative to cwd, and refuses a name that is neither', () => {
    expect(showRecipe({ name: 'balanced', cwd: dir }).source).toBe('preset:balanced');
    writeFileSync(join(dir, 'mine.json'), JSON.stringify(RANDOM));
    const shown = showRecipe({ name: 'mine.json', cwd: dir });
    expect(shown).toMatchObject({ source: 'file:mine.json', format: 'v2', recipe: { strategy: 'random', tickets: 3 } });
    expect(() => showRecipe({ name: 'nowhere.json', cwd: dir })).toThrow(expect.objectContaining({ code: 'E_NOT_FOUND' }));
  });

  it('validates a value or a file: problems as path lines, or thrown with refuse', () => {
    expect(validateRecipe({ recipe: RANDOM })).toMatchObject({ valid: true, errors: [], format: 'v2' });
    const bad = validateRecipe({ recipe: { ...RANDOM, tickets: 0 } });
    expect(bad).toMatchObject({ valid: false, format: null, recipe: null, recipe_hash: null });
    expect(bad.errors[0]).toMatch(/^tickets: /);
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ ...RANDOM, tickets: 0 }));
    expect(validateRecipe({ file }).valid).toBe(false);
    expect(() => validateRecipe({ file, refuse: true })).toThrow(expect.objectContaining({ code: 'E_RECIPE_INVALID' }));
    expect(() => validateRecipe({ file: join(dir, 'absent.json') })).toThrow(expect.objectContaining({ code: 'E_NOT_FOUND' }));
  });

  it('writes a starter recipe that validates, and refuses to overwrite without force', () => {
    const target = join(dir, 'starter.json');
    expect(writeStarterRecipe({ target, label: 'starter.json', preset: 'aggressive', force: false }).path).toBe(target);
    expect(validateRecipe({ file: target }).valid).toBe(true);
    expect(JSON.parse(readFileSync(target, 'utf8')).$schema).toMatch(/recipe\.schema\.json$/);
    expect(() => writeStarterRecipe({ target, label: 'starter.json', preset: 'aggressive', force: false })).toThrow(
      expect.objectContaining({ code: 'E_CONFLICT' }),
    );
    expect(() => writeStarterRecipe({ target: join(dir, 'never.json'), label: 'never.json', preset: 'reckless', force: false })).toThrow(
      expect.objectContaining({ code: 'E_NOT_FOUND' }),
    );
    expect(existsSync(join(dir, 'never.json'))).toBe(false);
  });

  it('saves, pages, replaces, makes default and deletes named recipes', () => {
    const deps = { catalog, clock };
    const a = saveRecipe(deps, { name: 'a', recipe: parseRecipe(RANDOM) });
    expect(a).toMatchObject({ name: 'a', strategy: 'random', is_default: false, created_at: clock.now });
    expect(() => saveRecipe(deps, { name: 'a', recipe: parseRecipe(RANDOM) })).toThrow(expect.objectContaining({ code: 'E_CONFLICT' }));
    saveRecipe(deps, { name: 'b', recipe: parseRecipe(RANDOM) });
    const first = listSavedRecipes(deps, { limit: 1 });
    expect(first.items.map((r) => r.name)).toEqual(['a']);
    expect(first.more).toBe(true);
    expect(listSavedRecipes(deps, { after: 'a', limit: 1 })).toMatchObject({ items: [{ name: 'b' }], more: false });
    expect(replaceSavedRecipe(deps, { name: 'b', recipe: parseRecipe({ ...RANDOM, tickets: 7 }) }).recipe.tickets).toBe(7);
    expect(makeDefaultRecipe(deps, { name: 'b' }).is_default).toBe(true);
    expect(makeDefaultRecipe(deps, { name: 'a' }).is_default).toBe(true);
    expect(showSavedRecipe(deps, { name: 'b' }).is_default).toBe(false);
    expect(deleteSavedRecipe(deps, { name: 'a' })).toEqual({ name: 'a', deleted: true });
    expect(() => showSavedRecipe(deps, { name: 'a' })).toThrow(expect.objectContaining({ code: 'E_NOT_FOUND' }));
  });
});
