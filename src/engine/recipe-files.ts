/**
 * Reading recipes from disk: user files and the presets shipped in `recipes/`. The only I/O of
 * the recipe module; parsing stays in `schema.ts`.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LuckyError } from '../errors.js';
import { type ParsedRecipe, type Recipe, parseRecipeDetailed } from '../core/recipe/schema.js';

/**
 * `recipes/` at the package root: three levels up from both `src/core/recipe/` (tsx, tests) and
 * `dist/core/recipe/` (the built CLI).
 */
export const RECIPES_DIR = fileURLToPath(new URL('../../recipes/', import.meta.url));
export const RECIPE_SCHEMA_FILE = 'recipe.schema.json';

/** Reads and parses a recipe file in any accepted format, with how it was read. */
export function readRecipeFileDetailed(path: string): ParsedRecipe {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new LuckyError('E_NOT_FOUND', `recipe file not found: ${path}`);
    if (code === 'EISDIR') throw new LuckyError('E_RECIPE_INVALID', `${path} is a directory, not a recipe file`);
    throw new LuckyError('E_DATA_INVALID', `cannot read ${path}: ${(e as Error).message}`, [], { cause: e });
  }
  let json: unknown;
  try {
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw new LuckyError('E_RECIPE_INVALID', `${path} is not valid JSON`, [`(root): ${(e as Error).message}`]);
  }
  try {
    return parseRecipeDetailed(json);
  } catch (e) {
    if (e instanceof LuckyError) throw new LuckyError(e.code, `${e.message} in ${path}`, e.details);
    throw e;
  }
}

/** Reads and parses a recipe file (version 2 or a legacy format) into a normalized {@link Recipe}. */
export function readRecipeFile(path: string): Recipe {
  return readRecipeFileDetailed(path).recipe;
}

/** Names of the shipped presets, sorted. */
export function presetNames(): string[] {
  let files: string[];
  try {
    files = readdirSync(RECIPES_DIR);
  } catch (e) {
    throw new LuckyError('E_NOT_FOUND', `the presets folder is missing: ${RECIPES_DIR}`, [], { cause: e });
  }
  return files
    .filter((f) => f.endsWith('.json') && f !== RECIPE_SCHEMA_FILE)
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

/** The preset `recipes/<name>.json`; an unknown name is `E_NOT_FOUND` listing the presets. */
export function loadPreset(name: string): Recipe {
  const names = presetNames();
  if (!names.includes(name)) {
    throw new LuckyError('E_NOT_FOUND', `unknown preset "${name}"; presets: ${names.join(', ')}`);
  }
  return readRecipeFile(presetPath(name));
}

export function presetPath(name: string): string {
  return join(RECIPES_DIR, `${name}.json`);
}

/** Every shipped preset, parsed. */
export function listPresets(): Array<{ name: string; description: string; recipe: Recipe }> {
  return presetNames().map((name) => {
    const recipe = readRecipeFile(presetPath(name));
    return { name, description: recipe.description ?? '', recipe };
  });
}
