/**
 * Step 6-7 of the legacy generator: a genetic search over cards, seeded with the best-ranked
 * candidates. Fixes over the old code: children come from a real crossover (k numbers sampled
 * from the union of both parents; the legacy child was a copy of the first parent), a mutation
 * always leaves k distinct numbers (the legacy one could leave 4), and the seeds are the best
 * candidates (the Go port took the first generated).
 */
import { BALL_MAX } from '../../draw.js';
import type { Rng } from '../../rng.js';
import { sortCard } from '../ticket-set.js';
import { type ScoreModel, scoreCard } from './score.js';

export interface Individual {
  /** sorted ascending */
  card: number[];
  score: number;
}

export interface GeneticParams {
  generations: number;
  mutation_rate: number;
  elites: number;
}

export const byScoreDesc = (a: Individual, b: Individual): number => b.score - a.score;

/**
 * Evolves `seeds` (ranked, best first; not modified) for `generations` generations. Each
 * generation keeps the `elites` best unchanged and fills the rest with children of two parents
 * drawn uniformly from the population (as the legacy tool did). Returns the last population.
 */
export function evolve(seeds: readonly Individual[], p: GeneticParams, m: ScoreModel, rng: Rng): Individual[] {
  const size = seeds.length;
  if (size < 2) return [...seeds];
  // with fewer candidates than the requested population, still breed at least one child
  const elites = Math.min(p.elites, size - 1);
  const k = m.k;
  const union: number[] = [];
  const mark = new Uint8Array(BALL_MAX + 1);
  let population = [...seeds];
  for (let g = 0; g < p.generations; g++) {
    const ranked = [...population].sort(byScoreDesc);
    const next = ranked.slice(0, elites);
    while (next.length < size) {
      const p1 = ranked[rng.int(size)]!.card;
      const p2 = ranked[rng.int(size)]!.card;
      const child = crossover(p1, p2, k, rng, union, mark);
      if (rng.next() < p.mutation_rate) mutate(child, rng, mark);
      sortCard(child);
      next.push({ card: child, score: scoreCard(m, child) });
    }
    population = next;
  }
  return population;
}

/** k numbers sampled uniformly without replacement from the union of both parents. */
export function crossover(
  p1: readonly number[],
  p2: readonly number[],
  k: number,
  rng: Rng,
  union: number[] = [],
  mark = new Uint8Array(BALL_MAX + 1),
): number[] {
  union.length = 0;
  for (const n of p1) {
    if (mark[n] === 0) {
      mark[n] = 1;
      union.push(n);
    }
  }
  for (const n of p2) {
    if (mark[n] === 0) {
      mark[n] = 1;
      union.push(n);
    }
  }
  for (const n of union) mark[n] = 0;
  // partial Fisher-Yates: the first k slots become a uniform sample
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(union.length - i);
    const t = union[i]!;
    union[i] = union[j]!;
    union[j] = t;
  }
  return union.slice(0, k);
}

/** Replaces one number of `card` (in place) by a uniform number not already on it. */
export function mutate(card: number[], rng: Rng, mark = new Uint8Array(BALL_MAX + 1)): void {
  const k = card.length;
  for (const n of card) mark[n] = 1;
  // the r-th number (0-based) that is not on the card; the removed one is excluded too
  let r = rng.int(BALL_MAX - k);
  let replacement = 0;
  for (let n = 1; n <= BALL_MAX; n++) {
    if (mark[n] === 1) continue;
    if (r === 0) {
      replacement = n;
      break;
    }
    r--;
  }
  for (const n of card) mark[n] = 0;
  card[rng.int(k)] = replacement;
}
