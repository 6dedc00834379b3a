import type { RunRow } from '../store/runs-repo.js';

/** The stable JSON shape of a run index row (snake_case; recipe as an object). */
export function runRowJson(r: RunRow): Record<string, unknown> {
  // The owner (pid@host) is bookkeeping, not part of a run's description.
  const { recipe_json, synthetic, owner: _owner, ...rest } = r;
  return { ...rest, synthetic_data: synthetic === 1, recipe: JSON.parse(recipe_json) as unknown };
}
