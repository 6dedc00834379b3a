/**
 * The server secret keys the HMAC under which API keys are stored. Configured
 * (`server_secret` / LUCKYFIVE_SERVER_SECRET) or, when unset, generated once and kept in the
 * catalog's meta table so `auth key create` and `serve` agree without any setup. Changing it
 * invalidates every stored key.
 */
import { randomBytes } from 'node:crypto';
import type { Db } from '../store/sqlite.js';

const META_KEY = 'server_secret';

/** The secret as bytes: the configured one, or the catalog's (created on first use). */
export function readServerSecret(db: Db, configured: string | undefined): Buffer {
  if (configured !== undefined) return Buffer.from(configured, 'utf8');
  // INSERT OR IGNORE then read: two processes starting at once still agree on one secret.
  db.prepare('INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING').run(META_KEY, randomBytes(32).toString('hex'));
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(META_KEY) as { value: string };
  return Buffer.from(row.value, 'hex');
}
