import { createHmac } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signJwt } from '../../src/auth/jwt.js';
import { type TestServer, T0, startTestServer } from '../helpers/server.js';

const JWT_SECRET = 'a-test-jwt-secret-that-is-long-enough-0123456789';
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

function forge(header: object, payload: object, secret = JWT_SECRET, alg: 'sha256' | 'sha512' = 'sha256'): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac(alg, secret).update(input).digest('base64url')}`;
}

describe('server auth: API keys', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(async () => s.close());

  it('no credentials on a protected route is 401 with the envelope and WWW-Authenticate', async () => {
    const r = await s.get('/api/v1/draws');
    expect(r.statusCode).toBe(401);
    expect(r.json()).toEqual({ error: { code: 'E_UNAUTHORIZED', message: expect.any(String), details: [] } });
    expect(r.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  it('a valid key is 200 via Authorization: Bearer and via X-API-Key', async () => {
    expect((await s.get('/api/v1/draws', s.keys.viewer)).statusCode).toBe(200);
    expect((await s.get('/api/v1/draws', undefined, { 'x-api-key': s.keys.viewer })).statusCode).toBe(200);
    expect((await s.get('/api/v1/draws', undefined, { authorization: `bearer ${s.keys.viewer}` })).statusCode).toBe(200);
  });

  it('the wrong role is 403', async () => {
    const r = await s.get('/api/v1/auth/keys', s.keys.analyst);
    expect(r.statusCode).toBe(403);
    expect(r.json().error.code).toBe('E_FORBIDDEN');
    expect((await s.get('/api/v1/auth/keys', s.keys.admin)).statusCode).toBe(200);
  });

  it('unknown, malformed and ambiguous credentials are 401, even on public routes', async () => {
    const unknown = `lf_${'A'.repeat(43)}`;
    expect((await s.get('/api/v1/draws', unknown)).statusCode).toBe(401);
    expect((await s.get('/api/v1/health', unknown)).statusCode).toBe(401);
    expect((await s.get('/api/v1/draws', undefined, { authorization: `Basic ${s.keys.viewer}` })).statusCode).toBe(401);
    expect((await s.get('/api/v1/draws', undefined, { 'x-api-key': 'not-a-key' })).statusCode).toBe(401);
    expect((await s.get('/api/v1/draws', s.keys.viewer, { 'x-api-key': s.keys.admin })).statusCode).toBe(401);
    expect((await s.get('/api/v1/draws', `lf_${'x'.repeat(5000)}`)).statusCode).toBe(401);
  });

  it('a revoked key is 401 at once', async () => {
    const { id, key } = s.newKey('viewer');
    expect((await s.get('/api/v1/draws', key)).statusCode).toBe(200);
    const del = await s.app.inject({ method: 'DELETE', url: `/api/v1/auth/keys/${id}`, headers: { authorization: `Bearer ${s.keys.admin}` } });
    expect(del.statusCode).toBe(200);
    expect(del.json().revoked_at).toBe(new Date(T0).toISOString());
    const r = await s.get('/api/v1/draws', key);
    expect(r.statusCode).toBe(401);
    expect(r.json().error.code).toBe('E_UNAUTHORIZED');
  });

  it('an expired key is 401', async () => {
    const { key } = s.newKey('viewer', 60);
    expect((await s.get('/api/v1/draws', key)).statusCode).toBe(200);
    s.advance(61_000);
    expect((await s.get('/api/v1/draws', key)).statusCode).toBe(401);
  });

  it('last_used_at is written at most once a minute per key', async () => {
    const { id, key } = s.newKey('viewer');
    const lastUsed = () => (s.catalog.db.prepare('SELECT last_used_at FROM api_keys WHERE id = ?').get(id) as { last_used_at: string | null }).last_used_at;
    expect(lastUsed()).toBeNull();
    await s.get('/api/v1/draws', key);
    const first = lastUsed();
    expect(first).not.toBeNull();
    s.advance(30_000);
    await s.get('/api/v1/draws', key);
    expect(lastUsed()).toBe(first);
    s.advance(31_000);
    await s.get('/api/v1/draws', key);
    expect(lastUsed()).not.toBe(first);
  });

  it('admin routes create, list and revoke keys; the key is shown only at creation', async () => {
    const auth = { authorization: `Bearer ${s.keys.admin}` };
    const created = await s.app.inject({
      method: 'POST',
      url: '/api/v1/auth/keys',
      headers: auth,
      payload: { name: 'ci reader', role: 'viewer', expires_in: '90d' },
    });
    expect(created.statusCode).toBe(201);
    const body = created.json();
    expect(body.key).toMatch(/^lf_[A-Za-z0-9_-]{43}$/);
    expect(body.expires_at).toBe(new Date(Date.parse(body.created_at) + 90 * 86_400_000).toISOString());
    expect((await s.get('/api/v1/draws', body.key)).statusCode).toBe(200);
    const list = await s.get('/api/v1/auth/keys', s.keys.admin);
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(body.key);
    expect(list.json().items.find((k: { id: number }) => k.id === body.id)).toMatchObject({ name: 'ci reader', role: 'viewer', prefix: body.key.slice(0, 9) });
    const bad = await s.app.inject({ method: 'POST', url: '/api/v1/auth/keys', headers: auth, payload: { name: "'; DROP TABLE draws;--", role: 'root' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.join('\n')).toMatch(/body\.name: .*\n?.*body\.role/s);
    const missing = await s.app.inject({ method: 'DELETE', url: '/api/v1/auth/keys/999999', headers: auth });
    expect(missing.statusCode).toBe(404);
    expect(
      (
        await s.app.inject({
          method: 'POST',
          url: '/api/v1/auth/keys',
          headers: { authorization: `Bearer ${s.keys.analyst}` },
          payload: { name: 'x', role: 'admin' },
        })
      ).statusCode,
    ).toBe(403);
  });

  it('stores keys only as HMAC: the raw key never appears in the database files', () => {
    const { key } = s.newKey('admin');
    s.catalog.db.pragma('wal_checkpoint(TRUNCATE)');
    const files = readdirSync(s.dir).filter((f) => f.startsWith('catalog.sqlite'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const bytes = readFileSync(join(s.dir, f));
      expect(bytes.includes(Buffer.from(key))).toBe(false);
      expect(bytes.includes(Buffer.from(key.slice(3)))).toBe(false);
    }
    const stored = s.catalog.db.prepare('SELECT key_hmac FROM api_keys ORDER BY id DESC LIMIT 1').get() as { key_hmac: Buffer };
    expect(stored.key_hmac.length).toBe(32);
  });
});

describe('server auth: JWT', () => {
  let s: TestServer;
  const nowS = Math.floor(T0 / 1000);
  beforeAll(async () => {
    s = await startTestServer({ jwt_secret: JWT_SECRET });
  });
  afterAll(async () => s.close());

  const token = (claims: Record<string, unknown>) => forge({ alg: 'HS256', typ: 'JWT' }, claims);

  it('a valid HS256 token is accepted with its role', async () => {
    const t = signJwt(Buffer.from(JWT_SECRET), { sub: 'alice', role: 'viewer', exp: nowS + 3600 }, nowS);
    expect((await s.get('/api/v1/draws', t)).statusCode).toBe(200);
    expect((await s.get('/api/v1/auth/keys', t)).statusCode).toBe(403);
    expect((await s.get('/api/v1/auth/keys', token({ sub: 'root', role: 'admin', exp: nowS + 60 }))).statusCode).toBe(200);
  });

  it('tampered, expired, unsigned (alg none), HS512 and exp-less tokens are 401', async () => {
    const good = token({ sub: 'alice', role: 'viewer', exp: nowS + 3600 });
    const [h, , sig] = good.split('.');
    const tampered = `${h}.${b64({ sub: 'alice', role: 'admin', exp: nowS + 3600 })}.${sig}`;
    const cases = {
      tampered,
      expired: token({ sub: 'alice', role: 'viewer', exp: nowS - 31 }),
      none: `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'alice', role: 'admin', exp: nowS + 3600 })}.`,
      noneWithSig: `${b64({ alg: 'none' })}.${b64({ sub: 'alice', role: 'admin', exp: nowS + 3600 })}.${sig}`,
      hs512: forge({ alg: 'HS512', typ: 'JWT' }, { sub: 'alice', role: 'viewer', exp: nowS + 3600 }, JWT_SECRET, 'sha512'),
      noExp: token({ sub: 'alice', role: 'viewer' }),
      badRole: token({ sub: 'alice', role: 'root', exp: nowS + 3600 }),
      wrongSecret: forge({ alg: 'HS256' }, { sub: 'alice', role: 'viewer', exp: nowS + 3600 }, 'another-secret-that-is-also-long-enough-000'),
      future: token({ sub: 'alice', role: 'viewer', exp: nowS + 3600, nbf: nowS + 120 }),
    };
    for (const [name, t] of Object.entries(cases)) {
      const r = await s.get('/api/v1/draws', t);
      expect(r.statusCode, name).toBe(401);
      expect(r.json().error.code, name).toBe('E_UNAUTHORIZED');
    }
  });

  it('tolerates clock skew up to 30 seconds', async () => {
    expect((await s.get('/api/v1/draws', token({ sub: 'a', role: 'viewer', exp: nowS - 29 }))).statusCode).toBe(200);
    expect((await s.get('/api/v1/draws', token({ sub: 'a', role: 'viewer', exp: nowS + 60, nbf: nowS + 29 }))).statusCode).toBe(200);
  });

  it('JWT is refused when disabled (no jwt_secret)', async () => {
    const plain = await startTestServer();
    try {
      expect((await plain.get('/api/v1/draws', token({ sub: 'a', role: 'viewer', exp: nowS + 60 }))).statusCode).toBe(401);
    } finally {
      await plain.close();
    }
  });

  it('the server refuses to start with a JWT secret shorter than 32 bytes', async () => {
    await expect(startTestServer({ jwt_secret: 'short-secret' })).rejects.toMatchObject({ code: 'E_INPUT_INVALID' });
  });
});
