/**
 * Where the catalog's draws came from, for the dashboard's footer: how many draws there are and
 * whether any of them is synthetic sample data rather than an official result.
 */
import { readDrawBounds } from '../store/draws-repo.js';
import type { UseCaseDeps } from './deps.js';

export interface DrawSource {
  draws: number;
  synthetic: boolean;
}

/** Counts the draws and says whether any is synthetic. Refuses nothing. One query. */
export function readDrawSource(deps: Pick<UseCaseDeps, 'catalog'>): DrawSource {
  const b = readDrawBounds(deps.catalog.db);
  return { draws: b.count, synthetic: b.synthetic > 0 };
}
