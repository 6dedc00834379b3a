/**
 * The JSON Schema of a recipe file, generated from {@link RecipeSchema} so editors show the same
 * keys, ranges, defaults and descriptions the parser enforces. `scripts/gen-recipe-schema.ts`
 * writes it to `recipes/recipe.schema.json`; a test fails when the committed file is stale.
 * Cross-field rules (e.g. population_size > elites) and the legacy formats are the parser's alone.
 */
import { z } from 'zod';
import { RecipeSchema } from './schema.js';

export function buildRecipeJsonSchema(): Record<string, unknown> {
  // draft-07: the dialect most editors validate against
  const schema = z.toJSONSchema(RecipeSchema, { io: 'input', target: 'draft-7' });
  return {
    $schema: schema.$schema,
    title: 'luckyfive recipe (version 2)',
    description:
      'A luckyfive strategy as data. Validate with `luckyfive recipes validate FILE`; legacy 1.0 and flat preset recipes are also accepted by the CLI.',
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$schema')),
  };
}

/** The file's exact text (2-space JSON with a final newline). */
export function recipeJsonSchemaText(): string {
  return `${JSON.stringify(buildRecipeJsonSchema(), null, 2)}\n`;
}
