/**
 * Catalog migration 010:
 * The run index keeps each run's best-of baselines (expected rate and p-value of best_2plus,
 * best_3plus, best_4plus for the run's actual tickets, as JSON), so leaderboards, compare and
 * sweeps rank and test them without opening every run file. NULL for runs indexed before: they
 * are computed from the run file when first needed and stored then (src/engine/run-metrics.ts).
 */
import type { Migration } from '../sqlite.js';

export const m010BestOfBaseline: Migration = {
  version: 10,
  name: 'best-of-baseline',
  up(db) {
    db.exec('ALTER TABLE runs ADD COLUMN best_of_baseline TEXT');
  },
};
