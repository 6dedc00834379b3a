/**
 * The recipe use cases: the shipped presets, validation, showing a preset or a recipe file, the
 * starter file of `recipes init`, and the named recipes saved in the catalog (at most one the
 * default, used by `POST /simulations` when the body names no recipe). Recipes are stored
 * normalized, so a saved recipe hashes like the same recipe given inline.
 */
import { existsSync, linkSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { RECIPES_DIR, RECIPE_SCHEMA_FILE, listPresets, loadPreset, presetNames, presetPath, readRecipeFileDetailed } from '../engine/recipe-files.js';
import type { RecipeFormat } from '../core/recipe/legacy.js';
import { type ParsedRecipe, type Recipe, parseRecipe, parseRecipeDetailed, recipeHash } from '../core/recipe/schema.js';
import { LuckyError } from '../errors.js';
import * as saved from '../store/saved-recipes-repo.js';
import type { UseCaseDeps } from './deps.js';

/** What a saved recipe's name may be: letters, digits, dot, dash and underscore, starting with a letter or digit, at most 64. */

/** A recipe shipped with luckyfive. */
export interface PresetDocument {
  name: string;
  description: string;
  strategy: string;
  recipe_hash: string;
  recipe: Recipe;
}

function presetDocument(name: string, recipe: Recipe): PresetDocument {
  return { name, description: recipe.description ?? '', strategy: recipe.strategy, recipe_hash: recipeHash(recipe), recipe };
}

/** Every shipped preset, by name, normalized, with its hash (`recipes list --json`, `GET /presets`). Refuses nothing. */
export function listPresetRecipes(): PresetDocument[] {
  return listPresets().map((p) => presetDocument(p.name, p.recipe));
}

/** One shipped preset (`GET /presets/{name}`); an unknown name is E_NOT_FOUND listing the presets. */
export function showPreset(input: { name: string }): PresetDocument {
  const names = presetNames();
  if (!names.includes(input.name)) throw new LuckyError('E_NOT_FOUND', `no preset "${input.name}"; presets: ${names.join(', ')}`);
  return presetDocument(input.name, loadPreset(input.name));
}

/** A preset or a recipe file, as read: where it came from, its format and what a legacy conversion assumed. */
export interface ShownRecipe {
  /** `preset:NAME` or `file:PATH` */
  source: string;
  format: RecipeFormat;
  notes: string[];
  recipe_hash: string;
  recipe: Recipe;
}

/**
 * A preset by name, or else a recipe file by path (relative to `cwd`), normalized with every
 * default filled (`recipes show`). Refuses a name that is neither (E_NOT_FOUND) and an invalid
 * file (E_RECIPE_INVALID).
 */
export function showRecipe(input: { name: string; cwd: string }): ShownRecipe {
  const names = presetNames();
  let source: string;
  let parsed: ParsedRecipe;
  if (names.includes(input.name)) {
    source = `preset:${input.name}`;
    parsed = readRecipeFileDetailed(presetPath(input.name));
  } else if (existsSync(resolve(input.cwd, input.name))) {
    source = `file:${input.name}`;
    parsed = readRecipeFileDetailed(resolve(input.cwd, input.name));
  } else {
    throw new LuckyError('E_NOT_FOUND', `"${input.name}" is neither a preset (${names.join(', ')}) nor a recipe file`);
  }
  return { source, format: parsed.format, notes: parsed.notes, recipe_hash: recipeHash(parsed.recipe), recipe: parsed.recipe };
}

/** A recipe checked without storing it. */
export interface RecipeValidation {
  valid: boolean;
  /** `path: problem` lines, paths inside the recipe; empty when valid */
  errors: string[];
  format: RecipeFormat | null;
  /** what a legacy conversion assumed or dropped */
  notes: string[];
  recipe_hash: string | null;
  /** the normalized recipe, when valid */
  recipe: Recipe | null;
}

/**
 * Checks a recipe (a value, or a file by absolute path) without storing it: valid with its
 * normalized form and hash, or invalid with every problem as a `path: problem` line. With
 * `refuse`, an invalid recipe is thrown instead (E_RECIPE_INVALID, the problems as details).
 * A file that cannot be read is refused either way (E_NOT_FOUND, E_DATA_INVALID).
 */
export function validateRecipe(input: ({ recipe: unknown } | { file: string }) & { refuse?: boolean }): RecipeValidation {
  let parsed: ParsedRecipe;
  try {
    parsed = 'file' in input ? readRecipeFileDetailed(input.file) : parseRecipeDetailed(input.recipe);
  } catch (e) {
    if (input.refuse || !(e instanceof LuckyError) || e.code !== 'E_RECIPE_INVALID') throw e;
    return { valid: false, errors: e.details.length ? e.details : [e.message], format: null, notes: [], recipe_hash: null, recipe: null };
  }
  return { valid: true, errors: [], format: parsed.format, notes: parsed.notes, recipe_hash: recipeHash(parsed.recipe), recipe: parsed.recipe };
}

/** Keys in reading order (the parser's output follows the schema's field order). */
export function orderedRecipe(r: Recipe): Record<string, unknown> {
  const { version, name, description, strategy, tickets, numbers_per_ticket, history, seed, params } = r;
  return { version, name, description, strategy, tickets, numbers_per_ticket, history, seed, params };
}

/**
 * Writes a starter recipe to `target` (an absolute path) from a preset, every key spelled out and
 * a `$schema` key for editors; `label` is how the user named the file (for the hint in its
 * description). Never leaves a half-written file. Refuses an existing file unless `force`
 * (E_CONFLICT), an unknown preset (E_NOT_FOUND, nothing written) and a missing folder (E_NOT_FOUND).
 * Returns the path written.
 */
export function writeStarterRecipe(input: { target: string; label: string; preset: string; force: boolean }): { path: string } {
  const { target } = input;
  if (existsSync(target) && !input.force) throw new LuckyError('E_CONFLICT', `${target} already exists; pass --force to overwrite it`);
  const preset = loadPreset(input.preset);
  const name =
    basename(target)
      .replace(/\.json$/i, '')
      .slice(0, 100) || 'my-recipe';
  const schemaPath = relative(dirname(target), join(RECIPES_DIR, RECIPE_SCHEMA_FILE)).split(sep).join('/');
  const doc = {
    $schema: schemaPath.startsWith('.') ? schemaPath : `./${schemaPath}`,
    ...orderedRecipe({ ...preset, name, description: `Started from the "${input.preset}" preset. Check it with: luckyfive recipes validate ${input.label}` }),
  };
  parseRecipe(doc); // what we write must validate
  writeAtomically(target, `${JSON.stringify(doc, null, 2)}\n`, input.force);
  return { path: target };
}

/** Never leaves a half-written file: write a temporary file, then link (no overwrite) or rename. */
function writeAtomically(target: string, text: string, overwrite: boolean): void {
  const tmp = `${target}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text, { flag: 'wx' });
    if (overwrite) renameSync(tmp, target);
    else {
      try {
        linkSync(tmp, target);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new LuckyError('E_CONFLICT', `${target} already exists; pass --force to overwrite it`);
        throw e;
      }
    }
  } catch (e) {
    if (e instanceof LuckyError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new LuckyError('E_NOT_FOUND', `cannot write ${target}: its folder does not exist`);
    throw new LuckyError('E_DATA_INVALID', `cannot write ${target}: ${(e as Error).message}`, [], { cause: e });
  } finally {
    if (existsSync(tmp)) unlinkSync(tmp);
  }
}

/** A named recipe saved in the catalog, normalized. */
export interface SavedRecipe {
  name: string;
  strategy: string;
  recipe_hash: string;
  is_default: boolean;
  recipe: Recipe;
  created_at: string;
  updated_at: string;
}

function savedRecipe(row: saved.SavedRecipeRow): SavedRecipe {
  const recipe = parseRecipe(JSON.parse(row.recipe_json));
  return {
    name: row.name,
    strategy: recipe.strategy,
    recipe_hash: row.recipe_hash,
    is_default: row.is_default === 1,
    recipe,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/** Saved recipes by name after `after` (the previous page's last name), at most `limit`; `more` says whether a next page exists. Refuses nothing. */
export function listSavedRecipes(
  deps: Pick<UseCaseDeps, 'catalog'>,
  input: { after?: string | undefined; limit: number },
): { items: SavedRecipe[]; more: boolean } {
  const rows = saved.listSavedRecipes(deps.catalog.db, { after: input.after, limit: input.limit + 1 });
  return { items: rows.slice(0, input.limit).map(savedRecipe), more: rows.length > input.limit };
}

/** One saved recipe; E_NOT_FOUND when no recipe has that name. */
export function showSavedRecipe(deps: Pick<UseCaseDeps, 'catalog'>, input: { name: string }): SavedRecipe {
  return savedRecipe(saved.requireSavedRecipe(deps.catalog.db, input.name));
}

/** Saves a (parsed) recipe under a new name; E_CONFLICT when the name is taken. Returns the saved recipe. */
export function saveRecipe(deps: Pick<UseCaseDeps, 'catalog' | 'clock'>, input: { name: string; recipe: Recipe }): SavedRecipe {
  return savedRecipe(saved.insertSavedRecipe(deps.catalog.db, input.name, input.recipe, deps.clock.now));
}

/** Replaces a saved recipe (runs already made keep the recipe they ran); E_NOT_FOUND when there is none. */
export function replaceSavedRecipe(deps: Pick<UseCaseDeps, 'catalog' | 'clock'>, input: { name: string; recipe: Recipe }): SavedRecipe {
  return savedRecipe(saved.updateSavedRecipe(deps.catalog.db, input.name, input.recipe, deps.clock.now));
}

/** Deletes a saved recipe; E_NOT_FOUND when there is none. */
export function deleteSavedRecipe(deps: Pick<UseCaseDeps, 'catalog'>, input: { name: string }): { name: string; deleted: true } {
  saved.deleteSavedRecipe(deps.catalog.db, input.name);
  return { name: input.name, deleted: true };
}

/** Makes a saved recipe the one default (the previous default stops being it); E_NOT_FOUND when there is none. */
export function makeDefaultRecipe(deps: Pick<UseCaseDeps, 'catalog' | 'clock'>, input: { name: string }): SavedRecipe {
  return savedRecipe(saved.setDefaultRecipe(deps.catalog.db, input.name, deps.clock.now));
}
