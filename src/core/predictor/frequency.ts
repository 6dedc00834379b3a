/**
 * Hot or cold numbers. Numbers are ranked by recency-weighted frequency over the last `window`
 * draws (descending for "hot", ascending for "cold"; ties broken by a seeded shuffle, so the
 * ranking is deterministic per seed and contest). The first ticket is the top k of the ranking;
 * the others sample k numbers from the best `pool` with probability falling linearly with rank,
 * until the requested number of distinct tickets is reached (the pool grows by one whenever it
 * keeps producing duplicates).
 */
import { BALL_MAX, type History } from '../draw.js';
import type { FrequencyRecipe } from '../recipe/schema.js';
import type { Rng } from '../rng.js';
import type { PredictorCache } from './cache.js';
import { TicketSet, type Ticket } from './ticket-set.js';
import { recencyWeightsOf } from './window-stats.js';

/** Consecutive duplicate samples that make the pool grow by one number. */
const GROW_AFTER = 20;

/** Hot or cold tickets; the score is the mean strength of the ticket's numbers in the ranking (1 = top). */
export function predictFrequency(w: History, recipe: FrequencyRecipe, rng: Rng, cache: PredictorCache): Ticket[] {
  const p = recipe.params;
  const k = recipe.numbers_per_ticket;
  const weights = recencyWeightsOf(cache, w, p.lambda, p.window);
  const ranking = rng.shuffle(Array.from({ length: BALL_MAX }, (_, i) => i + 1));
  const sign = p.mode === 'hot' ? 1 : -1;
  ranking.sort((a, b) => sign * (weights[b]! - weights[a]!));
  const strength = new Float64Array(BALL_MAX + 1);
  ranking.forEach((n, i) => void (strength[n] = (BALL_MAX - i) / BALL_MAX));
  const score = (card: readonly number[]) => card.reduce((s, n) => s + strength[n]!, 0) / k;

  const out = new TicketSet();
  const best = ranking.slice(0, k).sort((a, b) => a - b);
  out.add(best, score(best));
  let pool = Math.max(p.pool, k);
  let misses = 0;
  while (out.size < recipe.tickets) {
    const card = sampleByRank(ranking, pool, k, rng);
    if (out.add(card, score(card))) misses = 0;
    else if (++misses >= GROW_AFTER && pool < BALL_MAX) {
      pool++;
      misses = 0;
    }
  }
  return out.tickets;
}

/** k distinct numbers from `ranking[0..pool)`, rank i drawn with weight `pool - i`; sorted. */
function sampleByRank(ranking: readonly number[], pool: number, k: number, rng: Rng): number[] {
  const candidates = ranking.slice(0, pool);
  const weight = candidates.map((_, i) => pool - i);
  let total = weight.reduce((a, b) => a + b, 0);
  const card: number[] = [];
  while (card.length < k) {
    let r = rng.int(total);
    let i = 0;
    while (r >= weight[i]!) r -= weight[i++]!;
    card.push(candidates[i]!);
    total -= weight[i]!;
    candidates.splice(i, 1);
    weight.splice(i, 1);
  }
  return card.sort((a, b) => a - b);
}
