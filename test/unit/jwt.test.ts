import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CLOCK_SKEW_SECONDS, checkJwtSecret, signJwt, verifyJwt } from '../../src/auth/jwt.js';

const secret = Buffer.from('unit-test-secret-unit-test-secret-0123');
const now = 1_800_000_000;
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const signed = (header: unknown, payload: unknown) => {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
};

describe('jwt', () => {
  it('round-trips sign and verify', () => {
    const t = signJwt(secret, { sub: 'alice', role: 'admin', exp: now + 60 }, now);
    expect(verifyJwt(secret, t, now)).toEqual({ sub: 'alice', role: 'admin', exp: now + 60, iat: now, nbf: undefined });
  });

  it('pins HS256: other algorithms, alg none and crit headers are refused before the signature', () => {
    for (const alg of ['none', 'HS512', 'RS256', 'hs256', undefined]) {
      expect(verifyJwt(secret, signed({ alg, typ: 'JWT' }, { sub: 'a', role: 'viewer', exp: now + 60 }), now)).toBe('algorithm');
    }
    expect(verifyJwt(secret, signed({ alg: 'HS256', crit: ['x'] }, { sub: 'a', role: 'viewer', exp: now + 60 }), now)).toBe('algorithm');
  });

  it('refuses malformed tokens without throwing', () => {
    for (const t of ['', 'a.b', 'a.b.c.d', '!!.x.y', `${b64('x')}.${b64({})}.sig`, 'x'.repeat(5000)]) {
      expect(typeof verifyJwt(secret, t, now)).toBe('string');
    }
  });

  it('requires exp and valid claims; honours skew exactly', () => {
    expect(verifyJwt(secret, signed({ alg: 'HS256' }, { sub: 'a', role: 'viewer' }), now)).toBe('claims');
    expect(verifyJwt(secret, signed({ alg: 'HS256' }, { sub: 'a', role: 'viewer', exp: '9999999999' }), now)).toBe('claims');
    expect(verifyJwt(secret, signed({ alg: 'HS256' }, { sub: '', role: 'viewer', exp: now + 5 }), now)).toBe('claims');
    const at = (exp: number) => verifyJwt(secret, signed({ alg: 'HS256' }, { sub: 'a', role: 'viewer', exp }), now);
    expect(at(now - CLOCK_SKEW_SECONDS + 1)).toMatchObject({ sub: 'a' });
    expect(at(now - CLOCK_SKEW_SECONDS)).toBe('expired');
  });

  it('a flipped signature bit is refused', () => {
    const t = signJwt(secret, { sub: 'alice', role: 'viewer', exp: now + 60 }, now);
    const sig = Buffer.from(t.split('.')[2]!, 'base64url');
    sig[0]! ^= 1;
    expect(verifyJwt(secret, `${t.split('.').slice(0, 2).join('.')}.${sig.toString('base64url')}`, now)).toBe('signature');
  });

  it('refuses secrets shorter than 32 bytes', () => {
    expect(() => checkJwtSecret('x'.repeat(31))).toThrow(/at least 32 bytes/);
    expect(checkJwtSecret('x'.repeat(32)).length).toBe(32);
  });
});
