/**
 * Dashboard sessions: what `serve`'s sign-in turns an API key or token into. A session id is 32
 * random bytes (base64url) that only the browser keeps, in an HttpOnly cookie; the catalog keeps
 * its SHA-256 and who it is. A session ends when idle for `web_session_idle` minutes, after
 * `web_session_lifetime` hours, at its token's `exp`, when its API key is revoked or expires, or
 * at sign-out. Last-seen is written at most once a minute (no write per request).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Role } from '../core/roles.js';
import {
  type WebSessionKind,
  type WebSessionWithKey,
  deleteEndedWebSessions,
  deleteWebSession,
  findWebSession,
  insertWebSession,
  touchWebSession,
} from '../store/web-sessions-repo.js';
import { withoutBusyWait } from '../store/sqlite.js';
import type { UseCaseDeps } from './deps.js';

/** Last-seen is written when older than this, so a busy session does not turn reads into writes. */
export const WEB_SESSION_TOUCH_INTERVAL_MS = 60_000;

/** A session id: 43 base64url characters (32 random bytes). Anything else is not looked up. */
export const WEB_SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** Who signed in, as the gate resolved the key or token. */
export interface WebSessionOwner {
  /** `key:<id>` or `jwt:<sub>` (the API principal id: the same rate-limit bucket) */
  principal_id: string;
  kind: WebSessionKind;
  /** the API key's id (null for a token) */
  key_id: number | null;
  role: Role;
  /** the key's name or the token's `sub` */
  subject: string;
  /** the token's `exp` as an ISO time (a session never outlives it); undefined for a key */
  token_expires_at?: string | undefined;
}

/** An open session: who it is and when it ends at the latest. */
export interface OpenWebSession {
  principal_id: string;
  kind: WebSessionKind;
  role: Role;
  subject: string;
  created_at: string;
  last_seen_at: string;
  /** the absolute end (lifetime, token `exp`, or the key's expiry); idleness may end it sooner */
  expires_at: string;
}

/** Why a presented session id was not accepted: for the log, never told to the browser. */
export type WebSessionRefusal = 'malformed' | 'unknown' | 'expired' | 'idle' | 'key_revoked' | 'key_expired' | 'key_gone';

function hashSessionId(sessionId: string): Buffer {
  return createHash('sha256').update(sessionId, 'utf8').digest();
}

function earliest(...isoTimes: Array<string | null | undefined>): string {
  const times = isoTimes.filter((t): t is string => typeof t === 'string').map((t) => Date.parse(t));
  return new Date(Math.min(...times)).toISOString();
}

/**
 * Opens a session for `owner` (already verified by the caller) and returns its id, shown once to
 * the browser, and the latest time it can end. Deletes sessions that have ended on the way.
 */
export function startWebSession(
  deps: Pick<UseCaseDeps, 'catalog' | 'config' | 'clock'>,
  owner: WebSessionOwner,
): { session_id: string; session: OpenWebSession } {
  const db = deps.catalog.db;
  const nowMs = Date.parse(deps.clock.now);
  const now = deps.clock.now;
  const sessionId = randomBytes(32).toString('base64url');
  const session: OpenWebSession = {
    principal_id: owner.principal_id,
    kind: owner.kind,
    role: owner.role,
    subject: owner.subject,
    created_at: now,
    last_seen_at: now,
    expires_at: earliest(new Date(nowMs + deps.config.web_session_lifetime * 3_600_000).toISOString(), owner.token_expires_at),
  };
  db.transaction(() => {
    deleteEndedWebSessions(db, now, new Date(nowMs - deps.config.web_session_idle * 60_000).toISOString());
    insertWebSession(db, hashSessionId(sessionId), { ...session, key_id: owner.key_id });
  })();
  return { session_id: sessionId, session };
}

function refusal(row: WebSessionWithKey, nowMs: number, idleMs: number): WebSessionRefusal | undefined {
  if (Date.parse(row.expires_at) <= nowMs) return 'expired';
  if (Date.parse(row.last_seen_at) + idleMs <= nowMs) return 'idle';
  if (row.kind === 'api_key') {
    if (!row.key_found) return 'key_gone';
    if (row.key_revoked_at !== null) return 'key_revoked';
    if (row.key_expires_at !== null && Date.parse(row.key_expires_at) <= nowMs) return 'key_expired';
  }
  return undefined;
}

/**
 * The open session whose id is `session_id`, or why it is refused. An ended session's row is
 * deleted. Last-seen is written when older than {@link WEB_SESSION_TOUCH_INTERVAL_MS}, never waiting
 * on another writer's lock (bookkeeping is skipped instead, reported to `onTouchError`).
 */
export function resumeWebSession(
  deps: Pick<UseCaseDeps, 'catalog' | 'config' | 'clock'>,
  input: { session_id: string; onTouchError?: (e: unknown) => void },
): OpenWebSession | WebSessionRefusal {
  if (!WEB_SESSION_ID_PATTERN.test(input.session_id)) return 'malformed';
  const db = deps.catalog.db;
  const hash = hashSessionId(input.session_id);
  const row = findWebSession(db, hash);
  if (!row) return 'unknown';
  const nowMs = Date.parse(deps.clock.now);
  const refused = refusal(row, nowMs, deps.config.web_session_idle * 60_000);
  const session: OpenWebSession = {
    principal_id: row.principal_id,
    kind: row.kind,
    role: row.role,
    subject: row.subject,
    created_at: row.created_at,
    last_seen_at: row.last_seen_at,
    expires_at: earliest(row.expires_at, row.kind === 'api_key' ? row.key_expires_at : null),
  };
  try {
    if (refused) {
      withoutBusyWait(db, () => deleteWebSession(db, hash));
      return refused;
    }
    if (nowMs - Date.parse(row.last_seen_at) >= WEB_SESSION_TOUCH_INTERVAL_MS) {
      withoutBusyWait(db, () => touchWebSession(db, hash, deps.clock.now));
      session.last_seen_at = deps.clock.now;
    }
  } catch (e) {
    input.onTouchError?.(e);
  }
  return refused ?? session;
}

/** Ends the session whose id is `session_id` (sign-out); true when there was one. Refuses nothing. */
export function endWebSession(deps: Pick<UseCaseDeps, 'catalog'>, input: { session_id: string }): boolean {
  if (!WEB_SESSION_ID_PATTERN.test(input.session_id)) return false;
  return deleteWebSession(deps.catalog.db, hashSessionId(input.session_id));
}
