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

/** Sets the headers on one reply (also used for the framework's bad-URL answers, which skip hooks). */
export function setSecurityHeaders(request: FastifyRequest, reply: FastifyReply, tls: boolean): void {
  reply.header('content-security-policy', CSP);
  reply.header('x-content-type-options', 'nosniff');
  reply.header('x-frame-options', 'DENY');
  reply.header('referrer-policy', 'no-referrer');
  reply.header('cross-origin-opener-policy', 'same-origin');
  if (tls) reply.header('strict-transport-security', HSTS);
  reply.header('x-request-id', request.id);
  reply.header('cache-control', 'no-store');
}

export function installSecurityHeaders(app: FastifyInstance, options: { tls: boolean }): void {
  app.addHook('onRequest', (request, reply, done) => {
    setSecurityHeaders(request, reply, options.tls);
    done();
  });
}
