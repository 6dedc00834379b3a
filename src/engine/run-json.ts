import type { RunRow } from '../store/runs-repo.js';

/** The stable JSON shape of a run index row (snake_case; recipe as an object). */
export function runRowJson(r: RunRow): Record<string, unknown> {
  const { recipe_json, synthetic, ...rest } = r;
  return { ...rest, synthetic_data: synthetic === 1, recipe: JSON.parse(recipe_json) as unknown };
}
