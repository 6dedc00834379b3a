/**
 * Who is calling: an API key (`Authorization: Bearer lf_...` or `X-API-Key: lf_...`) or, when
 * JWT is enabled, an HS256 token (`Authorization: Bearer <jwt>`). Credentials that are present
 * but wrong are refused with 401 on every route, public ones included, so a typo never
 * silently downgrades a caller to anonymous. The reason is logged; the client only learns
 * that the credentials were refused.
 */
import type { FastifyRequest } from 'fastify';
import { verifyJwt } from '../auth/jwt.js';
import type { Role } from '../auth/roles.js';
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

/** The credential the request carries, if any, and where. Two different ones are refused. */
function readCredential(request: FastifyRequest): { credential: string; header: 'authorization' | 'x-api-key' } | undefined {
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

/** Resolves the caller, or null when there are no credentials. Throws E_UNAUTHORIZED for bad ones. */
export function resolvePrincipal(request: FastifyRequest, ctx: ServerContext): Principal | null {
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
  const claims = verifyJwt(ctx.jwtSecret, credential, Math.floor(nowMs / 1000));
  if (typeof claims === 'string') throw refused(request, `jwt ${claims}`);
  return { id: `jwt:${claims.sub}`, kind: 'jwt', role: claims.role, name: claims.sub };
}
