// Protocol-level failures answer in the error envelope with the security headers: malformed or
// cut-off multipart bodies, extra multipart fields, oversized headers, malformed requests, bad URLs.
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSP } from '../../src/server/security-headers.js';
import { type TestServer, startTestServer } from '../helpers/server.js';

let s: TestServer;
let port: number;
beforeAll(async () => {
  s = await startTestServer({ rate_limit_read: 100_000, rate_limit_heavy: 100_000 }, { importFile: () => ({ ok: true }) });
  await s.app.listen({ host: '127.0.0.1', port: 0 });
  port = (s.app.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await s.close();
});

const upload = (contentType: string, body: string) =>
  s.app.inject({ method: 'POST', url: '/api/v1/imports', headers: { authorization: `Bearer ${s.keys.analyst}`, 'content-type': contentType }, payload: body });
const FILE_PART = '--x\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nabc\r\n';

/** Sends raw bytes and returns the raw answer (the server closes the connection). */
function raw(bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: '127.0.0.1', port });
    let out = '';
    sock.setTimeout(10_000, () => sock.destroy(new Error('timeout')));
    sock.on('data', (d) => (out += d.toString('utf8')));
    sock.on('close', () => resolve(out));
    sock.on('error', reject);
    sock.write(bytes);
  });
}
const parseRaw = (text: string) => {
  const [head = '', body = ''] = text.split('\r\n\r\n');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
  return { status: Number(statusLine.split(' ')[1]), headers, body: JSON.parse(body) as { error: { code: string; message: string } } };
};

describe('protocol-level errors', () => {
  it('[12.4.4] multipart without a boundary or cut off is 400, an extra field is 400 (not 413)', async () => {
    const noBoundary = await upload('multipart/form-data', `${FILE_PART}--x--\r\n`);
    expect(noBoundary.statusCode, noBoundary.body).toBe(400);
    expect(noBoundary.json().error.code).toBe('E_INPUT_INVALID');
    const truncated = await upload('multipart/form-data; boundary=x', FILE_PART.slice(0, -2));
    expect(truncated.statusCode, truncated.body).toBe(400);
    expect(truncated.json().error.message).toBe('malformed multipart body');
    const extra = await upload('multipart/form-data; boundary=x', `--x\r\nContent-Disposition: form-data; name="extra"\r\n\r\n1\r\n${FILE_PART}--x--\r\n`);
    expect(extra.statusCode, extra.body).toBe(400);
    expect(extra.json().error.code).toBe('E_INPUT_INVALID');
    const ok = await upload('multipart/form-data; boundary=x', `${FILE_PART}--x--\r\n`);
    expect(ok.statusCode, ok.body).toBe(201);
  });

  it('[12.4.4] oversized headers and malformed requests answer in the envelope with the security headers', async () => {
    const big = parseRaw(await raw(`GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(40_000)}\r\n\r\n`));
    expect(big.status).toBe(431);
    expect(big.body.error.code).toBe('E_PAYLOAD_TOO_LARGE');
    expect(big.headers['content-security-policy']).toBe(CSP);
    expect(big.headers['x-content-type-options']).toBe('nosniff');
    const garbage = parseRaw(await raw('NOT A REQUEST\r\n\r\n'));
    expect(garbage.status).toBe(400);
    expect(garbage.body.error.code).toBe('E_INPUT_INVALID');
    expect(garbage.headers['x-frame-options']).toBe('DENY');
    const badUrl = await s.app.inject({ method: 'GET', url: '/api/v1/runs/%E0%A4%A' });
    expect(badUrl.statusCode).toBe(400);
    expect(badUrl.json().error.code).toBe('E_INPUT_INVALID');
    expect(badUrl.headers['content-security-policy']).toBe(CSP);
  });
});
