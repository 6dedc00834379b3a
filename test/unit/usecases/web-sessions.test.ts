// Dashboard sessions (src/usecases/web-sessions.ts): only the id's hash is stored; idle timeout,
// absolute lifetime, a token's exp and a revoked key each end a session; last-seen is written at most once a minute.
import { afterEach, describe, expect, it } from 'vitest';
import { readClock } from '../../../src/clock.js';
import { buildConfig } from '../../../src/config.js';
import { openCatalogFor } from '../../../src/usecases/catalog.js';
import { createKey, revokeKey } from '../../../src/usecases/keys.js';
import { WEB_SESSION_ID_PATTERN, endWebSession, resumeWebSession, startWebSession } from '../../../src/usecases/web-sessions.js';
import { tempDir } from '../../helpers/cli.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

const T0 = Date.parse('2026-02-01T10:00:00Z');
const at = (ms: number) => readClock(new Date(T0 + ms));
const MIN = 60_000;

function setup(flags: Record<string, unknown> = {}) {
  const { dir, cleanup } = tempDir();
  const config = buildConfig({ flags: { data_dir: dir, ...flags }, env: {}, file: undefined }, dir).values;
  const catalog = openCatalogFor(config);
  cleanups.push(() => catalog.close(), cleanup);
  const key = createKey({ catalog, config, clock: at(0) }, { name: 'ana', role: 'analyst' });
  const owner = { principal_id: `key:${key.id}`, kind: 'api_key' as const, key_id: key.id, role: 'analyst' as const, subject: 'ana' };
  return { catalog, config, key, owner };
}

describe('[15.5.1] web sessions', () => {
  it('[15.5.1] stores only the SHA-256 of a 32-byte id and resumes it until sign-out', () => {
    const { catalog, config, owner } = setup();
    const { session_id, session } = startWebSession({ catalog, config, clock: at(0) }, owner);
    expect(session_id).toMatch(WEB_SESSION_ID_PATTERN);
    expect(session.expires_at).toBe(new Date(T0 + 12 * 3_600_000).toISOString());
    const stored = catalog.db.prepare('SELECT * FROM web_sessions').all() as Array<Record<string, unknown>>;
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(session_id);
    expect(resumeWebSession({ catalog, config, clock: at(MIN) }, { session_id })).toMatchObject({
      principal_id: owner.principal_id,
      role: 'analyst',
      subject: 'ana',
    });
    expect(resumeWebSession({ catalog, config, clock: at(MIN) }, { session_id: 'x'.repeat(43) })).toBe('unknown');
    expect(resumeWebSession({ catalog, config, clock: at(MIN) }, { session_id: 'short' })).toBe('malformed');
    expect(endWebSession({ catalog }, { session_id })).toBe(true);
    expect(resumeWebSession({ catalog, config, clock: at(2 * MIN) }, { session_id })).toBe('unknown');
  });

  it('[15.5.1] ends after web_session_idle minutes without use, and writes last-seen at most once a minute', () => {
    const { catalog, config, owner } = setup({ web_session_idle: 10 });
    const { session_id } = startWebSession({ catalog, config, clock: at(0) }, owner);
    const lastSeen = () => catalog.db.prepare('SELECT last_seen_at FROM web_sessions').pluck().get();
    resumeWebSession({ catalog, config, clock: at(30_000) }, { session_id });
    expect(lastSeen()).toBe(at(0).now);
    resumeWebSession({ catalog, config, clock: at(9 * MIN) }, { session_id });
    expect(lastSeen()).toBe(at(9 * MIN).now);
    expect(typeof resumeWebSession({ catalog, config, clock: at(18 * MIN) }, { session_id })).toBe('object');
    expect(resumeWebSession({ catalog, config, clock: at(28 * MIN) }, { session_id })).toBe('idle');
    expect(catalog.db.prepare('SELECT count(*) FROM web_sessions').pluck().get()).toBe(0);
  });

  it('[15.5.1] ends at the absolute lifetime however busy, and a token session at its exp', () => {
    const { catalog, config, owner } = setup({ web_session_lifetime: 1, web_session_idle: 30 });
    const busy = startWebSession({ catalog, config, clock: at(0) }, owner).session_id;
    for (let m = 20; m < 60; m += 20) expect(typeof resumeWebSession({ catalog, config, clock: at(m * MIN) }, { session_id: busy })).toBe('object');
    expect(resumeWebSession({ catalog, config, clock: at(60 * MIN) }, { session_id: busy })).toBe('expired');
    const token = startWebSession(
      { catalog, config, clock: at(0) },
      { principal_id: 'jwt:bot', kind: 'jwt', key_id: null, role: 'viewer', subject: 'bot', token_expires_at: at(5 * MIN).now },
    );
    expect(token.session.expires_at).toBe(at(5 * MIN).now);
    expect(resumeWebSession({ catalog, config, clock: at(5 * MIN) }, { session_id: token.session_id })).toBe('expired');
  });

  it('[15.5.1] a revoked or expired API key ends its sessions at their next request', () => {
    const { catalog, config, owner, key } = setup();
    const { session_id } = startWebSession({ catalog, config, clock: at(0) }, owner);
    revokeKey({ catalog, clock: at(MIN) }, key.id);
    expect(resumeWebSession({ catalog, config, clock: at(2 * MIN) }, { session_id })).toBe('key_revoked');
    const short = createKey({ catalog, config, clock: at(0) }, { name: 'brief', role: 'viewer', expiresInSeconds: 120 });
    const s2 = startWebSession({ catalog, config, clock: at(0) }, { ...owner, principal_id: `key:${short.id}`, key_id: short.id });
    expect(s2.session.expires_at).not.toBe(short.expires_at);
    expect(resumeWebSession({ catalog, config, clock: at(MIN) }, { session_id: s2.session_id })).toMatchObject({ expires_at: short.expires_at });
    expect(resumeWebSession({ catalog, config, clock: at(3 * MIN) }, { session_id: s2.session_id })).toBe('key_expired');
  });
});
