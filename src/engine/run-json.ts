import type { RunRow } from '../store/runs-repo.js';

/** The stable JSON shape of a run index row (snake_case; recipe as an object). */
export function runRowJson(r: RunRow): Record<string, unknown> {
  const { recipe_json, synthetic, best_of_baseline, ...rest } = r;
  // The best-of baselines are an internal cache (src/engine/run-metrics.ts); `runs show` has the full report.
  void best_of_baseline;
  return { ...rest, synthetic_data: synthetic === 1, recipe: JSON.parse(recipe_json) as unknown };
}
