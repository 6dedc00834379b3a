/**
 * Catalog migration 007:
 * Server-side state that the CLI does not need: the simulation job queue and saved recipes.
 *
 * `jobs` is the queue of `POST /api/v1/simulations`: one row per request that was too large to
 * answer synchronously. `seq` orders the queue and pages lists; `job_id` is the public id. The
 * request is stored normalized (recipe resolved, range resolved to contests), so a job runs
 * exactly what was validated when it was accepted. `run_id` is assigned when a runner claims the
 * job, before the run exists, so a crash between the two is recovered without a duplicate run.
 * `cancel_requested` lets a cancel reach a job running in another server process.
 *
 * `saved_recipes` holds named, normalized recipes; at most one is the default (partial unique index).
 */
import type { Migration } from '../sqlite.js';

export const m007Jobs: Migration = {
  version: 7,
  name: 'jobs',
  up(db) {
    db.exec(`
      CREATE TABLE jobs (
        seq INTEGER PRIMARY KEY,
        job_id TEXT NOT NULL UNIQUE CHECK (job_id GLOB 'job-[a-z0-9]*' AND length(job_id) BETWEEN 10 AND 64),
        kind TEXT NOT NULL CHECK (kind IN ('simulate')),
        request_json TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'completed', 'failed', 'cancelled')),
        run_id TEXT,
        error TEXT,
        created_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT,
        attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        cancel_requested INTEGER NOT NULL DEFAULT 0 CHECK (cancel_requested IN (0, 1))
      ) STRICT;
      CREATE INDEX jobs_status_seq ON jobs(status, seq);
      CREATE TABLE saved_recipes (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 64),
        recipe_json TEXT NOT NULL,
        recipe_hash TEXT NOT NULL,
        is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE UNIQUE INDEX saved_recipes_one_default ON saved_recipes(is_default) WHERE is_default = 1;
    `);
  },
};
