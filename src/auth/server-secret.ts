/**
 * The server secret keys the HMAC under which API keys are stored. Configured
 * (`server_secret` / LUCKYFIVE_SERVER_SECRET) or, when unset, generated once and kept in the
 * catalog's meta table so `auth key create` and `serve` agree without any setup. Changing it
 * invalidates every stored key.
 */
import { randomBytes } from 'node:crypto';
import { readOrInitMeta } from '../store/catalog.js';
import type { Db } from '../store/sqlite.js';

const META_KEY = 'server_secret';

/** The secret as bytes: the configured one, or the catalog's (created on first use). */
export function readServerSecret(db: Db, configured: string | undefined): Buffer {
  if (configured !== undefined) return Buffer.from(configured, 'utf8');
  // insert-if-absent then read: two processes starting at once still agree on one secret.
  return Buffer.from(readOrInitMeta(db, META_KEY, randomBytes(32).toString('hex')), 'hex');
}
