import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertSyntheticDraws } from '../helpers/server-draws.js';
import { type TestServer, startTestServer } from '../helpers/server.js';

describe('server http: headers, CORS, compression, ETag, envelope', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ cors_origins: ['https://app.example.com'] });
    insertSyntheticDraws(s.catalog.db, 120);
  });
  afterAll(async () => s.close());

  it('security headers are on every answer; no HSTS without TLS', async () => {
    for (const r of [await s.get('/api/v1/health'), await s.get('/api/v1/draws', s.keys.viewer), await s.get('/nowhere'), await s.get('/api/v1/draws')]) {
      expect(r.headers['content-security-policy']).toMatch(/^default-src 'self'/);
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['x-frame-options']).toBe('DENY');
      expect(r.headers['referrer-policy']).toBe('no-referrer');
      expect(r.headers['x-request-id']).toMatch(/^[A-Za-z0-9._-]+$/);
      expect(r.headers['strict-transport-security']).toBeUndefined();
    }
  });

  it('the docs UI gets its own CSP; the API keeps the strict one', async () => {
    const r = await s.get('/docs/');
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-security-policy']).toMatch(/img-src 'self' data:/);
    expect(r.headers['content-security-policy']).not.toMatch(/upgrade-insecure-requests/);
  });

  it('Cache-Control: private for authenticated answers, no-store for public ones', async () => {
    expect((await s.get('/api/v1/draws', s.keys.viewer)).headers['cache-control']).toBe('private, no-cache');
    expect((await s.get('/api/v1/health')).headers['cache-control']).toBe('no-store');
  });

  it('a sane request id is echoed, anything else is replaced', async () => {
    expect((await s.get('/api/v1/health', undefined, { 'x-request-id': 'abc-123' })).headers['x-request-id']).toBe('abc-123');
    expect((await s.get('/api/v1/health', undefined, { 'x-request-id': 'bad id\n' })).headers['x-request-id']).not.toBe('bad id\n');
  });

  it('CORS: preflight allowed for a listed origin, denied (no ACAO) for another; never a wildcard', async () => {
    const pre = (origin: string) =>
      s.app.inject({
        method: 'OPTIONS',
        url: '/api/v1/draws',
        headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
      });
    const ok = await pre('https://app.example.com');
    expect(ok.statusCode).toBe(204);
    expect(ok.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(ok.headers['access-control-allow-credentials']).toBe('true');
    expect(String(ok.headers['access-control-allow-headers'])).toMatch(/Authorization/);
    const no = await pre('https://evil.example.net');
    expect(no.headers['access-control-allow-origin']).toBeUndefined();
    expect(no.headers['access-control-allow-methods']).toBeUndefined();
    const get = await s.get('/api/v1/draws', s.keys.viewer, { origin: 'https://app.example.com' });
    expect(get.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(get.headers.vary).toMatch(/Origin/);
    expect((await s.get('/api/v1/draws', s.keys.viewer, { origin: 'null' })).headers['access-control-allow-origin']).toBeUndefined();
  });

  it('a wildcard or malformed CORS origin is refused at start', async () => {
    await expect(startTestServer({ cors_origins: ['*'] })).rejects.toMatchObject({ code: 'E_INPUT_INVALID' });
    await expect(startTestServer({ cors_origins: ['https://ok.example.com/path'] })).rejects.toMatchObject({ code: 'E_INPUT_INVALID' });
  });

  it('compresses with gzip and brotli above 1 KB, not below', async () => {
    const plain = await s.get('/api/v1/draws?limit=50', s.keys.viewer);
    const gz = await s.get('/api/v1/draws?limit=50', s.keys.viewer, { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString()).toBe(plain.body);
    const br = await s.get('/api/v1/draws?limit=50', s.keys.viewer, { 'accept-encoding': 'br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(plain.body);
    const small = await s.get('/api/v1/health', undefined, { 'accept-encoding': 'gzip' });
    expect(small.headers['content-encoding']).toBeUndefined();
  });

  it('cached pages are sent compressed as the client prefers, with Vary kept from CORS', async () => {
    const url = '/api/v1/draws?limit=40';
    const plain = await s.get(url, s.keys.viewer);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const cases: Array<[string, string | undefined]> = [
      ['br;q=0, gzip', 'gzip'],
      ['gzip;q=0.5, br;q=0.8', 'br'],
      ['*', 'br'],
      ['identity', undefined],
      ['gzip;q=0, br;q=0', undefined],
      ['deflate', undefined],
    ];
    for (const [accept, expected] of cases) {
      const r = await s.get(url, s.keys.viewer, { 'accept-encoding': accept });
      expect(r.headers['content-encoding'], accept).toBe(expected);
      const body = expected === 'br' ? brotliDecompressSync(r.rawPayload) : expected === 'gzip' ? gunzipSync(r.rawPayload) : r.rawPayload;
      expect(body.toString(), accept).toBe(plain.body);
      expect(r.headers.etag).toBe(plain.headers.etag);
      expect(r.headers.vary).toMatch(/Accept-Encoding/i);
    }
    const viaCors = await s.get(url, s.keys.viewer, { origin: 'https://app.example.com', 'accept-encoding': 'gzip' });
    expect(viaCors.headers.vary).toMatch(/Origin/);
    expect(viaCors.headers.vary).toMatch(/Accept-Encoding/i);
    expect((await s.get(url, s.keys.viewer, { 'accept-encoding': 'gzip', 'x-no-compression': '1' })).headers['content-encoding']).toBeUndefined();
  });

  it('ETag and 304 on GET; the tag does not depend on the encoding', async () => {
    const first = await s.get('/api/v1/draws/7', s.keys.viewer);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^W\/"/);
    const again = await s.get('/api/v1/draws/7', s.keys.viewer, { 'if-none-match': etag });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    const gz = await s.get('/api/v1/draws?limit=50', s.keys.viewer, { 'accept-encoding': 'gzip' });
    const id = await s.get('/api/v1/draws?limit=50', s.keys.viewer);
    expect(gz.headers.etag).toBe(id.headers.etag);
    expect(
      (await s.get('/api/v1/draws?limit=50', s.keys.viewer, { 'if-none-match': `"x", ${gz.headers.etag as string}`, 'accept-encoding': 'gzip' })).statusCode,
    ).toBe(304);
    expect((await s.get('/api/v1/draws/8', s.keys.viewer, { 'if-none-match': etag })).statusCode).toBe(200);
  });

  it('unknown routes are a 404 envelope', async () => {
    for (const url of ['/nowhere', '/api/v1/nope', '/api/v2/draws']) {
      const r = await s.get(url, s.keys.viewer);
      expect(r.statusCode).toBe(404);
      expect(r.json()).toEqual({ error: { code: 'E_NOT_FOUND', message: 'no such route', details: [] } });
    }
  });

  it('malformed JSON is 400, a wrong content type is 400, an oversized body is 413', async () => {
    const auth = { authorization: `Bearer ${s.keys.admin}` };
    const bad = await s.app.inject({
      method: 'POST',
      url: '/api/v1/auth/keys',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: '{"name": "x", ',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('E_INPUT_INVALID');
    const text = await s.app.inject({ method: 'POST', url: '/api/v1/auth/keys', headers: { ...auth, 'content-type': 'text/plain' }, payload: 'hello' });
    expect(text.statusCode).toBe(400);
    const big = await s.app.inject({
      method: 'POST',
      url: '/api/v1/auth/keys',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'x', role: 'viewer', pad: 'x'.repeat(1_100_000) }),
    });
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe('E_PAYLOAD_TOO_LARGE');
    const extra = await s.app.inject({ method: 'POST', url: '/api/v1/auth/keys', headers: auth, payload: { name: 'x', role: 'viewer', admin: true } });
    expect(extra.statusCode).toBe(400);
  });

  it('an unexpected failure is 500 E_INTERNAL with no stack; health turns 503', async () => {
    const t = await startTestServer();
    try {
      t.catalog.db.close();
      const r = await t.get('/api/v1/draws/1', t.keys.viewer);
      // the key lookup itself fails on a closed database: still the envelope, never a stack
      expect(r.statusCode).toBe(500);
      expect(r.json()).toEqual({ error: { code: 'E_INTERNAL', message: 'internal error', details: [] } });
      expect(r.body).not.toMatch(/at .*\.(ts|js):\d+/);
      const h = await t.get('/api/v1/health');
      expect(h.statusCode).toBe(503);
      expect(h.json()).toMatchObject({ status: 'unhealthy', databases: { catalog: 'error' } });
    } finally {
      await t.close();
    }
  });
});

describe('server http: graceful close', () => {
  it('close() stops accepting, finishes the request in flight, then resolves', async () => {
    let release: () => void = () => {};
    let started: () => void = () => {};
    const inHandler = new Promise<void>((r) => (started = r));
    const s = await startTestServer(
      {},
      {
        importFile: async () => {
          started();
          await new Promise<void>((r) => (release = r));
          return { ok: true };
        },
      },
    );
    try {
      const url = await s.app.listen({ host: '127.0.0.1', port: 0 });
      const boundary = 'b0undary';
      const body = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nx\r\n--${boundary}--\r\n`;
      const inFlight = fetch(`${url}/api/v1/imports`, {
        method: 'POST',
        headers: { authorization: `Bearer ${s.keys.analyst}`, 'content-type': `multipart/form-data; boundary=${boundary}`, connection: 'close' },
        body,
      });
      await inHandler;
      let closed = false;
      const closing = s.app.close().then(() => (closed = true));
      await new Promise((r) => setTimeout(r, 50));
      expect(closed).toBe(false);
      await expect(fetch(`${url}/api/v1/health`)).rejects.toThrow();
      release();
      const res = await inFlight;
      expect(res.status).toBe(201);
      expect(await res.json()).toEqual({ ok: true });
      await closing;
      expect(closed).toBe(true);
    } finally {
      release();
      await s.close();
    }
  });
});

describe('server http: rate limits', () => {
  it('429 with Retry-After and X-RateLimit-* per key and class; headers on normal answers too', async () => {
    const s = await startTestServer({ rate_limit_read: 3, rate_limit_write: 2 });
    try {
      const answers = [];
      for (let i = 0; i < 4; i++) answers.push(await s.get('/api/v1/draws', s.keys.viewer));
      expect(answers.slice(0, 3).map((r) => r.statusCode)).toEqual([200, 200, 200]);
      expect(answers[0]!.headers['x-ratelimit-limit']).toBe('3');
      expect(answers[0]!.headers['x-ratelimit-remaining']).toBe('2');
      expect(answers[2]!.headers['x-ratelimit-remaining']).toBe('0');
      const limited = answers[3]!;
      expect(limited.statusCode).toBe(429);
      expect(limited.json().error.code).toBe('E_RATE_LIMITED');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(limited.headers['x-ratelimit-remaining']).toBe('0');
      expect(Number(limited.headers['x-ratelimit-reset'])).toBeGreaterThan(0);
      // another key has its own bucket; the write class has its own too
      expect((await s.get('/api/v1/draws', s.keys.analyst)).statusCode).toBe(200);
      // the bucket refills: one request per 20 s at 3/min
      s.advance(20_000);
      expect((await s.get('/api/v1/draws', s.keys.viewer)).statusCode).toBe(200);
      expect((await s.get('/api/v1/draws', s.keys.viewer)).statusCode).toBe(429);
    } finally {
      await s.close();
    }
  });

  it('unauthenticated callers are limited per IP, and the per-IP ceiling covers everyone', async () => {
    const s = await startTestServer({ rate_limit_read: 2, rate_limit_ip: 5 });
    try {
      expect((await s.get('/api/v1/health')).statusCode).toBe(200);
      expect((await s.get('/api/v1/health')).statusCode).toBe(200);
      expect((await s.get('/api/v1/health')).statusCode).toBe(429);
      expect((await s.get('/api/v1/draws', s.keys.viewer)).statusCode).toBe(200);
      expect((await s.get('/api/v1/draws', s.keys.admin)).statusCode).toBe(200);
      const ceiling = await s.get('/api/v1/draws', s.keys.analyst);
      expect(ceiling.statusCode).toBe(429);
      expect(ceiling.headers['x-ratelimit-limit']).toBe('5');
      expect(ceiling.headers['retry-after']).toBeDefined();
      // guessing keys is throttled by the same ceiling, before any key lookup
      expect((await s.get('/api/v1/draws', `lf_${'B'.repeat(43)}`)).statusCode).toBe(429);
    } finally {
      await s.close();
    }
  });
});
