/**
 * Catalog migration 014:
 * Studies (`luckyfive optimize`): a study IS a sweep whose cells are its trials, so it reuses the
 * sweep tables, runner, resume and holdout. `sweeps.kind` tells a grid sweep from a study;
 * `sweep_cells.generation` is the generation that first produced a trial (NULL for grid cells).
 * `studies` holds the search's method, options and progress; `study_generations` the population
 * of each generation as cell indexes, in order (a child equal to an earlier trial points at that
 * cell), written before its trials run so a resume replays the same search; `study_looks` one row
 * per look at the holdout (look 1 is the study's own, later looks were asked for and are counted).
 */
import type { Migration } from '../sqlite.js';

export const m014Studies: Migration = {
  version: 14,
  name: 'studies',
  up(db) {
    db.exec(`
      ALTER TABLE sweeps ADD COLUMN kind TEXT NOT NULL DEFAULT 'grid' CHECK (kind IN ('grid', 'study'));
      ALTER TABLE sweep_cells ADD COLUMN generation INTEGER CHECK (generation IS NULL OR generation >= 0);

      CREATE TABLE studies (
        sweep_id TEXT PRIMARY KEY REFERENCES sweeps(sweep_id) ON DELETE CASCADE,
        method TEXT NOT NULL CHECK (method IN ('random', 'evolutionary')),
        options_json TEXT NOT NULL,
        trials_planned INTEGER NOT NULL CHECK (trials_planned > 0),
        generations_done INTEGER NOT NULL DEFAULT 0 CHECK (generations_done >= 0),
        search_done INTEGER NOT NULL DEFAULT 0 CHECK (search_done IN (0, 1))
      ) STRICT;

      CREATE TABLE study_generations (
        sweep_id TEXT NOT NULL REFERENCES studies(sweep_id) ON DELETE CASCADE,
        generation INTEGER NOT NULL CHECK (generation >= 0),
        members_json TEXT NOT NULL,
        PRIMARY KEY (sweep_id, generation)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE study_looks (
        sweep_id TEXT NOT NULL REFERENCES studies(sweep_id) ON DELETE CASCADE,
        look INTEGER NOT NULL CHECK (look >= 1),
        at TEXT NOT NULL,
        top INTEGER NOT NULL CHECK (top >= 0),
        cells_json TEXT NOT NULL,
        reason TEXT,
        PRIMARY KEY (sweep_id, look)
      ) STRICT, WITHOUT ROWID;
    `);
  },
};
