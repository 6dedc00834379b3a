// CORS allows the documented Idempotency-Key header; `trust_proxy` lets the per-IP ceiling see
// the real clients behind a listed proxy, and is off by default.
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../helpers/server.js';

describe('CORS and proxies', () => {
  it('[12.6.9] a preflight for Idempotency-Key is allowed', async () => {
    const s = await startTestServer({ cors_origins: ['https://app.example.com'] });
    try {
      const r = await s.app.inject({
        method: 'OPTIONS',
        url: '/api/v1/ledger',
        headers: {
          origin: 'https://app.example.com',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'idempotency-key, content-type',
        },
      });
      expect(r.statusCode).toBe(204);
      expect(String(r.headers['access-control-allow-headers']).toLowerCase().split(/, */)).toContain('idempotency-key');
    } finally {
      await s.close();
    }
  });

  it('[12.6.9] behind a proxy listed in trust_proxy each client has its own per-IP ceiling; off by default', async () => {
    const ask = async (s: Awaited<ReturnType<typeof startTestServer>>, client: string) =>
      (await s.app.inject({ method: 'GET', url: '/api/v1/health', remoteAddress: '10.0.0.7', headers: { 'x-forwarded-for': client } })).statusCode;
    const plain = await startTestServer({ rate_limit_ip: 3 });
    try {
      const codes = [];
      for (const client of ['203.0.113.1', '203.0.113.2', '203.0.113.3', '203.0.113.4']) codes.push(await ask(plain, client));
      // Not trusted: everyone is the proxy, and the fourth request is over the ceiling.
      expect(codes).toEqual([200, 200, 200, 429]);
    } finally {
      await plain.close();
    }
    const proxied = await startTestServer({ rate_limit_ip: 3, trust_proxy: ['10.0.0.0/8'] });
    try {
      for (const client of ['203.0.113.1', '203.0.113.2', '203.0.113.3', '203.0.113.4']) expect(await ask(proxied, client)).toBe(200);
      for (let i = 0; i < 3; i++) await ask(proxied, '198.51.100.9');
      expect(await ask(proxied, '198.51.100.9')).toBe(429);
    } finally {
      await proxied.close();
    }
    await expect(startTestServer({ trust_proxy: ['not-an-ip'] })).rejects.toMatchObject({ code: 'E_INPUT_INVALID' });
  });
});
