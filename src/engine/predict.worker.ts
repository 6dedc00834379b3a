/**
 * The piscina worker: a thin adapter around the pure predictor. It receives a slice of the
 * compact history and the contests to predict; it returns tickets as flat typed arrays.
 */
import { historyWindow } from '../core/draw.js';
import { createPredictorCache, predictTickets } from '../core/predictor/index.js';
import { type Recipe, parseRecipe } from '../core/recipe/schema.js';

export interface PredictTask {
  recipe_json: string;
  contests: Int32Array;
  balls: Uint8Array;
  /** for each target: its contest number and the history index it sees up to (exclusive) */
  targets: Array<{ contest: number; end: number }>;
}

export interface PredictResult {
  contest: number;
  numbers: Uint8Array;
  scores: Float64Array;
}

const recipes = new Map<string, Recipe>();
const cache = createPredictorCache();

export function runPredictTask(task: PredictTask): PredictResult[] {
  let recipe = recipes.get(task.recipe_json);
  if (!recipe) {
    recipe = parseRecipe(JSON.parse(task.recipe_json));
    if (recipes.size > 64) recipes.clear();
    recipes.set(task.recipe_json, recipe);
  }
  const history = { count: task.contests.length, contests: task.contests, balls: task.balls };
  const k = recipe.numbers_per_ticket;
  return task.targets.map(({ contest, end }) => {
    const tickets = predictTickets(historyWindow(history, end, recipe.history), recipe, contest, cache);
    const numbers = new Uint8Array(tickets.length * k);
    const scores = new Float64Array(tickets.length);
    tickets.forEach((t, i) => {
      numbers.set(t.numbers, i * k);
      scores[i] = t.score;
    });
    return { contest, numbers, scores };
  });
}

export default runPredictTask;
