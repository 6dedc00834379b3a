/**
 * The legacy advanced generator (`generateAdvancedPredictions`, §5.2 of the reference), faithful
 * step by step, with the listed bugs fixed and cards generalized to k numbers:
 *
 * 1. window statistics (frequency, positions, pair conditionals over `coocc_window`);
 * 2-3. number weights (frequency · recency decay · hot/cold boost) and the roulette;
 * 4. `tickets · cands_mult (· 5 with smart filters)` greedy candidates from pair conditionals;
 * 5. hill-climb each candidate (`hill_iter` steps, keep only strict improvements);
 * 6-7. genetic search seeded with the best `population_size` candidates (if `evolutionary`);
 * 8. greedy coverage selection of the final tickets (smart filters applied here).
 *
 * Contest order is numeric throughout (the legacy tool sorted contests as text).
 */
import { BALL_MAX, BALLS_PER_DRAW, type History } from '../../draw.js';
import { candidateCount } from '../../recipe/params.js';
import type { AdvancedRecipe } from '../../recipe/schema.js';
import type { Rng } from '../../rng.js';
import { type PredictorCache, windowKey } from '../cache.js';
import { TicketSet, cardKey, fillUniform, sortCard, type Ticket } from '../ticket-set.js';
import { baseStatsOf, pairStatsOf, recencyWeightsOf } from '../window-stats.js';
import { type Individual, byScoreDesc, evolve } from './genetic.js';
import { Roulette, computeNumberWeights } from './number-weights.js';
import { createScoreModel, scoreCard } from './score.js';
import { buildCandidate, createSearchScratch, hillClimb } from './search.js';
import { passesFilters, selectByCoverage } from './selection.js';

/** Attempts per missing ticket when the candidates cannot supply enough distinct ones. */
const FALLBACK_ATTEMPTS = 200;

/** The advanced strategy's tickets, in the order the coverage selection chose them. */
export function predictAdvanced(w: History, recipe: AdvancedRecipe, rng: Rng, cache: PredictorCache): Ticket[] {
  const p = recipe.params;
  const k = recipe.numbers_per_ticket;
  const target = recipe.tickets;
  const key = windowKey(w);
  const base = baseStatsOf(cache, w, key);
  const pairs = pairStatsOf(cache, w, p.coocc_window, key);
  const roulette = new Roulette(computeNumberWeights(base, p));
  const model = createScoreModel(k, base, pairs, p);

  // step 4-5: candidates, each hill-climbed, kept once
  const freqFactor = new Float64Array(BALL_MAX + 1);
  const denom = BALLS_PER_DRAW * Math.max(base.count, 1);
  for (let n = 1; n <= BALL_MAX; n++) freqFactor[n] = (base.freq[n]! + 1) / denom;
  const scratch = createSearchScratch(k);
  const seen = new Set<string>();
  const ranked: Individual[] = [];
  const m = candidateCount(target, p);
  for (let c = 0; c < m; c++) {
    const card = buildCandidate(k, pairs.cond, freqFactor, roulette, rng, scratch);
    const score = hillClimb(model, card, scoreCard(model, card), p.hill_iter, roulette, rng, scratch);
    const id = cardKey(card);
    if (seen.has(id)) continue;
    seen.add(id);
    ranked.push({ card, score });
  }
  ranked.sort(byScoreDesc);

  // step 6-7: evolve the best, merge what is new
  if (p.evolutionary && ranked.length >= 2) {
    const evolved = evolve(ranked.slice(0, p.population_size), p, model, rng);
    for (const ind of evolved) {
      const id = cardKey(ind.card);
      if (seen.has(id)) continue;
      seen.add(id);
      ranked.push(ind);
    }
    ranked.sort(byScoreDesc);
  }

  // step 8: coverage selection weighted by the recency-weighted marginal probabilities
  const marginal = recencyWeightsOf(cache, w, p.lambda, 0, key);
  const out = new TicketSet();
  selectByCoverage(ranked, marginal, target, p.smart_filters, out);
  if (out.size < target)
    topUp(
      out,
      target,
      k,
      roulette,
      rng,
      (card) => scoreCard(model, card),
      p.smart_filters.enabled ? (card) => passesFilters(card, p.smart_filters) : () => true,
    );
  return out.tickets;
}

/**
 * Too few distinct candidates (tiny `cands_mult`, or filters that reject most of them): add
 * roulette-built cards that pass the filters, and as a last resort uniform ones, so the caller
 * always gets `target` distinct tickets.
 */
function topUp(
  out: TicketSet,
  target: number,
  k: number,
  roulette: Roulette,
  rng: Rng,
  score: (card: number[]) => number,
  accept: (card: number[]) => boolean,
): void {
  const mark = new Uint8Array(BALL_MAX + 1);
  let attempts = (target - out.size) * FALLBACK_ATTEMPTS;
  while (out.size < target && attempts-- > 0) {
    const card: number[] = [];
    mark.fill(0);
    while (card.length < k) {
      const n = roulette.pick(rng);
      if (mark[n] === 0) {
        mark[n] = 1;
        card.push(n);
      }
    }
    sortCard(card);
    if (accept(card)) out.add(card, score(card));
  }
  fillUniform(out, rng, k, target, score);
}
