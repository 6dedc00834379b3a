/**
 * `POST /api/v1/simulations`' body: the one run request (`core/run-request.ts`) without
 * `recipe_file` (a server reads no caller's paths), its recipe documented as a Recipe object.
 * Resolving it and the sync-or-job rule are the use case's (`usecases/simulations.ts`).
 */
import type { z } from 'zod';
import type { ParsedRecipe } from '../core/recipe/schema.js';
import { RunRequestSchema, parseInlineRecipe } from '../core/run-request.js';
import { RecipeObjectSchema } from './run-schemas.js';

export const SimulationBodySchema = RunRequestSchema.omit({ recipe_file: true }).extend({ recipe: RecipeObjectSchema.optional() }).meta({
  id: 'SimulationRequest',
  description: 'One of preset, recipe or recipe_name (none: the default saved recipe); from+to or last.',
});

export type SimulationBody = z.infer<typeof SimulationBodySchema>;

/** Parses a recipe given in a request body; problems are E_RECIPE_INVALID with `body.recipe.` paths. */
export function parseBodyRecipe(value: unknown): ParsedRecipe {
  return parseInlineRecipe(value, 'body.recipe');
}
