// TEMPORARY SHIM for the simulate branch: replaced by the predictor branch at merge.
import type { History } from '../draw.js';
import type { Recipe } from '../recipe/schema.js';
import { createRng } from '../rng.js';

export interface Ticket { numbers: number[]; score: number }
export type PredictorCache = Map<string, unknown>;
export function createPredictorCache(): PredictorCache { return new Map(); }
export function predictTickets(_window: History, recipe: Recipe, contest: number, _cache?: PredictorCache): Ticket[] {
  const rng = createRng(recipe.seed, contest);
  const seen = new Set<string>();
  const out: Ticket[] = [];
  while (out.length < recipe.tickets) {
    const t = rng.distinct(recipe.numbers_per_ticket, 1, 80);
    const key = t.join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ numbers: t, score: 0 });
  }
  return out;
}
