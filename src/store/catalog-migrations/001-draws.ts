/** Catalog migration 001: Draws and the import history. Money in integer centavos; NULL where the source had no value. */
import type { Migration } from '../sqlite.js';

export const m001Draws: Migration = {
  version: 1,
  name: 'draws',
  up(db) {
    db.exec(`
      CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      CREATE TABLE imports (
        id INTEGER PRIMARY KEY,
        file_name TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        format TEXT NOT NULL,
        parser_version TEXT NOT NULL,
        rows_read INTEGER NOT NULL,
        inserted INTEGER NOT NULL,
        unchanged INTEGER NOT NULL,
        replaced INTEGER NOT NULL,
        conflicts INTEGER NOT NULL,
        rejected INTEGER NOT NULL,
        first_contest INTEGER,
        last_contest INTEGER,
        synthetic INTEGER NOT NULL DEFAULT 0 CHECK (synthetic IN (0, 1)),
        started_at TEXT NOT NULL,
        finished_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX imports_sha256 ON imports(sha256);

      CREATE TABLE draws (
        contest INTEGER PRIMARY KEY CHECK (contest > 0),
        draw_date TEXT NOT NULL CHECK (draw_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
        b1 INTEGER NOT NULL CHECK (b1 BETWEEN 1 AND 80),
        b2 INTEGER NOT NULL CHECK (b2 BETWEEN 1 AND 80),
        b3 INTEGER NOT NULL CHECK (b3 BETWEEN 1 AND 80),
        b4 INTEGER NOT NULL CHECK (b4 BETWEEN 1 AND 80),
        b5 INTEGER NOT NULL CHECK (b5 BETWEEN 1 AND 80),
        winners_5 INTEGER CHECK (winners_5 >= 0),
        prize_5_cents INTEGER CHECK (prize_5_cents >= 0),
        winners_4 INTEGER CHECK (winners_4 >= 0),
        prize_4_cents INTEGER CHECK (prize_4_cents >= 0),
        winners_3 INTEGER CHECK (winners_3 >= 0),
        prize_3_cents INTEGER CHECK (prize_3_cents >= 0),
        winners_2 INTEGER CHECK (winners_2 >= 0),
        prize_2_cents INTEGER CHECK (prize_2_cents >= 0),
        accumulated_5_cents INTEGER CHECK (accumulated_5_cents >= 0),
        revenue_cents INTEGER CHECK (revenue_cents >= 0),
        estimated_next_cents INTEGER CHECK (estimated_next_cents >= 0),
        accumulated_sao_joao_cents INTEGER CHECK (accumulated_sao_joao_cents >= 0),
        winner_locations TEXT,
        notes TEXT,
        currency TEXT NOT NULL DEFAULT 'BRL' CHECK (currency IN ('BRL', 'CRR')),
        synthetic INTEGER NOT NULL DEFAULT 0 CHECK (synthetic IN (0, 1)),
        source TEXT NOT NULL,
        raw TEXT,
        import_id INTEGER REFERENCES imports(id),
        imported_at TEXT NOT NULL,
        CHECK (b1 < b2 AND b2 < b3 AND b3 < b4 AND b4 < b5)
      ) STRICT;
      CREATE INDEX draws_date ON draws(draw_date, contest);
    `);
  },
};
