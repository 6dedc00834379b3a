/** The stable JSON shape of a run index row, as `runs list --json` prints it and `GET /runs` returns it. */
import type { RunRow } from '../store/runs-repo.js';

/** A run index row as JSON: snake_case, the recipe as an object, no bookkeeping columns. */
export type RunJson = Omit<RunRow, 'recipe_json' | 'synthetic' | 'owner' | 'best_of_baseline' | `lift_${string}`> & {
  synthetic_data: boolean;
  recipe: unknown;
};

/** The stable JSON shape of a run index row (snake_case; recipe as an object). */
export function runRowJson(r: RunRow): RunJson {
  // The owner (pid@host) is bookkeeping, not part of a run's description; the best-of baselines are
  // an internal cache (src/engine/run-metrics.ts): `runs show` has the full report.
  // The stored lifts are the lists' sort keys (src/store/runs-repo.ts), not figures of their own.
  const { recipe_json, synthetic, owner: _owner, best_of_baseline: _bestOf, ...withLifts } = r;
  const rest = Object.fromEntries(Object.entries(withLifts).filter(([k]) => !k.startsWith('lift_'))) as Omit<RunJson, 'synthetic_data' | 'recipe'>;
  return { ...rest, synthetic_data: synthetic === 1, recipe: JSON.parse(recipe_json) as unknown };
}
