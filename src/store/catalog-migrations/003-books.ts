/**
 * Catalog migration 003:
 * The books: the editable price table (seeded from DEFAULT_PRICE_TABLE) with its audit trail,
 * the append-only real ledger with its hash chain, balance assertions and budgets.
 *
 * Append-only is enforced by SQLite itself: BEFORE UPDATE/DELETE triggers abort. Amount signs are
 * deliberately not CHECK constraints: they are checked on write by the code and on `ledger check`,
 * which reports a row edited outside luckyfive instead of leaving it unreadable.
 */
import { DEFAULT_PRICE_TABLE } from '../../core/finance/prices.js';
import type { Migration } from '../sqlite.js';

export const m003Books: Migration = {
  version: 3,
  name: 'books',
  up(db) {
    db.exec(`
      CREATE TABLE prices (
        from_date TEXT PRIMARY KEY CHECK (from_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
        price_cents INTEGER NOT NULL CHECK (price_cents > 0),
        note TEXT,
        updated_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE price_changes (
        id INTEGER PRIMARY KEY,
        changed_at TEXT NOT NULL,
        from_date TEXT NOT NULL,
        old_price_cents INTEGER,
        new_price_cents INTEGER NOT NULL,
        note TEXT
      ) STRICT;

      CREATE TABLE ledger_entries (
        id INTEGER PRIMARY KEY,
        created_at TEXT NOT NULL,
        entry_date TEXT NOT NULL CHECK (entry_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
        type TEXT NOT NULL CHECK (type IN ('bet', 'prize', 'deposit', 'withdrawal', 'adjustment', 'reversal')),
        amount_cents INTEGER NOT NULL,
        contest INTEGER,
        tickets INTEGER,
        numbers_per_ticket INTEGER,
        tickets_json TEXT,
        run_id TEXT,
        recipe_hash TEXT,
        tier TEXT CHECK (tier IN ('quina', 'quadra', 'terno', 'duque')),
        idempotency_key TEXT UNIQUE,
        reverses_id INTEGER UNIQUE REFERENCES ledger_entries(id),
        reason TEXT,
        note TEXT,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      ) STRICT;
      CREATE INDEX ledger_date ON ledger_entries(entry_date);
      CREATE INDEX ledger_type_date ON ledger_entries(type, entry_date);
      CREATE INDEX ledger_contest ON ledger_entries(contest) WHERE contest IS NOT NULL;
      CREATE INDEX ledger_run ON ledger_entries(run_id) WHERE run_id IS NOT NULL;

      CREATE TABLE ledger_assertions (
        id INTEGER PRIMARY KEY,
        created_at TEXT NOT NULL,
        assert_date TEXT NOT NULL CHECK (assert_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
        balance_cents INTEGER NOT NULL,
        note TEXT
      ) STRICT;

      CREATE TABLE budgets (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
        from_date TEXT NOT NULL CHECK (from_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
        to_date TEXT CHECK (to_date IS NULL OR to_date >= from_date),
        note TEXT,
        created_at TEXT NOT NULL
      ) STRICT;
    `);
    const appendOnly: Array<[string, string]> = [
      ['ledger_entries', 'ledger is append-only'],
      ['ledger_assertions', 'balance assertions are append-only'],
      ['price_changes', 'the price history is append-only'],
    ];
    for (const [table, message] of appendOnly) {
      db.exec(`
        CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table} BEGIN SELECT RAISE(ABORT, '${message}'); END;
        CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table} BEGIN SELECT RAISE(ABORT, '${message}'); END;
      `);
    }
    const now = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";
    const price = db.prepare(`INSERT INTO prices (from_date, price_cents, note, updated_at) VALUES (?, ?, ?, ${now})`);
    const change = db.prepare(
      `INSERT INTO price_changes (changed_at, from_date, old_price_cents, new_price_cents, note) VALUES (${now}, ?, NULL, ?, 'seeded from the built-in price table')`,
    );
    for (const p of DEFAULT_PRICE_TABLE) {
      price.run(p.from, p.price_cents, p.note ?? null);
      change.run(p.from, p.price_cents);
    }
  },
};
