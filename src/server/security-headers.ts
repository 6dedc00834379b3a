/**
 * Response headers every answer carries: a strict CSP (`default-src 'self'`; the Swagger UI
 * under /docs replaces it with its own hash-based policy), no sniffing, no framing, no
 * referrer, HSTS only when serving TLS, the request id, and `Cache-Control: no-store` until
 * the gate knows the caller (authenticated answers become `private, no-cache`, so clients may
 * keep them but must revalidate with the ETag).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const CSP = "default-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";
export const HSTS = 'max-age=31536000; includeSubDomains';

/** The fixed security headers, as name/value pairs (the request id comes on top). */
export function securityHeaderPairs(tls: boolean): Array<[string, string]> {
  return [
    ['content-security-policy', CSP],
    ['x-content-type-options', 'nosniff'],
    ['x-frame-options', 'DENY'],
    ['referrer-policy', 'no-referrer'],
    ['cross-origin-opener-policy', 'same-origin'],
    ...(tls ? ([['strict-transport-security', HSTS]] as Array<[string, string]>) : []),
    ['cache-control', 'no-store'],
  ];
}

/** Sets the headers on one reply (also used for the framework's bad-URL answers, which skip hooks). */
export function setSecurityHeaders(request: FastifyRequest, reply: FastifyReply, tls: boolean): void {
  for (const [name, value] of securityHeaderPairs(tls)) reply.header(name, value);
  reply.header('x-request-id', request.id);
}

export function installSecurityHeaders(app: FastifyInstance, options: { tls: boolean }): void {
  app.addHook('onRequest', (request, reply, done) => {
    setSecurityHeaders(request, reply, options.tls);
    done();
  });
}
