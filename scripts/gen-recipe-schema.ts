/** Regenerates recipes/recipe.schema.json from the zod recipe schema: `npx tsx scripts/gen-recipe-schema.ts`. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { recipeJsonSchemaText } from '../src/core/recipe/json-schema.js';
import { RECIPE_SCHEMA_FILE, RECIPES_DIR } from '../src/engine/recipe-files.js';

const target = join(RECIPES_DIR, RECIPE_SCHEMA_FILE);
writeFileSync(target, recipeJsonSchemaText());
console.log(`wrote ${target}`);
