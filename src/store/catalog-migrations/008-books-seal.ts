/**
 * Catalog migration 008:
 * The keyed seal of the books and retractable balance assertions.
 *
 * The seal (see `../books-seal.ts`) is written here for the first time: a catalog from before
 * this version is sealed as it stands, on the first read-write open by this luckyfive, with the
 * books key of that open. Sealing pins the row count and the chain head; it does not bless the
 * rows: a row already edited before the upgrade still fails its hash in `ledger check`. From
 * this version on, a missing seal is itself reported as tampering.
 *
 * `ledger_assertion_retractions`: a balance assertion is withdrawn by appending a retraction
 * (assertions and retractions stay append-only); `ledger check` skips retracted assertions.
 */
import { readBooksKey } from '../books-key.js';
import { readChainState, writeSeal } from '../books-seal.js';
import type { Migration } from '../sqlite.js';

export const m008BooksSeal: Migration = {
  version: 8,
  name: 'books-seal',
  up(db) {
    db.exec(`
      CREATE TABLE ledger_assertion_retractions (
        id INTEGER PRIMARY KEY,
        created_at TEXT NOT NULL,
        assertion_id INTEGER NOT NULL UNIQUE REFERENCES ledger_assertions(id),
        reason TEXT NOT NULL
      ) STRICT;
      CREATE TRIGGER ledger_assertion_retractions_no_update BEFORE UPDATE ON ledger_assertion_retractions BEGIN SELECT RAISE(ABORT, 'retractions are append-only'); END;
      CREATE TRIGGER ledger_assertion_retractions_no_delete BEFORE DELETE ON ledger_assertion_retractions BEGIN SELECT RAISE(ABORT, 'retractions are append-only'); END;
    `);
    writeSeal(db, readBooksKey(db), readChainState(db));
  },
};
