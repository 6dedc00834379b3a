import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CLOCK_SKEW_SECONDS, checkJwtSecret, signJwt, verifyJwt } from '../../../src/auth/jwt.js';

const secret = Buffer.from('unit-test-secret-unit-test-secret-0123');
const now = 1_800_000_000;
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const signed = (header: unknown, payload: unknown) => {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
};

describe('jwt', () => {
  it('round-trips sign and verify', async () => {
    const t = signJwt(secret, { sub: 'alice', role: 'admin', exp: now + 60 }, now);
    expect(await verifyJwt(secret, t, now)).toEqual({ sub: 'alice', role: 'admin', exp: now + 60, iat: now, nbf: undefined });
  });

  it('pins HS256: other algorithms, alg none and crit headers are refused before the signature', async () => {
    for (const alg of ['none', 'HS512', 'RS256', 'hs256', undefined]) {
      expect(await verifyJwt(secret, signed({ alg, typ: 'JWT' }, { sub: 'a', role: 'viewer', exp: now + 60 }), now)).toBe('algorithm');
    }
    expect(await verifyJwt(secret, signed({ alg: 'HS256', crit: ['x'] }, { sub: 'a', role: 'viewer', exp: now + 60 }), now)).toBe('algorithm');
  });

  it('refuses malformed tokens without throwing', async () => {
    for (const t of ['', 'a.b', 'a.b.c.d', '!!.x.y', `${b64('x')}.${b64({})}.sig`, 'x'.repeat(5000)]) {
      expect(typeof (await verifyJwt(secret, t, now))).toBe('string');
    }
  });

  it('requires exp and valid claims; honours skew exactly', async () => {
    expect(await verifyJwt(secret, signed({ alg: 'HS256' }, { sub: 'a', role: 'viewer' }), now)).toBe('claims');
    expect(await verifyJwt(secret, signed({ alg: 'HS256' }, { sub: 'a', role: 'viewer', exp: '9999999999' }), now)).toBe('claims');
    expect(await verifyJwt(secret, signed({ alg: 'HS256' }, { sub: '', role: 'viewer', exp: now + 5 }), now)).toBe('claims');
    const at = (exp: number) => verifyJwt(secret, signed({ alg: 'HS256' }, { sub: 'a', role: 'viewer', exp }), now);
    expect(await at(now - CLOCK_SKEW_SECONDS + 1)).toMatchObject({ sub: 'a' });
    expect(await at(now - CLOCK_SKEW_SECONDS)).toBe('expired');
  });

  it('a flipped signature bit is refused', async () => {
    const t = signJwt(secret, { sub: 'alice', role: 'viewer', exp: now + 60 }, now);
    const sig = Buffer.from(t.split('.')[2]!, 'base64url');
    sig[0]! ^= 1;
    expect(await verifyJwt(secret, `${t.split('.').slice(0, 2).join('.')}.${sig.toString('base64url')}`, now)).toBe('signature');
  });

  it('refuses secrets shorter than 32 bytes', () => {
    expect(() => checkJwtSecret('x'.repeat(31))).toThrow(/at least 32 bytes/);
    expect(checkJwtSecret('x'.repeat(32)).length).toBe(32);
  });
});

describe('jwt policy', () => {
  const token = (payload: Record<string, unknown>) => signed({ alg: 'HS256', typ: 'JWT' }, { sub: 'a', role: 'viewer', ...payload });

  it('[12.6.6] a token may live at most the maximum lifetime (an exp of 1e308 is refused)', async () => {
    expect(await verifyJwt(secret, token({ exp: 1e308 }), now)).toBe('lifetime');
    expect(await verifyJwt(secret, token({ exp: 1e308, iat: now }), now)).toBe('lifetime');
    expect(await verifyJwt(secret, token({ iat: now, exp: now + 30 * 86_400 }), now)).toMatchObject({ sub: 'a' });
    expect(await verifyJwt(secret, token({ iat: now, exp: now + 30 * 86_400 + 1 }), now)).toBe('lifetime');
    // An old iat cannot stretch it: exp is also at most the lifetime ahead of now.
    expect(await verifyJwt(secret, token({ iat: now - 100, exp: now + 3600 }), now, { maxLifetimeSeconds: 600 })).toBe('lifetime');
    expect(await verifyJwt(secret, token({ exp: now + 3600 }), now, { maxLifetimeSeconds: 7200 })).toMatchObject({ sub: 'a' });
  });

  it('[12.6.6] aud and iss are checked when configured', async () => {
    const policy = { audience: 'luckyfive', issuer: 'https://id.example' };
    expect(await verifyJwt(secret, token({ exp: now + 60 }), now, policy)).toBe('audience');
    expect(await verifyJwt(secret, token({ exp: now + 60, aud: 'other', iss: 'https://id.example' }), now, policy)).toBe('audience');
    expect(await verifyJwt(secret, token({ exp: now + 60, aud: ['x', 'luckyfive'] }), now, policy)).toBe('issuer');
    expect(await verifyJwt(secret, token({ exp: now + 60, aud: 'luckyfive', iss: 'https://id.example' }), now, policy)).toMatchObject({ sub: 'a' });
    expect(await verifyJwt(secret, token({ exp: now + 60, aud: 'anything' }), now)).toMatchObject({ sub: 'a' });
  });

  it('[12.6.6] one canonical signature encoding: other spellings of the same bytes are refused', async () => {
    const t = signJwt(secret, { sub: 'alice', role: 'viewer', exp: now + 60 }, now);
    const [h, p, s] = t.split('.') as [string, string, string];
    expect(await verifyJwt(secret, t, now)).toMatchObject({ sub: 'alice' });
    // 32 bytes are 43 characters; the last one holds 2 unused bits: flipping them keeps the bytes.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(s.at(-1)!);
    const twin = `${s.slice(0, -1)}${alphabet[last ^ 1]}`;
    expect(Buffer.from(twin, 'base64url').equals(Buffer.from(s, 'base64url'))).toBe(true);
    expect(await verifyJwt(secret, `${h}.${p}.${twin}`, now)).toBe('malformed');
    expect(await verifyJwt(secret, `${h}.${p}.${s}=`, now)).toBe('malformed');
  });
});
