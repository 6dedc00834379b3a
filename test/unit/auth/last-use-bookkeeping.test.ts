// Last-use bookkeeping (an API key's last_used_at, a session's last_seen_at) is written at most once a
// minute per key or session, and leaves the catalog's stamp alone: with a thousand keys in use those
// writes would otherwise empty every response cache many times a second (bench/staged-load.ts).
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiKeyVerifier, createApiKey } from '../../../src/auth/api-keys.js';
import { readClock } from '../../../src/clock.js';
import { buildConfig } from '../../../src/config.js';
import { ResponseCache } from '../../../src/server/response-cache.js';
import { catalogStamp, openCatalogFor } from '../../../src/usecases/catalog.js';
import { resumeWebSession, startWebSession } from '../../../src/usecases/web-sessions.js';
import { tempDir } from '../../helpers/cli.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

const SECRET = Buffer.alloc(32, 7);
const T0 = Date.parse('2026-02-01T10:00:00Z');
const MIN = 60_000;

function setup() {
  const { dir, cleanup } = tempDir();
  const config = buildConfig({ flags: { data_dir: dir }, env: {}, file: undefined }, dir).values;
  const catalog = openCatalogFor(config);
  cleanups.push(() => catalog.close(), cleanup);
  return { catalog, config };
}

const lastUsed = (db: ReturnType<typeof setup>['catalog']['db'], id: number) =>
  db.prepare('SELECT last_used_at FROM api_keys WHERE id = ?').pluck().get(id) as string | null;

describe('[17.6.1] last-use bookkeeping and the response caches', () => {
  it('[17.6.1] an API key last-use write is stored but leaves the stamp and a cached answer alone; a revocation does not', () => {
    const { catalog } = setup();
    const db = catalog.db;
    const { key, record } = createApiKey(db, SECRET, { name: 'k', role: 'viewer' }, T0);
    const verifier = new ApiKeyVerifier(db, SECRET);
    const cache = new ResponseCache(db);
    let builds = 0;
    const page = () => cache.get('page', z.object({ n: z.number() }), () => ({ n: ++builds }));
    page();
    const stamp = catalogStamp(db);
    // the first use writes last_used_at (it was null), a minute later again: both are bookkeeping
    expect(verifier.verify(key, T0 + 1)).toMatchObject({ id: record.id });
    expect(lastUsed(db, record.id)).toBe(new Date(T0 + 1).toISOString());
    expect(verifier.verify(key, T0 + 1 + MIN)).toMatchObject({ id: record.id });
    expect(lastUsed(db, record.id)).toBe(new Date(T0 + 1 + MIN).toISOString());
    expect(catalogStamp(db)).toBe(stamp);
    page();
    expect(builds).toBe(1);
    // the cached key row carries the new last use: no write within the minute after it
    expect(verifier.verify(key, T0 + 2 * MIN)).toMatchObject({ last_used_at: new Date(T0 + 1 + MIN).toISOString() });
    expect(lastUsed(db, record.id)).toBe(new Date(T0 + 1 + MIN).toISOString());
    // a real change still counts at once, for the cache and the key check
    db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ?').run(new Date(T0).toISOString(), record.id);
    expect(catalogStamp(db)).not.toBe(stamp);
    expect(verifier.verify(key, T0 + 2 * MIN)).toBe('revoked');
    page();
    expect(builds).toBe(2);
  });

  it('[17.6.1] a session last-seen write is stored but leaves the stamp alone', () => {
    const { catalog, config } = setup();
    const db = catalog.db;
    const { record } = createApiKey(db, SECRET, { name: 'k', role: 'viewer' }, T0);
    const owner = { principal_id: `key:${record.id}`, kind: 'api_key' as const, key_id: record.id, role: 'viewer' as const, subject: 'k' };
    const { session_id } = startWebSession({ catalog, config, clock: readClock(new Date(T0)) }, owner);
    const stamp = catalogStamp(db);
    expect(resumeWebSession({ catalog, config, clock: readClock(new Date(T0 + 2 * MIN)) }, { session_id })).toMatchObject({
      last_seen_at: new Date(T0 + 2 * MIN).toISOString(),
    });
    expect(db.prepare('SELECT last_seen_at FROM web_sessions').pluck().get()).toBe(new Date(T0 + 2 * MIN).toISOString());
    expect(catalogStamp(db)).toBe(stamp);
  });
});
