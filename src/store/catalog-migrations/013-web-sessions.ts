/**
 * Catalog migration 013:
 * Dashboard sessions (`serve`'s sign-in). A row per signed-in browser, found by the SHA-256 of the
 * session id (the id itself lives only in the browser's HttpOnly cookie), with who it is (the key's
 * or token's principal id, kind, role and subject), when it was created and last seen, and when it
 * ends at the latest (its absolute lifetime, or a token's `exp`). Kept in the catalog, not in one
 * process's memory, so a session works across `serve --processes N` and restarts.
 */
import type { Migration } from '../sqlite.js';

export const m013WebSessions: Migration = {
  version: 13,
  name: 'web-sessions',
  up(db) {
    db.exec(`
      CREATE TABLE web_sessions (
        session_hash BLOB PRIMARY KEY CHECK (length(session_hash) = 32),
        principal_id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('api_key', 'jwt')),
        key_id INTEGER,
        role TEXT NOT NULL CHECK (role IN ('viewer', 'analyst', 'admin')),
        subject TEXT NOT NULL,
        created_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX web_sessions_expires ON web_sessions (expires_at);
    `);
  },
};
