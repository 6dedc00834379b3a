/**
 * JSON Web Tokens, HS256 only, with node:crypto. The algorithm is pinned: a token whose header
 * says anything but `HS256` (including `none` and HS512) is refused before any signature work.
 * `exp` is required, the signature is compared in constant time and clocks may disagree by
 * {@link CLOCK_SKEW_SECONDS} at most.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { LuckyError } from '../errors.js';
import type { Role } from '../core/roles.js';
import { isRole } from './roles.js';

export const CLOCK_SKEW_SECONDS = 30;
/** Secrets shorter than this are refused: HS256 needs at least as many bytes as its output. */
export const MIN_JWT_SECRET_BYTES = 32;
/** Longer tokens are refused unread, so a huge header cannot cost parsing time. */
export const MAX_JWT_LENGTH = 4096;

export interface JwtClaims {
  sub: string;
  role: Role;
  /** seconds since the epoch */
  exp: number;
  iat?: number | undefined;
  nbf?: number | undefined;
}

const SEGMENT = /^[A-Za-z0-9_-]+$/;
const SUB_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 ._@:-]{0,127}$/;

/** Throws E_INPUT_INVALID when `secret` is too short to sign with. */
export function checkJwtSecret(secret: string): Buffer {
  const bytes = Buffer.from(secret, 'utf8');
  if (bytes.length < MIN_JWT_SECRET_BYTES) {
    throw new LuckyError('E_INPUT_INVALID', `jwt_secret must be at least ${MIN_JWT_SECRET_BYTES} bytes`, [
      `jwt_secret: ${bytes.length} bytes given (LUCKYFIVE_JWT_SECRET or luckyfive.config.json)`,
    ]);
  }
  return bytes;
}

function sign(secret: Buffer, signingInput: string): Buffer {
  return createHmac('sha256', secret).update(signingInput, 'ascii').digest();
}

function encodeJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** Mints a token. `iat` is set to `nowSeconds`. */
export function signJwt(secret: Buffer, claims: Omit<JwtClaims, 'iat'>, nowSeconds: number): string {
  if (!SUB_PATTERN.test(claims.sub)) throw new LuckyError('E_INPUT_INVALID', 'invalid token subject', ['sub: 1 to 128 plain characters']);
  const input = `${encodeJson({ alg: 'HS256', typ: 'JWT' })}.${encodeJson({ sub: claims.sub, role: claims.role, iat: nowSeconds, exp: claims.exp })}`;
  return `${input}.${sign(secret, input).toString('base64url')}`;
}

/** Why a token was refused: logged server-side, never told to the client. */
export type JwtRefusal = 'malformed' | 'algorithm' | 'signature' | 'claims' | 'expired' | 'not_yet_valid' | 'lifetime' | 'audience' | 'issuer';

function decodeJsonSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** What the server requires of every token beyond the signature and `exp`. */
export interface JwtPolicy {
  /** longest accepted lifetime: `exp - iat`, and `exp - now` (default 30 days) */
  maxLifetimeSeconds?: number;
  /** when set, `aud` must be this (or an array holding it) */
  audience?: string | undefined;
  /** when set, `iss` must be this */
  issuer?: string | undefined;
}

/** Thirty days: a token that lives longer is refused (an `exp` of 1e308 would never expire). */
export const DEFAULT_MAX_JWT_LIFETIME_SECONDS = 30 * 86_400;

/** The claims of a valid token, or why it is refused. Never throws. */
export function verifyJwt(secret: Buffer, token: string, nowSeconds: number, policy: JwtPolicy = {}): JwtClaims | JwtRefusal {
  if (token.length > MAX_JWT_LENGTH) return 'malformed';
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => SEGMENT.test(p))) return 'malformed';
  const [h, p, s] = parts as [string, string, string];
  const header = decodeJsonSegment(h);
  if (!header) return 'malformed';
  // Pinned algorithm: the header may not choose how it is verified.
  if (header.alg !== 'HS256' || (header.typ !== undefined && header.typ !== 'JWT') || header.crit !== undefined) return 'algorithm';
  const given = Buffer.from(s, 'base64url');
  // One encoding of the signature: base64url without padding, with its unused low bits zero
  // (other spellings of the same bytes are refused, so a token has exactly one valid form).
  if (given.toString('base64url') !== s) return 'malformed';
  const expected = sign(secret, `${h}.${p}`);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'signature';
  const payload = decodeJsonSegment(p);
  if (!payload) return 'malformed';
  const { sub, role, exp, iat, nbf } = payload;
  if (typeof sub !== 'string' || !SUB_PATTERN.test(sub) || !isRole(role) || !isTime(exp)) return 'claims';
  if ((iat !== undefined && !isTime(iat)) || (nbf !== undefined && !isTime(nbf))) return 'claims';
  if (nowSeconds >= exp + CLOCK_SKEW_SECONDS) return 'expired';
  const maxLifetime = policy.maxLifetimeSeconds ?? DEFAULT_MAX_JWT_LIFETIME_SECONDS;
  if (exp - (iat ?? nowSeconds) > maxLifetime || exp - nowSeconds > maxLifetime + CLOCK_SKEW_SECONDS) return 'lifetime';
  if (policy.audience !== undefined) {
    const { aud } = payload;
    if (!(aud === policy.audience || (Array.isArray(aud) && aud.includes(policy.audience)))) return 'audience';
  }
  if (policy.issuer !== undefined && payload.iss !== policy.issuer) return 'issuer';
  if (nbf !== undefined && nowSeconds + CLOCK_SKEW_SECONDS < nbf) return 'not_yet_valid';
  if (iat !== undefined && nowSeconds + CLOCK_SKEW_SECONDS < iat) return 'not_yet_valid';
  return { sub, role, exp, iat, nbf };
}
