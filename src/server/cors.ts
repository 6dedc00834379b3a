/**
 * CORS by allow-list (`cors_origins`). A listed origin gets its own origin echoed back with
 * credentials allowed; any other origin gets no Access-Control-Allow-Origin at all, so the
 * browser refuses the response. There is never a wildcard. Preflights are answered by one
 * public OPTIONS route (hidden from the OpenAPI document).
 */
import type { FastifyInstance } from 'fastify';
import { LuckyError } from '../errors.js';

const ORIGIN = /^https?:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?$|^https?:\/\/\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$/;
const ALLOW_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE';
const ALLOW_HEADERS = 'Authorization, X-API-Key, Content-Type, If-None-Match, X-Request-Id, Idempotency-Key';
const EXPOSE_HEADERS = 'ETag, Retry-After, X-Request-Id, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset';

/** Validates the configured origins: exact `scheme://host[:port]`, no wildcard. */
export function parseCorsOrigins(origins: readonly string[]): Set<string> {
  const bad = origins.filter((o) => !ORIGIN.test(o));
  if (bad.length) {
    throw new LuckyError(
      'E_INPUT_INVALID',
      'cors_origins must list exact origins such as https://app.example.com (no wildcard, no path)',
      bad.map((o) => `cors_origins: ${JSON.stringify(o)} is not an origin`),
    );
  }
  return new Set(origins.map((o) => o.toLowerCase()));
}

export function installCors(app: FastifyInstance, allowed: ReadonlySet<string>): void {
  app.addHook('onRequest', (request, reply, done) => {
    const origin = request.headers.origin;
    if (origin !== undefined) {
      reply.header('vary', 'Origin');
      if (allowed.has(origin.toLowerCase())) {
        reply.header('access-control-allow-origin', origin);
        reply.header('access-control-allow-credentials', 'true');
        reply.header('access-control-expose-headers', EXPOSE_HEADERS);
      }
    }
    done();
  });

  app.route({
    method: 'OPTIONS',
    url: '/*',
    config: { role: 'public', rateClass: 'read' },
    schema: { hide: true },
    handler: (request, reply) => {
      const origin = request.headers.origin;
      if (origin !== undefined && allowed.has(origin.toLowerCase()) && request.headers['access-control-request-method'] !== undefined) {
        reply.header('access-control-allow-methods', ALLOW_METHODS);
        reply.header('access-control-allow-headers', ALLOW_HEADERS);
        reply.header('access-control-max-age', '600');
      }
      return reply.code(204).send();
    },
  });
}
