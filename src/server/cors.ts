/**
 * CORS by allow-list (`cors_origins`), with `@fastify/cors`. A listed origin gets its own origin
 * echoed back with credentials allowed; any other origin gets no Access-Control-Allow-Origin at
 * all, so the browser refuses the response. There is never a wildcard: the list is validated
 * here, before the plugin sees it. Preflights from a listed origin are answered by the plugin's
 * hook (204); others reach its hidden OPTIONS route, which answers 404.
 */
import cors from '@fastify/cors';
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

/** Registers the plugin (its hook runs before the gate, so refusals carry the CORS headers too). */
export async function registerCors(app: FastifyInstance, allowed: ReadonlySet<string>): Promise<void> {
  await app.register(cors, {
    // Compared case-insensitively, as before: `Origin: HTTPS://App.Example.com` is the same origin.
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin.toLowerCase())),
    credentials: true,
    methods: ALLOW_METHODS,
    allowedHeaders: ALLOW_HEADERS,
    exposedHeaders: EXPOSE_HEADERS,
    maxAge: 600,
    // A listed origin's OPTIONS without Access-Control-Request-Method is still a 204, not a plain-text 400.
    strictPreflight: false,
    hideOptionsRoute: true,
  });
}
