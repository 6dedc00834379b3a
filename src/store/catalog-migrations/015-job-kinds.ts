/**
 * Catalog migration 015:
 * Jobs of three kinds: besides `simulate`, a `sweep` job runs (or resumes) a recorded sweep and an
 * `optimize` job a recorded study, both started over the API (`POST /sweeps`, `POST /optimizations`);
 * their `request_json` is `{"sweep_id": ...}` / `{"study_id": ...}`. SQLite cannot alter a CHECK
 * constraint, so the table is rebuilt: a new table with every column, constraint and index of
 * migrations 007, 009 and 012, only `kind` widened; the rows are copied (same `seq`), the old
 * table dropped and the new one renamed. An index on `kind` serves the per-kind lists.
 */
import type { Migration } from '../sqlite.js';

export const m015JobKinds: Migration = {
  version: 15,
  name: 'job-kinds',
  up(db) {
    db.exec(`
      CREATE TABLE jobs_new (
        seq INTEGER PRIMARY KEY,
        job_id TEXT NOT NULL UNIQUE CHECK (job_id GLOB 'job-[a-z0-9]*' AND length(job_id) BETWEEN 10 AND 64),
        kind TEXT NOT NULL CHECK (kind IN ('simulate', 'sweep', 'optimize')),
        request_json TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'completed', 'failed', 'cancelled')),
        run_id TEXT,
        error TEXT,
        created_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT,
        attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        cancel_requested INTEGER NOT NULL DEFAULT 0 CHECK (cancel_requested IN (0, 1)),
        owner TEXT,
        placement TEXT NOT NULL DEFAULT 'server' CHECK (placement IN ('server', 'queue')),
        worker TEXT,
        worker_done INTEGER,
        worker_total INTEGER,
        error_code TEXT
      ) STRICT;
      INSERT INTO jobs_new (seq, job_id, kind, request_json, status, run_id, error, created_at, started_at, finished_at, attempts, cancel_requested,
                            owner, placement, worker, worker_done, worker_total, error_code)
        SELECT seq, job_id, kind, request_json, status, run_id, error, created_at, started_at, finished_at, attempts, cancel_requested,
               owner, placement, worker, worker_done, worker_total, error_code FROM jobs;
      DROP TABLE jobs;
      ALTER TABLE jobs_new RENAME TO jobs;
      CREATE INDEX jobs_status_seq ON jobs(status, seq);
      CREATE INDEX jobs_kind_seq ON jobs(kind, seq);
    `);
  },
};
