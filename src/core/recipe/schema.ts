// TEMPORARY SHIM for the simulate branch: replaced by the predictor branch's real recipe schema at merge.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { LuckyError, formatIssues } from '../../errors.js';

export const RecipeSchema = z.object({
  version: z.literal('2'),
  name: z.string(),
  strategy: z.enum(['random', 'frequency', 'advanced']),
  tickets: z.number().int().min(1).max(1000),
  numbers_per_ticket: z.number().int().min(5).max(15),
  history: z.number().int().min(1).max(10000),
  seed: z.number().int().min(0).default(1),
  params: z.record(z.string(), z.unknown()).default({}),
});
export type Recipe = z.infer<typeof RecipeSchema>;

export function parseRecipe(input: unknown): Recipe {
  const r = RecipeSchema.safeParse(input);
  if (!r.success) throw new LuckyError('E_RECIPE_INVALID', 'invalid recipe', formatIssues(r.error.issues));
  return r.data;
}
export function canonicalRecipeJson(r: Recipe): string {
  return JSON.stringify(r, Object.keys(r).sort());
}
export function recipeHash(r: Recipe): string {
  return createHash('sha256').update(canonicalRecipeJson(r)).digest('hex');
}
