/**
 * The route table convention: every route declares who may call it and which rate-limit bucket
 * it draws from, as `config: { role, rateClass }`. The guard installed here refuses, at build
 * time, any route that does not; it also records every route (for the route-walk test and
 * `routeTable`) and writes the role into the route's OpenAPI entry, so the document and the
 * enforcement cannot disagree.
 */
import type { FastifyInstance, RouteOptions } from 'fastify';
import { ROUTE_ROLES, type RouteRole } from '../auth/roles.js';

export const RATE_CLASSES = ['read', 'write', 'heavy'] as const;
/** read: GETs; write: small creates and updates; heavy: simulate, sweep, import. */
export type RateClass = (typeof RATE_CLASSES)[number];

declare module 'fastify' {
  interface FastifyContextConfig {
    /** who may call the route; the guard refuses routes without one */
    role?: RouteRole;
    /** which rate-limit bucket the route draws from */
    rateClass?: RateClass;
  }
}

export interface RouteEntry {
  method: string;
  url: string;
  role: RouteRole;
  rateClass: RateClass;
  /** left out of the OpenAPI document (docs UI assets, CORS preflight) */
  hidden: boolean;
}

export interface RouteDefaults {
  role: RouteRole;
  rateClass: RateClass;
}

/**
 * Decorator name for scope-wide defaults. Only for third-party plugins whose routes we cannot
 * annotate (the Swagger UI): a plugin registered inside a scope decorated with it inherits the
 * role. Our own routes always declare theirs.
 */
export const ROUTE_DEFAULTS_DECORATOR = 'luckyfiveRouteDefaults';

/**
 * Routes that third-party plugins add at the root, where no scope default can reach them, by
 * `METHOD url`: `@fastify/cors`'s preflight route (public; its hook answers listed origins first).
 */
export const THIRD_PARTY_ROUTES: Readonly<Record<string, RouteDefaults>> = { 'OPTIONS *': { role: 'public', rateClass: 'read' } };

/** OpenAPI security requirement for routes that need a key or token. */
export const SECURITY_REQUIREMENT = [{ bearerAuth: [] }, { apiKeyHeader: [] }];

function isRouteRole(v: unknown): v is RouteRole {
  return typeof v === 'string' && (ROUTE_ROLES as readonly string[]).includes(v);
}

function isRateClass(v: unknown): v is RateClass {
  return typeof v === 'string' && (RATE_CLASSES as readonly string[]).includes(v);
}

/** Installs the guard on `app` (before any route) and returns the table it fills. */
export function installRouteGuard(app: FastifyInstance): RouteEntry[] {
  const table: RouteEntry[] = [];
  app.addHook('onRoute', function guard(this: FastifyInstance, opts: RouteOptions) {
    const methods = ([] as string[]).concat(opts.method);
    const where = `${methods.join(',')} ${opts.url}`;
    const defaults = (this as unknown as Record<string, RouteDefaults | undefined>)[ROUTE_DEFAULTS_DECORATOR] ?? THIRD_PARTY_ROUTES[where];
    const config = (opts.config ??= {});
    const role = config.role ?? defaults?.role;
    const rateClass = config.rateClass ?? defaults?.rateClass;
    if (!isRouteRole(role)) throw new Error(`route ${where} declares no valid config.role (one of ${ROUTE_ROLES.join(', ')})`);
    if (!isRateClass(rateClass)) throw new Error(`route ${where} declares no valid config.rateClass (one of ${RATE_CLASSES.join(', ')})`);
    config.role = role;
    config.rateClass = rateClass;
    const schema = (opts.schema ??= {}) as Record<string, unknown>;
    schema['x-role'] = role;
    schema['x-rate-class'] = rateClass;
    if (role !== 'public') schema.security ??= SECURITY_REQUIREMENT;
    const hidden = schema.hide === true;
    for (const method of methods) table.push({ method, url: opts.url, role, rateClass, hidden });
  });
  return table;
}
