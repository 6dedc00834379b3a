// Credential edge cases over a real socket: duplicated credential headers, keys in the query
// string (refused and never logged), and the JWT policy from config.
import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { T0, type TestServer, startTestServer } from '../helpers/server.js';

const JWT_SECRET = 'integration-jwt-secret-0123456789-abcdef';
let s: TestServer;
let port: number;
const logs: string[] = [];
beforeAll(async () => {
  s = await startTestServer(
    { jwt_secret: JWT_SECRET, jwt_audience: 'luckyfive', log_level: 'info', rate_limit_read: 100_000 },
    { logger: { stream: { write: (line: string) => void logs.push(line) } } },
  );
  await s.app.listen({ host: '127.0.0.1', port: 0 });
  port = (s.app.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await s.close();
});

function get(path: string, headers: Record<string, string | string[]>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
const jwt = (payload: Record<string, unknown>) => {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: 'alice', role: 'viewer', ...payload })}`;
  return `${input}.${createHmac('sha256', JWT_SECRET).update(input).digest('base64url')}`;
};

describe('credential hardening', () => {
  it('[12.6.6] two Authorization headers are refused (Node would keep the first)', async () => {
    const one = await get('/api/v1/draws', { authorization: `Bearer ${s.keys.viewer}` });
    expect(one.status, one.body).toBe(200);
    const two = await get('/api/v1/draws', { authorization: [`Bearer ${s.keys.viewer}`, 'Bearer lf_forged'] });
    expect(two.status, two.body).toBe(401);
    const twoKeys = await get('/api/v1/draws', { 'x-api-key': [s.keys.viewer, s.keys.admin] });
    expect(twoKeys.status, twoKeys.body).toBe(401);
  });

  it('[12.6.6] an API key in the query string is refused with a clear message and never logged', async () => {
    for (const q of [`api_key=${s.keys.viewer}`, `token=${s.keys.viewer}`, `x=${s.keys.viewer}`]) {
      const r = await get(`/api/v1/draws?${q}`, {});
      expect(r.status, q).toBe(401);
      expect(JSON.parse(r.body).error.message).toMatch(/credentials in the URL are refused/);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    const text = logs.join('');
    expect(text).toContain('/api/v1/draws?api_key=[REDACTED]');
    expect(text).not.toContain(s.keys.viewer);
  });

  it('[12.6.6] the server enforces the JWT lifetime and the configured audience', async () => {
    const now = Math.floor(T0 / 1000);
    const ok = await get('/api/v1/draws', { authorization: `Bearer ${jwt({ iat: now, exp: now + 3600, aud: 'luckyfive' })}` });
    expect(ok.status, ok.body).toBe(200);
    const forever = await get('/api/v1/draws', { authorization: `Bearer ${jwt({ iat: now, exp: 1e308, aud: 'luckyfive' })}` });
    expect(forever.status).toBe(401);
    const noAud = await get('/api/v1/draws', { authorization: `Bearer ${jwt({ iat: now, exp: now + 3600 })}` });
    expect(noAud.status).toBe(401);
  });
});
