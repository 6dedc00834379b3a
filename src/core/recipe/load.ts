// TEMPORARY SHIM for the simulate branch: replaced by the predictor branch at merge.
import { readFileSync } from 'node:fs';
import { LuckyError } from '../../errors.js';
import { type Recipe, parseRecipe } from './schema.js';

export function readRecipeFile(path: string): Recipe {
  return parseRecipe(JSON.parse(readFileSync(path, 'utf8')));
}
export function loadPreset(name: string): Recipe {
  if (name !== 'balanced') throw new LuckyError('E_NOT_FOUND', `no preset ${name}`);
  return parseRecipe({ version: '2', name: 'balanced', strategy: 'random', tickets: 25, numbers_per_ticket: 5, history: 400, seed: 1 });
}
