/**
 * Catalog migration 002:
 * The run index: one row per run file so listing, ranking and filtering never open every file.
 * Headline metrics are columns (indexed where lists sort by them); the full summary stays in the run file.
 */
import type { Migration } from '../sqlite.js';

export const m002Runs: Migration = {
  version: 2,
  name: 'runs',
  up(db) {
    db.exec(`
      CREATE TABLE runs (
        run_id TEXT PRIMARY KEY CHECK (run_id GLOB '[a-z0-9]*' AND length(run_id) BETWEEN 6 AND 64),
        name TEXT,
        sweep_id TEXT,
        recipe_hash TEXT NOT NULL,
        recipe_json TEXT NOT NULL,
        strategy TEXT NOT NULL,
        seed INTEGER NOT NULL,
        numbers_per_ticket INTEGER NOT NULL,
        tickets_per_contest INTEGER NOT NULL,
        dataset_hash TEXT,
        engine_version TEXT NOT NULL,
        first_contest INTEGER NOT NULL,
        last_contest INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'completed', 'failed', 'cancelled')),
        contests_planned INTEGER NOT NULL,
        contests_done INTEGER NOT NULL DEFAULT 0,
        tickets INTEGER NOT NULL DEFAULT 0,
        mean_hits REAL,
        rate_2 REAL,
        rate_3 REAL,
        rate_4 REAL,
        rate_5 REAL,
        best_2plus REAL,
        best_3plus REAL,
        best_4plus REAL,
        p_value REAL,
        cost_cents INTEGER,
        prize_cents INTEGER,
        net_cents INTEGER,
        roi_pct REAL,
        max_drawdown_cents INTEGER,
        win_rate REAL,
        synthetic INTEGER NOT NULL DEFAULT 0 CHECK (synthetic IN (0, 1)),
        file TEXT NOT NULL,
        created_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT,
        error TEXT
      ) STRICT;
      CREATE INDEX runs_created ON runs(created_at);
      CREATE INDEX runs_status_created ON runs(status, created_at);
      CREATE INDEX runs_recipe_hash ON runs(recipe_hash);
      CREATE INDEX runs_sweep ON runs(sweep_id) WHERE sweep_id IS NOT NULL;
      CREATE INDEX runs_mean_hits ON runs(mean_hits);
      CREATE INDEX runs_roi ON runs(roi_pct);
    `);
  },
};
