/**
 * One log line and one metrics observation per answered request: request id (from the logger
 * bindings), route pattern, method, status, duration and principal id. Credentials are never
 * logged: the line holds the principal's id, and the logger redacts credential headers and
 * key/token fields wherever they appear.
 */
import type { FastifyInstance } from 'fastify';
import type { MetricsRegistry } from './metrics.js';

/** pino `redact` paths: credential headers and any `key`/`token`/`secret` field. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'headers.authorization',
  'headers["x-api-key"]',
  'key',
  'token',
  'secret',
  '*.key',
  '*.token',
  '*.secret',
];

export function installObserve(app: FastifyInstance, metrics: MetricsRegistry): void {
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? '(unmatched)';
    const seconds = reply.elapsedTime / 1000;
    metrics.observeRequest(route, request.method, reply.statusCode, seconds);
    request.log.info(
      {
        method: request.method,
        route,
        url: request.url.length > 512 ? `${request.url.slice(0, 512)}...` : request.url,
        status: reply.statusCode,
        duration_ms: Math.round(reply.elapsedTime * 100) / 100,
        principal: request.principal?.id ?? null,
        ip: request.ip,
      },
      'request',
    );
    done();
  });
}
