/**
 * Catalog migration 009:
 * The process that owns a running run or job, as `pid@host` (see `src/store/process-owner.ts`):
 * a second process refuses to resume a run or requeue a job whose owner is alive, and a run whose
 * owner died shows as `interrupted`. NULL when nobody works on it.
 */
import type { Migration } from '../sqlite.js';

export const m009Owners: Migration = {
  version: 9,
  name: 'owners',
  up(db) {
    db.exec(`
      ALTER TABLE runs ADD COLUMN owner TEXT;
      ALTER TABLE jobs ADD COLUMN owner TEXT;
    `);
  },
};
