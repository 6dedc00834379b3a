import { describe, expect, it } from 'vitest';
import { initialPopulation, nextGeneration, type EvolveOptions, type Scored } from '../../../../src/core/optimize/evolve.js';
import { randomTrials } from '../../../../src/core/optimize/random-search.js';
import { buildSpace, genomeKey, satisfies, type Genome, type SearchSpace } from '../../../../src/core/optimize/space.js';
import type { SweepParameter } from '../../../../src/core/sweep/spec.js';

const range = (name: string, min: number, max: number, step: number): SweepParameter => ({ name, range: { min, max, step } });
/** 10^6 points: six numeric genes of 10 values */
const space = buildSpace({ parameters: ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => range(n, 0, 9, 1)) });
const options: EvolveOptions = { population: 20, elite: 2, mutation_rate: 0.2, tournament: 3 };
const TARGET = [7, 2, 9, 0, 4, 6];
const fitness = (g: Genome): number => -g.reduce((s, x, i) => s + Math.abs(x - TARGET[i]!), 0);
const score = (gs: readonly Genome[]): Scored[] => gs.map((genome) => ({ genome, fitness: fitness(genome) }));

/** A whole evolutionary run; returns every trial's genome in order. */
function evolve(sp: SearchSpace, seed: number, generations: number, opts: EvolveOptions): Genome[] {
  const seen = new Set<string>();
  const all: Genome[] = [];
  let gen = initialPopulation(sp, seed, opts.population);
  for (let g = 0; ; g++) {
    gen.forEach((x) => seen.add(genomeKey(x)));
    all.push(...gen);
    if (g === generations - 1) return all;
    gen = nextGeneration(sp, seed, g + 1, score(gen), opts, seen);
  }
}

describe('evolutionary search', () => {
  it('[18.2.14] the first generation is the random search draw', () => {
    expect(initialPopulation(space, 9, 20)).toEqual(randomTrials(space, 9, 20).genomes);
  });

  it('[18.2.15] deterministic in (space, seed, generation, previous); another seed or generation gives other children', () => {
    const prev = score(initialPopulation(space, 1, 20));
    const seen = new Set(prev.map((s) => genomeKey(s.genome)));
    const a = nextGeneration(space, 1, 1, prev, options, seen);
    expect(nextGeneration(space, 1, 1, prev, options, seen)).toEqual(a);
    expect(a).toHaveLength(20);
    expect(nextGeneration(space, 2, 1, prev, options, seen)).not.toEqual(a);
    expect(nextGeneration(space, 1, 2, prev, options, seen)).not.toEqual(a);
    expect(evolve(space, 5, 6, options)).toEqual(evolve(space, 5, 6, options));
  });

  it('[18.2.16] elitism carries the best genomes over unchanged (ties: the earlier trial), failed trials are never selected', () => {
    const gs: Genome[] = [
      [0, 0, 0, 0, 0, 0],
      [7, 2, 9, 0, 4, 5],
      [1, 1, 1, 1, 1, 1],
      [7, 2, 9, 0, 3, 6],
      [7, 2, 9, 0, 4, 6],
    ];
    const prev: Scored[] = gs.map((genome, i) => ({ genome, fitness: i === 4 ? null : fitness(genome) }));
    const next = nextGeneration(space, 3, 1, prev, { ...options, population: 6, elite: 2 }, new Set(gs.map(genomeKey)));
    // trial 4 is the target but failed: the elites are trials 1 and 3 (both at distance 1; 1 is earlier)
    expect(next.slice(0, 2)).toEqual([gs[1], gs[3]]);
    const none = nextGeneration(space, 3, 1, prev, { ...options, population: 6, elite: 0 }, new Set());
    expect(none).toHaveLength(6);
  });

  it('[18.2.17] with mutation_rate 0 and identical parents no new genome appears', () => {
    const g: Genome = [3, 3, 3, 3, 3, 3];
    const prev: Scored[] = Array.from({ length: 10 }, () => ({ genome: g, fitness: 1 }));
    const next = nextGeneration(space, 4, 1, prev, { population: 10, elite: 1, mutation_rate: 0, tournament: 2 }, new Set([genomeKey(g)]));
    expect(next.map(genomeKey)).toEqual(new Array(10).fill(genomeKey(g)));
    // with mutation, the same parents give new genomes, avoiding those already seen
    const mutated = nextGeneration(space, 4, 1, prev, { population: 10, elite: 1, mutation_rate: 0.5, tournament: 2 }, new Set([genomeKey(g)]));
    expect(new Set(mutated.slice(1).map(genomeKey)).size).toBe(9);
    expect(mutated.slice(1).map(genomeKey)).not.toContain(genomeKey(g));
    // numeric genes move by 1 or 2 value indexes
    for (const m of mutated.slice(1)) for (const x of m) expect(Math.abs(x - 3)).toBeLessThanOrEqual(2);
  });

  it('[18.2.18] children honour the constraints, and non-numeric genes take other listed values', () => {
    const sp = buildSpace({
      parameters: [range('a', 0, 1, 0.1), range('b', 0, 1, 0.1), { name: 'mode', list: ['hot', 'cold', 'mixed'] }],
      constraints: [{ type: 'sum', parameters: ['a', 'b'], value: 1 }],
    });
    const all = evolve(sp, 11, 8, { population: 10, elite: 2, mutation_rate: 0.5, tournament: 3 });
    for (const g of all) expect(satisfies(sp, g)).toBe(true);
    expect(new Set(all.map((g) => g[2])).size).toBe(3);
  });

  it('[18.2.19] on a toy fitness over 10^6 points, 15 generations find a better best than random search with the same budget', () => {
    const seed = 2026;
    const generations = 15;
    const ea = evolve(space, seed, generations, options);
    expect(ea).toHaveLength(300);
    const rs = randomTrials(space, seed, 300).genomes;
    const bestEa = Math.max(...ea.map(fitness));
    const bestRs = Math.max(...rs.map(fitness));
    expect(bestEa).toBeGreaterThanOrEqual(bestRs);
    expect(bestEa).toBeGreaterThan(bestRs);
    // and it improves over the generations
    const firstGen = Math.max(...ea.slice(0, 20).map(fitness));
    expect(bestEa).toBeGreaterThan(firstGen);
  });
});
