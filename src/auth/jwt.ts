/**
 * JSON Web Tokens, HS256 only: verified with `jose`. The algorithm is pinned: a token whose
 * header says anything but `HS256` (including `none` and HS512) is refused before any signature
 * work. `exp` is required, clocks may disagree by {@link CLOCK_SKEW_SECONDS} at most, a token
 * lives at most the configured lifetime, and `aud`/`iss` are checked when configured.
 */
import { createHmac } from 'node:crypto';
import { decodeProtectedHeader, errors, jwtVerify } from 'jose';
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

function encodeJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/**
 * Mints a token. `iat` is set to `nowSeconds`. Synchronous, so by hand (an HMAC over two JSON
 * segments): jose only signs asynchronously, and `auth token` calls this synchronously.
 */
export function signJwt(secret: Buffer, claims: Omit<JwtClaims, 'iat'>, nowSeconds: number): string {
  if (!SUB_PATTERN.test(claims.sub)) throw new LuckyError('E_INPUT_INVALID', 'invalid token subject', ['sub: 1 to 128 plain characters']);
  const input = `${encodeJson({ alg: 'HS256', typ: 'JWT' })}.${encodeJson({ sub: claims.sub, role: claims.role, iat: nowSeconds, exp: claims.exp })}`;
  return `${input}.${createHmac('sha256', secret).update(input, 'ascii').digest('base64url')}`;
}

/** Why a token was refused: logged server-side, never told to the client. */
export type JwtRefusal = 'malformed' | 'algorithm' | 'signature' | 'claims' | 'expired' | 'not_yet_valid' | 'lifetime' | 'audience' | 'issuer';

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

/**
 * What is checked before jose sees the token, so that these refusals cost no signature work and
 * a token has exactly one valid spelling: the size, three base64url segments, the pinned header
 * (`alg` HS256, `typ` JWT or absent, no `crit`), and the signature in its canonical encoding
 * (base64url without padding, unused low bits zero; jose would accept the other spellings).
 */
function precheck(token: string): JwtRefusal | undefined {
  if (token.length > MAX_JWT_LENGTH) return 'malformed';
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => SEGMENT.test(p))) return 'malformed';
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    return 'malformed';
  }
  if (header.alg !== 'HS256' || (header.typ !== undefined && header.typ !== 'JWT') || header.crit !== undefined) return 'algorithm';
  const s = parts[2]!;
  if (Buffer.from(s, 'base64url').toString('base64url') !== s) return 'malformed';
  return undefined;
}

/** jose's refusal, as ours. */
function refusalOf(e: unknown): JwtRefusal {
  if (e instanceof errors.JWSSignatureVerificationFailed) return 'signature';
  if (e instanceof errors.JWTExpired) return 'expired';
  if (e instanceof errors.JWTClaimValidationFailed) {
    if (e.claim === 'aud') return 'audience';
    if (e.claim === 'nbf' && e.reason === 'check_failed') return 'not_yet_valid';
    return 'claims';
  }
  if (e instanceof errors.JOSEAlgNotAllowed) return 'algorithm';
  return 'malformed';
}

const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The claims of a valid token, or why it is refused. Never rejects. */
export async function verifyJwt(secret: Buffer, token: string, nowSeconds: number, policy: JwtPolicy = {}): Promise<JwtClaims | JwtRefusal> {
  const early = precheck(token);
  if (early) return early;
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, secret, {
      algorithms: ['HS256'],
      currentDate: new Date(nowSeconds * 1000),
      clockTolerance: CLOCK_SKEW_SECONDS,
      requiredClaims: ['exp'],
      // The issuer is checked below: jose checks it before the audience, and the refusals keep their order.
      ...(policy.audience !== undefined ? { audience: policy.audience } : {}),
    }));
  } catch (e) {
    return refusalOf(e);
  }
  // jose checked the signature, exp (present, a number, not past), nbf and iat (numbers), and aud.
  const { sub, role, exp, iat, nbf } = payload;
  if (typeof sub !== 'string' || !SUB_PATTERN.test(sub) || !isRole(role) || !isTime(exp)) return 'claims';
  const maxLifetime = policy.maxLifetimeSeconds ?? DEFAULT_MAX_JWT_LIFETIME_SECONDS;
  if (exp - (isTime(iat) ? iat : nowSeconds) > maxLifetime || exp - nowSeconds > maxLifetime + CLOCK_SKEW_SECONDS) return 'lifetime';
  if (policy.issuer !== undefined && payload.iss !== policy.issuer) return 'issuer';
  // jose checks iat's type only; a token issued in the future is not valid yet.
  if (isTime(iat) && nowSeconds + CLOCK_SKEW_SECONDS < iat) return 'not_yet_valid';
  return { sub, role, exp, iat: isTime(iat) ? iat : undefined, nbf: isTime(nbf) ? nbf : undefined };
}
