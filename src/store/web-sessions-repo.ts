/**
 * Rows of the `web_sessions` table (dashboard sign-ins). The session id never reaches this module:
 * only its SHA-256. A session of an API key is read together with its key's revocation and expiry,
 * so a revoked key ends its sessions at their next request.
 */
import type { Role } from '../core/roles.js';
import { type Db, asBookkeeping, prepareCached } from './sqlite.js';

export type WebSessionKind = 'api_key' | 'jwt';

export interface WebSessionRecord {
  principal_id: string;
  kind: WebSessionKind;
  key_id: number | null;
  role: Role;
  subject: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

/** A session row with its API key's state (both null for a JWT session, and for a key that is gone). */
export interface WebSessionWithKey extends WebSessionRecord {
  key_revoked_at: string | null;
  key_expires_at: string | null;
  /** false when the session names an API key that no longer exists */
  key_found: boolean;
}

export function insertWebSession(db: Db, sessionHash: Buffer, s: WebSessionRecord): void {
  prepareCached(
    db,
    `INSERT INTO web_sessions (session_hash, principal_id, kind, key_id, role, subject, created_at, last_seen_at, expires_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(sessionHash, s.principal_id, s.kind, s.key_id, s.role, s.subject, s.created_at, s.last_seen_at, s.expires_at);
}

/** The session whose hash is `sessionHash` (one read through the primary key), with its key's state. */
export function findWebSession(db: Db, sessionHash: Buffer): WebSessionWithKey | undefined {
  const row = prepareCached(
    db,
    `SELECT s.principal_id, s.kind, s.key_id, s.role, s.subject, s.created_at, s.last_seen_at, s.expires_at,
            k.revoked_at AS key_revoked_at, k.expires_at AS key_expires_at, k.id IS NOT NULL AS key_found
       FROM web_sessions s LEFT JOIN api_keys k ON k.id = s.key_id
      WHERE s.session_hash = ?`,
  ).get(sessionHash) as (Omit<WebSessionWithKey, 'key_found'> & { key_found: number }) | undefined;
  return row && { ...row, key_found: row.key_found === 1 };
}

/** Records a session's last use: bookkeeping, which leaves the catalog's stamp (and every response cache) alone. */
export function touchWebSession(db: Db, sessionHash: Buffer, at: string): void {
  asBookkeeping(db, () => prepareCached(db, 'UPDATE web_sessions SET last_seen_at = ? WHERE session_hash = ?').run(at, sessionHash));
}

/** Deletes one session; true when it existed. */
export function deleteWebSession(db: Db, sessionHash: Buffer): boolean {
  return prepareCached(db, 'DELETE FROM web_sessions WHERE session_hash = ?').run(sessionHash).changes > 0;
}

/** Deletes the sessions that ended (absolute end before `now`, or idle since before `idleBefore`); returns how many. */
export function deleteEndedWebSessions(db: Db, now: string, idleBefore: string): number {
  return prepareCached(db, 'DELETE FROM web_sessions WHERE expires_at <= ? OR last_seen_at < ?').run(now, idleBefore).changes;
}
