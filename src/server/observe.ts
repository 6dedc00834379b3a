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

/**
 * The URL as logged: the path as it is, the query's values replaced by `[REDACTED]` (a key or
 * token sent in the query, refused with 401, must not land in the logs either), and at most 512
 * characters.
 */
export function logUrl(url: string): string {
  const q = url.indexOf('?');
  let out = url;
  if (q >= 0) {
    const names = url
      .slice(q + 1)
      .split('&')
      .filter(Boolean)
      .map((pair) => `${pair.split('=')[0]}=[REDACTED]`);
    out = `${url.slice(0, q)}?${names.join('&')}`;
  }
  return out.length > 512 ? `${out.slice(0, 512)}...` : out;
}

export function installObserve(app: FastifyInstance, metrics: MetricsRegistry): void {
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? '(unmatched)';
    const seconds = reply.elapsedTime / 1000;
    metrics.observeRequest(route, request.method, reply.statusCode, seconds);
    request.log.info(
      {
        method: request.method,
        route,
        url: logUrl(request.url),
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
