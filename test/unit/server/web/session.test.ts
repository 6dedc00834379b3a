// The session module's pure parts: where sign-in may send a browser back to, reading one cookie,
// and the CSRF check (token and Origin) every dashboard form goes through.
import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { checkCsrf, readCookie, safeNext, signInUrl } from '../../../../src/server/web/session.js';

const request = (headers: Record<string, string>, csrf: string | null = 'tok') =>
  ({
    headers,
    protocol: 'http',
    host: '127.0.0.1:8080',
    webSession: csrf === null ? null : { subject: 's', role: 'analyst', csrf, principal_id: 'key:1', expires_at: '' },
  }) as unknown as FastifyRequest;

describe('[15.5.1] session helpers', () => {
  it('[15.5.1] next is a local path or /', () => {
    for (const bad of ['//evil.example', 'https://evil.example/', '/\\evil.example', 'evil', '', '/a\nb', '/a\u0000', 42, undefined, `/${'x'.repeat(1100)}`]) {
      expect(safeNext(bad), String(bad)).toBe('/');
    }
    expect(safeNext('/runs/abc?sort=p')).toBe('/runs/abc?sort=p');
    expect(signInUrl('/jobs?x=1')).toBe('/signin?next=%2Fjobs%3Fx%3D1');
    expect(signInUrl('/')).toBe('/signin');
  });

  it('[15.5.1] reads one cookie; a name sent twice is trusted neither time', () => {
    expect(readCookie(request({ cookie: 'a=1; lf_session=abc; b=2' }), 'lf_session')).toBe('abc');
    expect(readCookie(request({ cookie: 'xlf_session=abc' }), 'lf_session')).toBeUndefined();
    expect(readCookie(request({ cookie: 'lf_session=a; lf_session=b' }), 'lf_session')).toBeUndefined();
    expect(readCookie(request({}), 'lf_session')).toBeUndefined();
  });

  it('[15.5.1] CSRF: the session token, from our origin or none (null tells nothing), never cross-site', () => {
    expect(() => checkCsrf(request({}), 'tok')).not.toThrow();
    expect(() => checkCsrf(request({ origin: 'http://127.0.0.1:8080', 'sec-fetch-site': 'same-origin' }), 'tok')).not.toThrow();
    expect(() => checkCsrf(request({ origin: 'null' }), 'tok')).not.toThrow();
    expect(() => checkCsrf(request({}), 'tol')).toThrow(/expired or did not come from this page/);
    expect(() => checkCsrf(request({}), undefined)).toThrow(/E_FORBIDDEN|expired/);
    expect(() => checkCsrf(request({}, null), 'tok')).toThrow(/expired/);
    expect(() => checkCsrf(request({ origin: 'http://evil.example' }), 'tok')).toThrow(/another site/);
    expect(() => checkCsrf(request({ 'sec-fetch-site': 'cross-site' }), 'tok')).toThrow(/another site/);
  });
});
