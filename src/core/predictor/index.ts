/**
 * The predictor: a pure, synchronous function of (history window, recipe, contest). No clock, no
 * Math.random, no I/O. Its random stream is `createRng(recipe.seed, contest)`, so a contest's
 * tickets never depend on which thread ran it, in what order, or what ran before.
 */
import { LuckyError } from '../../errors.js';
import { type History, historyWindow } from '../draw.js';
import type { Recipe } from '../recipe/schema.js';
import { createRng } from '../rng.js';
import { predictAdvanced } from './advanced/index.js';
import { NO_CACHE, type PredictorCache } from './cache.js';
import { predictFrequency } from './frequency.js';
import { predictRandom } from './random.js';
import type { Ticket } from './ticket-set.js';

export type { Ticket } from './ticket-set.js';
export { createPredictorCache, type PredictorCache } from './cache.js';

/**
 * Exactly `recipe.tickets` distinct tickets for `contest`, each `numbers_per_ticket` distinct
 * numbers in 1..80, sorted ascending, with the strategy's score.
 *
 * `window` holds the draws the contest may see, chronological: normally
 * `historyWindow(history, indexOfContest, recipe.history)`. A longer window is cut to its last
 * `recipe.history` draws; a window holding `contest` or a later one is a bug in the caller
 * (look-ahead) and throws. `cache` lets recipes that see the same window share its statistics.
 *
 * @example
 *   const h = buildHistory(draws);               // chronological
 *   const i = h.contests.indexOf(6800);          // first index not visible to contest 6800
 *   predictTickets(historyWindow(h, i, recipe.history), recipe, 6800, cache);
 */
export function predictTickets(window: History, recipe: Recipe, contest: number, cache?: PredictorCache): Ticket[] {
  if (!Number.isInteger(contest) || contest < 1) throw new LuckyError('E_RANGE_INVALID', `contest must be a positive whole number, got ${contest}`);
  // the window must be chronological in numeric contest order (the legacy tool sorted contests
  // as text) and end before the contest (no look-ahead); both are caller bugs, not user errors
  for (let i = 1; i < window.count; i++) {
    if (window.contests[i]! <= window.contests[i - 1]!) {
      throw new LuckyError('E_INTERNAL', `history window out of order: contest ${window.contests[i]!} after ${window.contests[i - 1]!}`);
    }
  }
  const last = window.count > 0 ? window.contests[window.count - 1]! : undefined;
  if (last !== undefined && last >= contest) {
    throw new LuckyError('E_INTERNAL', `look-ahead: the history window for contest ${contest} ends at contest ${last}`);
  }
  const w = window.count > recipe.history ? historyWindow(window, window.count, recipe.history) : window;
  const rng = createRng(recipe.seed, contest);
  const c = cache ?? NO_CACHE;
  switch (recipe.strategy) {
    case 'random':
      return predictRandom(recipe, rng);
    case 'frequency':
      return predictFrequency(w, recipe, rng, c);
    case 'advanced':
      return predictAdvanced(w, recipe, rng, c);
  }
}
