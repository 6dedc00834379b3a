// The keys use cases (src/usecases/keys.ts): the CLI and /auth/keys create, list and revoke keys the same way.
import { afterEach, describe, expect, it } from 'vitest';
import { readClock } from '../../../src/clock.js';
import { buildConfig } from '../../../src/config.js';
import { ApiKeyVerifier } from '../../../src/auth/api-keys.js';
import { readServerSecret } from '../../../src/auth/server-secret.js';
import { openCatalogFor } from '../../../src/usecases/catalog.js';
import { createKey, issueToken, listKeys, revokeKey } from '../../../src/usecases/keys.js';
import { tempDir } from '../../helpers/cli.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function setup(env: Record<string, string> = {}) {
  const { dir, cleanup } = tempDir();
  const config = buildConfig({ flags: { data_dir: dir }, env, file: undefined }, dir).values;
  const catalog = openCatalogFor(config);
  cleanups.push(() => catalog.close(), cleanup);
  return { catalog, config };
}

describe('keys use cases', () => {
  it('creates a key under the catalog secret, lists it without the key, revokes it once', () => {
    const { catalog, config } = setup();
    const clock = readClock(new Date('2025-06-01T12:00:00Z'));
    const created = createKey({ catalog, config, clock }, { name: 'ops', role: 'admin', expiresInSeconds: 86_400 });
    expect(created.created_at).toBe('2025-06-01T12:00:00.000Z');
    expect(created.expires_at).toBe('2025-06-02T12:00:00.000Z');
    const verifier = new ApiKeyVerifier(catalog.db, readServerSecret(catalog.db, undefined));
    expect(verifier.verify(created.key, Date.parse(clock.now))).toMatchObject({ id: created.id, role: 'admin' });
    expect(listKeys({ catalog })).toEqual([expect.not.objectContaining({ key: expect.anything() })]);
    const later = readClock(new Date('2025-06-01T13:00:00Z'));
    expect(revokeKey({ catalog, clock: later }, created.id).revoked_at).toBe(later.now);
    expect(revokeKey({ catalog, clock: readClock(new Date('2025-06-01T14:00:00Z')) }, created.id).revoked_at).toBe(later.now);
    expect(() => revokeKey({ catalog, clock }, 999)).toThrow(/no API key with id 999/);
  });

  it('mints a token only with a configured jwt_secret', () => {
    const clock = readClock(new Date('2025-06-01T12:00:00Z'));
    expect(() => issueToken({ config: setup().config, clock }, { sub: 'a', role: 'viewer', ttlSeconds: 60 })).toThrow(/no jwt_secret/);
    const { config } = setup({ LUCKYFIVE_JWT_SECRET: 'x'.repeat(32) });
    const t = issueToken({ config, clock }, { sub: 'a', role: 'viewer', ttlSeconds: 60 });
    expect(t).toMatchObject({ sub: 'a', role: 'viewer', expires_at: '2025-06-01T12:01:00.000Z' });
    expect(t.token.split('.')).toHaveLength(3);
  });
});
