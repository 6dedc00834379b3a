/**
 * Catalog migration 006:
 * Sweeps: one row per sweep (its spec, base recipe, range, holdout, status) and one row per cell
 * (its parameters, recipe, key and run). A cell's key is sha256(canonical recipe, dataset hash,
 * seed, range): unique within a sweep, so a cell is never run twice. Cells whose recipe is invalid
 * keep NULL recipe, hash and key and the error. No foreign key to `runs`: deleting a run must not
 * be blocked by a sweep; `sweep show` reports a cell whose run is gone.
 */
import type { Migration } from '../sqlite.js';

export const m006Sweeps: Migration = {
  version: 6,
  name: 'sweeps',
  up(db) {
    db.exec(`
      CREATE TABLE sweeps (
        sweep_id TEXT PRIMARY KEY CHECK (sweep_id GLOB '[a-z0-9]*' AND length(sweep_id) BETWEEN 6 AND 64),
        name TEXT NOT NULL,
        spec_json TEXT NOT NULL,
        base_recipe_json TEXT NOT NULL,
        first_contest INTEGER NOT NULL,
        last_contest INTEGER NOT NULL CHECK (last_contest >= first_contest),
        holdout_from INTEGER,
        holdout_to INTEGER,
        seed INTEGER NOT NULL,
        metric TEXT NOT NULL,
        holdout_top INTEGER NOT NULL CHECK (holdout_top >= 0),
        status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'completed', 'completed_with_failures', 'stopped', 'failed')),
        cells_total INTEGER NOT NULL CHECK (cells_total > 0),
        owner TEXT,
        error TEXT,
        created_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT,
        CHECK ((holdout_from IS NULL) = (holdout_to IS NULL)),
        CHECK (holdout_from IS NULL OR holdout_to >= holdout_from)
      ) STRICT;
      CREATE INDEX sweeps_by_created ON sweeps(created_at, sweep_id);
      CREATE INDEX sweeps_by_status ON sweeps(status, created_at, sweep_id);

      CREATE TABLE sweep_cells (
        sweep_id TEXT NOT NULL REFERENCES sweeps(sweep_id) ON DELETE CASCADE,
        cell_index INTEGER NOT NULL CHECK (cell_index >= 0),
        params_json TEXT NOT NULL,
        recipe_json TEXT,
        recipe_hash TEXT,
        cell_key TEXT,
        run_id TEXT,
        status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'completed', 'failed')),
        error TEXT,
        holdout_run_id TEXT,
        PRIMARY KEY (sweep_id, cell_index),
        UNIQUE (sweep_id, cell_key)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX sweep_cells_by_status ON sweep_cells(sweep_id, status, cell_index);
      CREATE INDEX sweep_cells_by_run ON sweep_cells(run_id) WHERE run_id IS NOT NULL;
    `);
  },
};
