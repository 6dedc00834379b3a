/**
 * Who is calling: an API key (`Authorization: Bearer lf_...` or `X-API-Key: lf_...`) or, when
 * JWT is enabled, an HS256 token (`Authorization: Bearer <jwt>`). Credentials that are present
 * but wrong are refused with 401 on every route, public ones included, so a typo never
 * silently downgrades a caller to anonymous. The reason is logged; the client only learns
 * that the credentials were refused. Two `Authorization` (or `X-API-Key`) headers are refused
 * (Node would keep only the first), and so is a key or token in the query string: URLs end up
 * in logs, proxies and browser history.
 */
import type { FastifyRequest } from 'fastify';
import { verifyJwt } from '../auth/jwt.js';
import type { Role } from '../core/roles.js';
import { LuckyError } from '../errors.js';
import type { ServerContext } from './context.js';

export interface Principal {
  /** stable id for logs and rate-limit buckets: `key:<id>` or `jwt:<sub>` */
  id: string;
  kind: 'api_key' | 'jwt';
  role: Role;
  name: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** the authenticated caller; null when the request carried no credentials */
    principal: Principal | null;
  }
}

const MAX_CREDENTIAL_LENGTH = 4096;

function refused(request: FastifyRequest, reason: string): LuckyError {
  request.log.info({ auth_refused: reason }, 'credentials refused');
  return new LuckyError('E_UNAUTHORIZED', 'invalid, expired or revoked credentials');
}

/** How many times each credential header appears in the raw request (Node keeps only the first Authorization). */
function countCredentialHeaders(request: FastifyRequest): { authorization: number; apiKey: number } {
  const raw = request.raw.rawHeaders;
  let authorization = 0;
  let apiKey = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (name === 'authorization') authorization++;
    else if (name === 'x-api-key') apiKey++;
  }
  return { authorization, apiKey };
}

/** Query parameters that name a credential, and values that look like one (an lf_ key, a JWT). */
const CREDENTIAL_PARAM = /^(api[_-]?key|apikey|key|token|access[_-]?token|jwt|auth|authorization|bearer|secret)$/i;
const CREDENTIAL_VALUE = /^(lf_[A-Za-z0-9_-]{20,}|eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.)/;

/** True when the URL's query carries what looks like a credential. */
export function queryHasCredential(url: string): boolean {
  const q = url.indexOf('?');
  if (q < 0) return false;
  for (const [name, value] of new URLSearchParams(url.slice(q + 1))) {
    if (CREDENTIAL_PARAM.test(name) || CREDENTIAL_VALUE.test(value)) return true;
  }
  return false;
}

/** The credential the request carries, if any, and where. Two different ones are refused. */
function readCredential(request: FastifyRequest): { credential: string; header: 'authorization' | 'x-api-key' } | undefined {
  if (queryHasCredential(request.url)) {
    request.log.info({ auth_refused: 'credential in the query string' }, 'credentials refused');
    throw new LuckyError('E_UNAUTHORIZED', 'credentials in the URL are refused: send the key or token in the Authorization or X-API-Key header');
  }
  const counts = countCredentialHeaders(request);
  if (counts.authorization > 1) throw refused(request, 'several Authorization headers');
  if (counts.apiKey > 1) throw refused(request, 'several X-API-Key headers');
  const auth = request.headers.authorization;
  const apiKey = request.headers['x-api-key'];
  let bearer: string | undefined;
  if (auth !== undefined) {
    const m = /^Bearer +(\S+) *$/i.exec(auth);
    if (!m) throw refused(request, 'authorization header is not "Bearer <token>"');
    bearer = m[1];
  }
  if (Array.isArray(apiKey)) throw refused(request, 'several X-API-Key headers');
  if (bearer !== undefined && apiKey !== undefined && bearer !== apiKey) throw refused(request, 'two different credentials');
  const credential = bearer ?? apiKey;
  if (credential === undefined) return undefined;
  if (credential.length > MAX_CREDENTIAL_LENGTH) throw refused(request, 'credential too long');
  return { credential, header: bearer !== undefined ? 'authorization' : 'x-api-key' };
}

/**
 * Resolves the caller, or null when there are no credentials. Throws E_UNAUTHORIZED for bad ones.
 * Synchronous for API keys (the hot path); a JWT is verified asynchronously (jose), so a token
 * gives a promise, which rejects with E_UNAUTHORIZED when refused.
 */
export function resolvePrincipal(request: FastifyRequest, ctx: ServerContext): Principal | null | Promise<Principal> {
  const found = readCredential(request);
  if (found === undefined) return null;
  const { credential, header } = found;
  const nowMs = ctx.now();
  if (credential.startsWith('lf_')) {
    const r = ctx.apiKeys.verify(credential, nowMs);
    if (typeof r === 'string') throw refused(request, `api key ${r}`);
    return { id: `key:${r.id}`, kind: 'api_key', role: r.role, name: r.name };
  }
  if (header === 'x-api-key') throw refused(request, 'X-API-Key does not hold an lf_ key');
  if (!ctx.jwtSecret) throw refused(request, 'not an API key and JWT is disabled');
  return verifyJwt(ctx.jwtSecret, credential, Math.floor(nowMs / 1000), {
    maxLifetimeSeconds: ctx.config.jwt_max_lifetime_hours * 3600,
    audience: ctx.config.jwt_audience,
    issuer: ctx.config.jwt_issuer,
  }).then((claims) => {
    if (typeof claims === 'string') throw refused(request, `jwt ${claims}`);
    return { id: `jwt:${claims.sub}`, kind: 'jwt', role: claims.role, name: claims.sub };
  });
}
