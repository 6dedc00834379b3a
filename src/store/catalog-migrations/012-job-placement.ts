/**
 * Catalog migration 012:
 * Where a simulation job runs and, on the run queue, who holds it. `placement` is chosen when the
 * job is accepted: `server` (this server's pool) or `queue` (a `luckyfive worker` through
 * `queue_url`). For a job on the queue, `worker` is the name of the worker holding it (NULL while it
 * waits for one) and `worker_done`/`worker_total` its progress in contests, as the worker reports it
 * (its run is in the catalog only once it comes back). `error_code` is the code of a failure.
 * Kept in the catalog, not in one process's memory, so every server process answers the same.
 */
import type { Migration } from '../sqlite.js';

export const m012JobPlacement: Migration = {
  version: 12,
  name: 'job-placement',
  up(db) {
    db.exec(`
      ALTER TABLE jobs ADD COLUMN placement TEXT NOT NULL DEFAULT 'server' CHECK (placement IN ('server', 'queue'));
      ALTER TABLE jobs ADD COLUMN worker TEXT;
      ALTER TABLE jobs ADD COLUMN worker_done INTEGER;
      ALTER TABLE jobs ADD COLUMN worker_total INTEGER;
      ALTER TABLE jobs ADD COLUMN error_code TEXT;
    `);
  },
};
