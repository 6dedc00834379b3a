/**
 * Catalog migration 005:
 * API keys for `luckyfive serve`. The key itself is never stored: `key_hmac` is
 * HMAC-SHA256(server secret, key), looked up through its unique index, so authenticating a
 * request costs one HMAC and one indexed read (no slow hash per request; the keys are 256-bit
 * random, so a slow hash would add nothing). `prefix` is the first characters of the key,
 * kept only so a human can tell keys apart in `auth key list`.
 */
import type { Migration } from '../sqlite.js';

export const m005Auth: Migration = {
  version: 5,
  name: 'auth',
  up(db) {
    db.exec(`
      CREATE TABLE api_keys (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
        role TEXT NOT NULL CHECK (role IN ('viewer', 'analyst', 'admin')),
        key_hmac BLOB NOT NULL CHECK (length(key_hmac) = 32),
        prefix TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT,
        revoked_at TEXT,
        last_used_at TEXT
      ) STRICT;
      CREATE UNIQUE INDEX api_keys_hmac ON api_keys(key_hmac);
    `);
  },
};
