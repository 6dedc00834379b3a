/**
 * Catalog migration 004:
 * Indexes from the maintenance review (`test/integration/query-plans.test.ts`): every run list
 * orders by one column and then by run_id (a stable order for paging), so each list index ends
 * with run_id and the whole ORDER BY is read from the index, with no sort step.
 */
import type { Migration } from '../sqlite.js';

export const m004Indexes: Migration = {
  version: 4,
  name: 'indexes',
  up(db) {
    db.exec(`
      DROP INDEX runs_created;
      DROP INDEX runs_status_created;
      DROP INDEX runs_mean_hits;
      DROP INDEX runs_roi;
      CREATE INDEX runs_by_created ON runs(created_at, run_id);
      CREATE INDEX runs_by_status ON runs(status, created_at, run_id);
      CREATE INDEX runs_by_mean_hits ON runs(mean_hits, run_id);
      CREATE INDEX runs_by_roi ON runs(roi_pct, run_id);
    `);
  },
};
