/**
 * Named recipes saved in the catalog (`saved_recipes`). Recipes are stored normalized (the
 * canonical JSON of the parsed recipe) with their hash, so a saved recipe hashes like the same
 * recipe given inline. At most one is the default.
 */
import { type Recipe, canonicalRecipeJson, recipeHash } from '../core/recipe/schema.js';
import { LuckyError } from '../errors.js';
import { type Db, prepareCached } from './sqlite.js';

export interface SavedRecipeRow {
  id: number;
  name: string;
  recipe_json: string;
  recipe_hash: string;
  is_default: number;
  created_at: string;
  updated_at: string;
}

export function readSavedRecipe(db: Db, name: string): SavedRecipeRow | undefined {
  return prepareCached(db, 'SELECT * FROM saved_recipes WHERE name = ?').get(name) as SavedRecipeRow | undefined;
}

export function requireSavedRecipe(db: Db, name: string): SavedRecipeRow {
  const row = readSavedRecipe(db, name);
  if (!row) throw new LuckyError('E_NOT_FOUND', `no saved recipe named "${name}"`, ['list them with GET /api/v1/recipes']);
  return row;
}

export function readDefaultRecipe(db: Db): SavedRecipeRow | undefined {
  return prepareCached(db, 'SELECT * FROM saved_recipes WHERE is_default = 1').get() as SavedRecipeRow | undefined;
}

/** Saved recipes by name, after `after` (the previous page's last name). */
export function listSavedRecipes(db: Db, f: { after?: string | undefined; limit: number }): SavedRecipeRow[] {
  return prepareCached(db, 'SELECT * FROM saved_recipes WHERE (@after IS NULL OR name > @after) ORDER BY name LIMIT @limit').all({
    after: f.after ?? null,
    limit: f.limit,
  }) as SavedRecipeRow[];
}

export function insertSavedRecipe(db: Db, name: string, recipe: Recipe, now: string): SavedRecipeRow {
  return db
    .transaction(() => {
      if (readSavedRecipe(db, name))
        throw new LuckyError('E_CONFLICT', `a recipe named "${name}" is already saved`, ['change it with PUT /api/v1/recipes/{name}']);
      db.prepare('INSERT INTO saved_recipes (name, recipe_json, recipe_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(
        name,
        canonicalRecipeJson(recipe),
        recipeHash(recipe),
        now,
        now,
      );
      return readSavedRecipe(db, name)!;
    })
    .immediate();
}

export function updateSavedRecipe(db: Db, name: string, recipe: Recipe, now: string): SavedRecipeRow {
  const changes = db
    .prepare('UPDATE saved_recipes SET recipe_json = ?, recipe_hash = ?, updated_at = ? WHERE name = ?')
    .run(canonicalRecipeJson(recipe), recipeHash(recipe), now, name).changes;
  if (changes === 0) requireSavedRecipe(db, name);
  return readSavedRecipe(db, name)!;
}

export function deleteSavedRecipe(db: Db, name: string): void {
  if (db.prepare('DELETE FROM saved_recipes WHERE name = ?').run(name).changes === 0) requireSavedRecipe(db, name);
}

/** Makes `name` the one default recipe (the previous default, if any, stops being it). */
export function setDefaultRecipe(db: Db, name: string, now: string): SavedRecipeRow {
  return db
    .transaction(() => {
      requireSavedRecipe(db, name);
      db.prepare('UPDATE saved_recipes SET is_default = 0 WHERE is_default = 1 AND name <> ?').run(name);
      db.prepare('UPDATE saved_recipes SET is_default = 1, updated_at = ? WHERE name = ? AND is_default = 0').run(now, name);
      return readSavedRecipe(db, name)!;
    })
    .immediate();
}
