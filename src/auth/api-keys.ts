/**
 * API keys: `lf_` + 43 base64url characters (256 random bits), shown once at creation and stored
 * only as HMAC-SHA256(server secret, key). Checking a key is one HMAC plus one indexed read,
 * so it stays cheap under load; the digest is compared again in constant time after the read.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { LuckyError } from '../errors.js';
import { type ApiKeyRecord, findApiKeyByHmac, insertApiKey, touchApiKey } from '../store/api-keys-repo.js';
import type { Db } from '../store/sqlite.js';
import type { Role } from './roles.js';

export const API_KEY_PATTERN = /^lf_[A-Za-z0-9_-]{43}$/;
/** Names are labels for humans: plain characters only, so they are safe in logs and tables. */
export const KEY_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 ._@-]{0,63}$/;
/** `last_used_at` is written at most this often per key, so busy keys do not turn reads into writes. */
export const LAST_USED_WRITE_INTERVAL_MS = 60_000;

/** Longest key lifetime accepted (ten years). */
export const MAX_KEY_LIFETIME_SECONDS = 3650 * 86_400;

export function generateApiKey(): string {
  return `lf_${randomBytes(32).toString('base64url')}`;
}

export function hashApiKey(secret: Buffer, key: string): Buffer {
  return createHmac('sha256', secret).update(key, 'utf8').digest();
}

export interface CreatedApiKey {
  record: ApiKeyRecord;
  /** the key itself: shown once, never stored */
  key: string;
}

/** Creates a key; `expiresInSeconds` undefined means it never expires. */
export function createApiKey(
  db: Db,
  secret: Buffer,
  input: { name: string; role: Role; expiresInSeconds?: number | undefined },
  nowMs: number,
): CreatedApiKey {
  if (!KEY_NAME_PATTERN.test(input.name)) {
    throw new LuckyError('E_INPUT_INVALID', 'invalid key name', ['name: 1 to 64 letters, digits, spaces or ._@- starting with a letter or digit']);
  }
  const key = generateApiKey();
  const record = insertApiKey(db, {
    name: input.name,
    role: input.role,
    keyHmac: hashApiKey(secret, key),
    prefix: key.slice(0, 9),
    createdAt: new Date(nowMs).toISOString(),
    expiresAt: input.expiresInSeconds === undefined ? null : new Date(nowMs + input.expiresInSeconds * 1000).toISOString(),
  });
  return { record, key };
}

/** Why a key was refused: logged server-side, never told to the client. */
export type KeyRefusal = 'malformed' | 'unknown' | 'revoked' | 'expired';

/**
 * The active key record for `key`, or the reason it is refused. Touches `last_used_at` when it
 * is older than {@link LAST_USED_WRITE_INTERVAL_MS}.
 */
export function authenticateApiKey(db: Db, secret: Buffer, key: string, nowMs: number): ApiKeyRecord | KeyRefusal {
  if (!API_KEY_PATTERN.test(key)) return 'malformed';
  const digest = hashApiKey(secret, key);
  const row = findApiKeyByHmac(db, digest);
  if (!row || !timingSafeEqual(row.key_hmac, digest)) return 'unknown';
  if (row.revoked_at !== null) return 'revoked';
  if (row.expires_at !== null && Date.parse(row.expires_at) <= nowMs) return 'expired';
  if (row.last_used_at === null || nowMs - Date.parse(row.last_used_at) >= LAST_USED_WRITE_INTERVAL_MS) {
    const at = new Date(nowMs).toISOString();
    touchApiKey(db, row.id, at);
    row.last_used_at = at;
  }
  const { key_hmac: _digest, ...record } = row;
  return record;
}
