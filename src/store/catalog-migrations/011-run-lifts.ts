/**
 * Catalog migration 011:
 * Each hit metric's lift (value over the run's own exact expectation, src/core/ranking.ts) is
 * stored beside it, so `runs list --order-by <hit metric>` and `GET /runs` page by lift through an
 * index again instead of reading and sorting every run. One index per lift, ending with run_id like
 * the other list indexes (004-indexes.ts). Existing rows are filled from their stored columns:
 * mean-hits and rate lifts from the ticket size, best-of lifts from `best_of_baseline` where the run
 * has it (otherwise from the independent-tickets formula, as the leaderboard ranks such a run, until
 * src/engine/run-metrics.ts fills its baselines and lifts together).
 */
import { LIFT_METRICS } from '../../core/ranking.js';
import { liftColumn, refreshRunLifts } from '../runs-repo.js';
import type { Migration } from '../sqlite.js';

export const m011RunLifts: Migration = {
  version: 11,
  name: 'run-lifts',
  up(db) {
    for (const m of LIFT_METRICS) {
      const col = liftColumn(m);
      db.exec(`ALTER TABLE runs ADD COLUMN ${col} REAL; CREATE INDEX runs_by_${col} ON runs(${col}, run_id);`);
    }
    refreshRunLifts(db);
  },
};
