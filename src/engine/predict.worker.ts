/**
 * The piscina worker: a thin adapter around the pure predictor. It receives a slice of the
 * compact history, one or more recipes and the contests to predict; it returns tickets as flat
 * typed arrays.
 *
 * Several recipes in one task is how a sweep shares window statistics: for each contest the
 * worker predicts every recipe that needs it back to back, through one PredictorCache, so the
 * window's counts, pair conditionals and recency weights are computed once per (contest, knobs
 * that shape them) and reused by every other recipe of the task that sees the same window.
 */
import { bestOfLaw, bestOfRng, encodeBestOfLaw } from '../core/best-of.js';
import { historyWindow } from '../core/draw.js';
import { type PredictorCache, createPredictorCache, predictTickets } from '../core/predictor/index.js';
import { type Recipe, parseRecipe } from '../core/recipe/schema.js';

export interface PredictTask {
  /** canonical recipe JSON; targets refer to recipes by index */
  recipes: string[];
  contests: Int32Array;
  balls: Uint8Array;
  /** for each target: its contest number, the history index it sees up to (exclusive), and the recipes to predict */
  targets: Array<{ contest: number; end: number; recipes: number[] }>;
  /** false: compute every window's statistics afresh (benchmarks measure the sharing this way) */
  share_stats?: boolean;
  /**
   * A view on a SharedArrayBuffer the caller sets to 1 to stop the task: it is read before each
   * prediction and the task then throws, so a pool thread is never terminated mid-task.
   */
  stop?: Int32Array;
}

export type PredictResult =
  /** best_of: the contest's best-of null law for these tickets (src/core/best-of.ts, encoded) */
  | { contest: number; recipe: number; numbers: Uint8Array; scores: Float64Array; best_of: Float64Array }
  /** a recipe that threw: the other recipes of the task are unaffected */
  | { contest: number; recipe: number; error: string };

const recipes = new Map<string, Recipe>();
const cache = createPredictorCache();

function recipeOf(json: string): Recipe {
  let recipe = recipes.get(json);
  if (!recipe) {
    recipe = parseRecipe(JSON.parse(json));
    if (recipes.size > 256) recipes.clear();
    recipes.set(json, recipe);
  }
  return recipe;
}

/** Lookups of this thread's window-statistics cache so far (tests and benchmarks read the sharing here). */
export function predictorCacheStats(): { hits: number; misses: number } {
  return { hits: cache.hits, misses: cache.misses };
}

export function runPredictTask(task: PredictTask): PredictResult[] {
  const history = { count: task.contests.length, contests: task.contests, balls: task.balls };
  const parsed: Array<Recipe | Error> = task.recipes.map((json) => {
    try {
      return recipeOf(json);
    } catch (e) {
      return e instanceof Error ? e : new Error(String(e));
    }
  });
  const shared: PredictorCache | undefined = task.share_stats === false ? undefined : cache;
  const out: PredictResult[] = [];
  // Contest-major order: every recipe of a contest runs while its window's statistics are hot.
  for (const { contest, end, recipes: which } of task.targets) {
    for (const i of which) {
      if (task.stop !== undefined && Atomics.load(task.stop, 0) === 1) throw new Error('prediction task stopped: its run was stopped');
      const recipe = parsed[i]!;
      if (recipe instanceof Error) {
        out.push({ contest, recipe: i, error: recipe.message });
        continue;
      }
      try {
        const tickets = predictTickets(historyWindow(history, end, recipe.history), recipe, contest, shared);
        const k = recipe.numbers_per_ticket;
        const numbers = new Uint8Array(tickets.length * k);
        const scores = new Float64Array(tickets.length);
        tickets.forEach((t, j) => {
          numbers.set(t.numbers, j * k);
          scores[j] = t.score;
        });
        // The best-of baseline of these very tickets, computed here so it runs on the pool's threads.
        const bestOf = encodeBestOfLaw(bestOfLaw(numbers, k, () => bestOfRng(recipe.seed, contest)));
        out.push({ contest, recipe: i, numbers, scores, best_of: bestOf });
      } catch (e) {
        out.push({ contest, recipe: i, error: e instanceof Error ? e.message : String(e) });
      }
    }
  }
  return out;
}

export default runPredictTask;
