/** Rows of the `api_keys` table. The key itself never reaches this module: only its HMAC. */
import type { Role } from '../core/roles.js';
import { type Db, asBookkeeping, prepareCached } from './sqlite.js';

export interface ApiKeyRecord {
  id: number;
  name: string;
  role: Role;
  prefix: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

const COLUMNS = 'id, name, role, prefix, created_at, expires_at, revoked_at, last_used_at';

export interface NewApiKey {
  name: string;
  role: Role;
  keyHmac: Buffer;
  prefix: string;
  createdAt: string;
  expiresAt: string | null;
}

export function insertApiKey(db: Db, k: NewApiKey): ApiKeyRecord {
  const info = db
    .prepare('INSERT INTO api_keys (name, role, key_hmac, prefix, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)')
    .run(k.name, k.role, k.keyHmac, k.prefix, k.createdAt, k.expiresAt);
  return getApiKey(db, Number(info.lastInsertRowid))!;
}

export function getApiKey(db: Db, id: number): ApiKeyRecord | undefined {
  return db.prepare(`SELECT ${COLUMNS} FROM api_keys WHERE id = ?`).get(id) as ApiKeyRecord | undefined;
}

/** The key whose HMAC is `keyHmac`, through the unique index (one indexed read). */
export function findApiKeyByHmac(db: Db, keyHmac: Buffer): (ApiKeyRecord & { key_hmac: Buffer }) | undefined {
  return prepareCached(db, `SELECT ${COLUMNS}, key_hmac FROM api_keys WHERE key_hmac = ?`).get(keyHmac) as (ApiKeyRecord & { key_hmac: Buffer }) | undefined;
}

/** Every key, newest first (there are few: no pagination). */
export function listApiKeys(db: Db): ApiKeyRecord[] {
  return db.prepare(`SELECT ${COLUMNS} FROM api_keys ORDER BY id DESC`).all() as ApiKeyRecord[];
}

/** Marks a key revoked (once: a second revoke keeps the first time). Returns the row, or undefined. */
export function revokeApiKey(db: Db, id: number, at: string): ApiKeyRecord | undefined {
  db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(at, id);
  return getApiKey(db, id);
}

/** Records a key's last use: bookkeeping, which leaves the catalog's stamp (and every response cache) alone. */
export function touchApiKey(db: Db, id: number, at: string): void {
  asBookkeeping(db, () => prepareCached(db, 'UPDATE api_keys SET last_used_at = ? WHERE id = ?').run(at, id));
}
