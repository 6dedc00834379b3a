/**
 * Step 8 of the legacy generator: the smart filters and the greedy selection that spreads the
 * chosen tickets over as many likely numbers as possible.
 */
import { BALL_MAX } from '../../draw.js';
import type { SmartFilters } from '../../recipe/params.js';
import type { TicketSet } from '../ticket-set.js';
import type { Individual } from './genetic.js';

/** The legacy "topological" filter, generalized to k numbers (see `SmartFiltersSchema`). */
export function passesFilters(card: readonly number[], f: SmartFilters): boolean {
  const k = card.length;
  let sum = 0;
  let odd = 0;
  let runs = 0;
  for (let i = 0; i < k; i++) {
    const n = card[i]!;
    sum += n;
    odd += n & 1;
    if (i > 0 && n === card[i - 1]! + 1) runs++;
  }
  const mean = sum / k;
  return mean >= f.mean_min && mean <= f.mean_max && odd >= f.min_odd && k - odd >= f.min_even && runs <= f.max_consecutive;
}

/**
 * Greedy coverage: repeatedly take the candidate whose numbers not yet covered carry the most
 * marginal probability (`marginal[n]`), ties (including "nothing new left") to the better score.
 * `ranked` is sorted by score, best first, and holds distinct cards. Stops when `target` tickets
 * are in `out` or no eligible candidate is left.
 */
export function selectByCoverage(ranked: readonly Individual[], marginal: Float64Array, target: number, filters: SmartFilters, out: TicketSet): void {
  const used = new Uint8Array(ranked.length);
  if (filters.enabled) ranked.forEach((c, i) => void (used[i] = passesFilters(c.card, filters) ? 0 : 1));
  const taken = new Uint8Array(BALL_MAX + 1);
  while (out.size < target) {
    let best = -1;
    let bestGain = -1;
    for (let i = 0; i < ranked.length; i++) {
      if (used[i] === 1) continue;
      const card = ranked[i]!.card;
      let gain = 0;
      for (let j = 0; j < card.length; j++) if (taken[card[j]!] === 0) gain += marginal[card[j]!]!;
      // strict: among equal gains the earlier (higher-scored) candidate wins
      if (gain > bestGain) {
        bestGain = gain;
        best = i;
      }
    }
    if (best < 0) return;
    used[best] = 1;
    const chosen = ranked[best]!;
    for (const n of chosen.card) taken[n] = 1;
    out.add(chosen.card, chosen.score);
  }
}
