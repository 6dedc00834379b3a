/** A synthetic uniform history for benchmarks: `count` draws of 5 distinct numbers from createRng. */
import { type History, buildHistory } from '../src/core/draw.js';
import { createRng } from '../src/core/rng.js';

export function syntheticHistory(count: number, seed = 42): History {
  const rng = createRng(seed, 0);
  const draws = Array.from({ length: count }, (_, i) => ({
    contest: i + 1,
    balls: rng.distinct(5, 1, 80) as unknown as readonly [number, number, number, number, number],
  }));
  return buildHistory(draws);
}
