/** Predicting one contest's tickets: the use case behind `predict`. */
import { buildHistory } from '../core/draw.js';
import { predictTickets } from '../core/predictor/index.js';
import { recipeHash } from '../core/recipe/schema.js';
import type { RunRequest } from '../core/run-request.js';
import { resolveRequestRecipe } from '../engine/run-request.js';
import { LuckyError } from '../errors.js';
import { listDraws, readDrawBounds } from '../store/draws-repo.js';
import type { UseCaseDeps } from './deps.js';

export interface PredictInput {
  /** the recipe part of a run request (preset, recipe_file, seed); its range fields are not used */
  request: Pick<RunRequest, 'preset' | 'recipe' | 'recipe_name' | 'recipe_file' | 'seed'>;
  /** a relative `recipe_file` is read from here (the caller's working directory) */
  cwd: string;
  /** the contest to predict, from the draws before it; default: the one after the last stored */
  contest?: number | undefined;
}

/** A prediction, as `predict --json` prints it. */
export interface Prediction {
  contest: number;
  tickets: number[][];
  scores: number[];
  recipe_hash: string;
  seed: number;
  strategy: string;
  history_used: { from: number; to: number; count: number };
  synthetic_data: boolean;
}

/** The prediction and what its human rendering names besides it. */
export interface PredictResult {
  prediction: Prediction;
  recipe_name: string;
  numbers_per_ticket: number;
}

/**
 * Predicts a contest's tickets with a recipe from the `history` draws strictly before it (the
 * predictor is deterministic per seed and contest). Refuses a catalog without draws
 * (E_DATA_MISSING), a contest past the next one (E_RANGE_INVALID) and one with no draws before
 * it (E_DATA_MISSING); recipe problems as the recipe's source reports them. Returns the
 * prediction (what `predict --json` prints) with the recipe's name and ticket size for a table.
 */
export function predictContest(deps: Pick<UseCaseDeps, 'catalog'>, input: PredictInput): PredictResult {
  const { recipe } = resolveRequestRecipe(deps.catalog, input.request, { cwd: input.cwd });
  const db = deps.catalog.db;
  const last = readDrawBounds(db).last_contest;
  if (last === null) throw new LuckyError('E_DATA_MISSING', 'the catalog has no draws');
  const contest = input.contest ?? last + 1;
  if (contest > last + 1) {
    throw new LuckyError(
      'E_RANGE_INVALID',
      `contest ${contest} is too far ahead: the last stored contest is ${last}, so the next one (${last + 1}) is as far as a prediction can see`,
    );
  }
  // the last `history` draws strictly before the contest, oldest first
  const draws = listDraws(db, { to: contest - 1, order: 'desc', limit: recipe.history }).reverse();
  if (draws.length === 0) throw new LuckyError('E_DATA_MISSING', `no draws before contest ${contest} to learn from`);
  const tickets = predictTickets(buildHistory(draws), recipe, contest);
  const prediction: Prediction = {
    contest,
    tickets: tickets.map((t) => t.numbers),
    scores: tickets.map((t) => t.score),
    recipe_hash: recipeHash(recipe),
    seed: recipe.seed,
    strategy: recipe.strategy,
    history_used: { from: draws[0]!.contest, to: draws.at(-1)!.contest, count: draws.length },
    synthetic_data: draws.some((d) => d.synthetic),
  };
  return { prediction, recipe_name: recipe.name, numbers_per_ticket: recipe.numbers_per_ticket };
}
