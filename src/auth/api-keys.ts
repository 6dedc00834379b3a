/**
 * API keys: `lf_` + 43 base64url characters (256 random bits), shown once at creation and stored
 * only as HMAC-SHA256(server secret, key). Checking a key is one HMAC plus, at most, one
 * indexed read (see {@link ApiKeyVerifier}), so it stays cheap under load.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { LruMap } from '../core/lru.js';
import { LuckyError } from '../errors.js';
import { type ApiKeyRecord, findApiKeyByHmac, insertApiKey, touchApiKey } from '../store/api-keys-repo.js';
import { type Db, catalogStamp, withoutBusyWait } from '../store/sqlite.js';
import type { Role } from '../core/roles.js';

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
export function createApiKey(db: Db, secret: Buffer, input: { name: string; role: Role; expiresInSeconds?: number | undefined }, nowMs: number): CreatedApiKey {
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

/** Whether a stored key row is refused now (revoked or expired). */
function refusal(row: Readonly<ApiKeyRecord>, nowMs: number): KeyRefusal | undefined {
  if (row.revoked_at !== null) return 'revoked';
  if (row.expires_at !== null && Date.parse(row.expires_at) <= nowMs) return 'expired';
  return undefined;
}

/**
 * Checks API keys: one HMAC and, for a key not seen since the catalog last changed, one
 * indexed read (the digest compared again in constant time). The rows of keys in use are kept
 * in memory, by digest (never by the key itself), while the catalog is unchanged. Any commit
 * to the catalog (a revocation from the CLI or the API, a new key, another process's
 * `last_used_at` write) changes its stamp and sends the next request of every key back to the
 * database, so a revoked key is refused on its next request. Expiry is checked on every
 * request; `last_used_at` is touched when older than {@link LAST_USED_WRITE_INTERVAL_MS}, as
 * bookkeeping that leaves this connection's stamp (and the response caches) alone; the cached
 * row is updated with it.
 * Unknown keys are never cached: guessing cannot fill the cache.
 */
export class ApiKeyVerifier {
  private readonly rows: LruMap<string, { stamp: string; row: Readonly<ApiKeyRecord> }>;

  /** when `last_used_at` was last attempted per key id, so a failing write is retried once per interval, not per request */
  private readonly touched: LruMap<number, number>;

  constructor(
    private readonly db: Db,
    private readonly secret: Buffer,
    maxEntries = 1024,
    /** told when the best-effort `last_used_at` write fails (the request goes on) */
    private readonly onTouchError: (error: unknown) => void = () => {},
  ) {
    this.rows = new LruMap(maxEntries);
    this.touched = new LruMap(maxEntries);
  }

  /**
   * The answer for one request: the record or why it is refused. `last_used_at` is bookkeeping:
   * written at most once per {@link LAST_USED_WRITE_INTERVAL_MS} per key, and a failed write
   * (full disk, locked catalog) is reported to `onTouchError`, never to the caller, so reads
   * keep working when the catalog cannot be written.
   */
  private judge(row: Readonly<ApiKeyRecord>, nowMs: number): Readonly<ApiKeyRecord> | KeyRefusal {
    const refused = refusal(row, nowMs);
    if (refused) return refused;
    const lastAttempt = this.touched.get(row.id);
    const stale = row.last_used_at === null || nowMs - Date.parse(row.last_used_at) >= LAST_USED_WRITE_INTERVAL_MS;
    if (!stale || (lastAttempt !== undefined && nowMs - lastAttempt < LAST_USED_WRITE_INTERVAL_MS)) return row;
    this.touched.set(row.id, nowMs);
    const at = new Date(nowMs).toISOString();
    // Never wait on another writer's lock for bookkeeping: skip the write instead (busy_timeout 0).
    try {
      withoutBusyWait(this.db, () => touchApiKey(this.db, row.id, at));
    } catch (e) {
      this.onTouchError(e);
      return row;
    }
    return { ...row, last_used_at: at };
  }

  /** The active key record for `key`, or the reason it is refused. */
  verify(key: string, nowMs: number): Readonly<ApiKeyRecord> | KeyRefusal {
    if (!API_KEY_PATTERN.test(key)) return 'malformed';
    const digest = hashApiKey(this.secret, key);
    const id = digest.toString('base64');
    // Taken before the read: a commit landing after it makes the stored row stale, never the reverse.
    const stamp = catalogStamp(this.db);
    const hit = this.rows.get(id);
    if (hit && hit.stamp === stamp) return this.judgeAndKeep(id, stamp, hit.row, nowMs);
    const found = findApiKeyByHmac(this.db, digest);
    if (!found || !timingSafeEqual(found.key_hmac, digest)) {
      this.rows.delete(id);
      return 'unknown';
    }
    const { key_hmac: _digest, ...row } = found;
    this.rows.set(id, { stamp, row });
    return this.judgeAndKeep(id, stamp, row, nowMs);
  }

  /** {@link judge}, keeping the row with its new `last_used_at` when it was just written. */
  private judgeAndKeep(id: string, stamp: string, row: Readonly<ApiKeyRecord>, nowMs: number): Readonly<ApiKeyRecord> | KeyRefusal {
    const judged = this.judge(row, nowMs);
    if (typeof judged !== 'string' && judged !== row) this.rows.set(id, { stamp, row: judged });
    return judged;
  }
}
