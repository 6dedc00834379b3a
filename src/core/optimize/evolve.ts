/**
 * The evolutionary search of an optimize study (the old plan's EvolveParameters: population size,
 * generations, mutation rate): elitism, tournament selection, uniform crossover, per-gene mutation
 * and constraint repair over a search space. Pure and seeded: generation g's genomes depend only
 * on (space, seed, g, the scored previous generation), never on thread counts or timing.
 */
import { createRng, mix32, type Rng } from '../rng.js';
import { randomGenome, randomTrials } from './random-search.js';
import { genomeKey, satisfies, type Genome, type SearchSpace } from './space.js';

/** Salt of the evolutionary streams (the random search has its own). */
const EVOLVE_SALT = 0xe701_7e00;
/** Attempts at a child that is valid and new before a repeat is allowed. */
const REDRAWS = 20;
/** Random draws tried when repairing a child that breaks the constraints. */
const REPAIR_DRAWS = 200;

export interface EvolveOptions {
  population: number;
  /** the best genomes carried over unchanged */
  elite: number;
  /** per-gene probability of a mutation, 0..1 */
  mutation_rate: number;
  /** genomes drawn per tournament */
  tournament: number;
}

export interface Scored {
  genome: Genome;
  /** higher is better (the caller negates lower-is-better metrics); null = a failed trial, never selected */
  fitness: number | null;
}

/** The first generation: `size` distinct random valid genomes (the random search's draw). */
export function initialPopulation(space: SearchSpace, seed: number, size: number): Genome[] {
  return randomTrials(space, seed, size).genomes;
}

/** Better first: higher fitness, ties by earlier trial. */
function better(previous: readonly Scored[], a: number, b: number): boolean {
  const fa = previous[a]!.fitness!;
  const fb = previous[b]!.fitness!;
  return fa > fb || (fa === fb && a < b);
}

function tournamentPick(rng: Rng, previous: readonly Scored[], pool: readonly number[], size: number): Genome {
  let best = pool[rng.int(pool.length)]!;
  for (let i = 1; i < size; i++) {
    const c = pool[rng.int(pool.length)]!;
    if (better(previous, c, best)) best = c;
  }
  return previous[best]!.genome;
}

/** Numeric parameters mutate by ±1..±2 value indexes (clamped); others jump to another value at random. */
function mutate(rng: Rng, space: SearchSpace, numeric: readonly boolean[], g: number[], rate: number): void {
  for (let i = 0; i < g.length; i++) {
    const len = space.values[i]!.length;
    if (len < 2 || !rng.chance(rate)) continue;
    if (numeric[i]) {
      const step = 1 + rng.int(2);
      g[i] = Math.min(len - 1, Math.max(0, g[i]! + (rng.chance(0.5) ? step : -step)));
    } else {
      const other = rng.int(len - 1);
      g[i] = other >= g[i]! ? other + 1 : other;
    }
  }
}

function breed(
  rng: Rng,
  space: SearchSpace,
  numeric: readonly boolean[],
  previous: readonly Scored[],
  pool: readonly number[],
  options: EvolveOptions,
): number[] {
  const a = tournamentPick(rng, previous, pool, options.tournament);
  const b = tournamentPick(rng, previous, pool, options.tournament);
  const child = a.map((gene, i) => (rng.chance(0.5) ? gene : b[i]!));
  mutate(rng, space, numeric, child, options.mutation_rate);
  return child;
}

/** A uniform valid genome, or null when REPAIR_DRAWS draws found none. */
function randomValid(rng: Rng, space: SearchSpace): number[] | null {
  for (let i = 0; i < REPAIR_DRAWS; i++) {
    const g = randomGenome(space, rng);
    if (satisfies(space, g)) return g;
  }
  return null;
}

/**
 * The next generation from the previous one (scored, in trial order). Deterministic in (space,
 * seed, generation, previous). Elitism: the `elite` best (ties by earlier trial) carried over
 * unchanged; the rest: tournament selection of 2 parents, uniform crossover, per-gene mutation with
 * probability mutation_rate (numeric parameters move ±1..±2 value indexes, clamped; others take
 * another value at random); a child breaking the constraints is bred again, then replaced by a
 * random valid point, then by the best previous genome (bounded). Children already in `seen` (genomeKey)
 * or earlier in this generation are re-drawn up to 20 times, then allowed (the caller reuses the
 * earlier trial's result, counting it once). When no previous trial has a fitness, the children
 * are random valid points.
 */
export function nextGeneration(
  space: SearchSpace,
  seed: number,
  generation: number,
  previous: readonly Scored[],
  options: EvolveOptions,
  seen: ReadonlySet<string>,
): Genome[] {
  const rng = createRng(mix32((seed ^ EVOLVE_SALT) >>> 0), generation);
  const numeric = space.values.map((v) => v.every((x) => typeof x === 'number'));
  const ranked = previous
    .map((_, i) => i)
    .filter((i) => previous[i]!.fitness !== null)
    .sort((a, b) => (better(previous, a, b) ? -1 : better(previous, b, a) ? 1 : 0));
  const next: Genome[] = ranked.slice(0, Math.min(options.elite, options.population)).map((i) => previous[i]!.genome);
  const taken = new Set(next.map(genomeKey));
  while (next.length < options.population) {
    let child: number[] | null = null;
    for (let attempt = 0; attempt < REDRAWS; attempt++) {
      let candidate: number[] | null = null;
      let fallback: Genome | null = null;
      if (ranked.length > 0) {
        for (let repair = 0; repair < REDRAWS && candidate === null; repair++) {
          const c = breed(rng, space, numeric, previous, ranked, options);
          if (satisfies(space, c)) candidate = c;
        }
        fallback = previous[ranked[0]!]!.genome;
      }
      candidate ??= randomValid(rng, space) ?? (fallback ? [...fallback] : null);
      if (candidate === null) continue;
      child = candidate;
      const key = genomeKey(candidate);
      if (!seen.has(key) && !taken.has(key)) break;
    }
    if (child === null) child = [...(previous[0]?.genome ?? randomTrials(space, seed, 1).genomes[0]!)];
    taken.add(genomeKey(child));
    next.push(child);
  }
  return next;
}
