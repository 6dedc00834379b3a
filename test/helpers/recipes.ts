/** Recipes the integration tests share: a tiny one (milliseconds per contest) and a slow one (a cancel or a shutdown lands mid-run). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** random, 3 tickets, 30 draws of history: milliseconds per contest. */
export const TINY_RECIPE = { version: '2', name: 'tiny', strategy: 'random', tickets: 3, numbers_per_ticket: 5, history: 30, seed: 11 };

/** advanced: slow enough (~10 ms a contest) that a cancel, a kill or a shutdown lands mid-run. */
export const SLOW_RECIPE = {
  version: '2',
  name: 'slow',
  strategy: 'advanced',
  tickets: 10,
  numbers_per_ticket: 5,
  history: 50,
  seed: 3,
  params: { cands_mult: 10, hill_iter: 60 },
};

/** Writes `recipe` as `<dir>/<name>.json` and returns the path. */
export function writeRecipe(dir: string, name: string, recipe: object): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(recipe));
  return path;
}
