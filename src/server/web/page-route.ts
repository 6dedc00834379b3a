/**
 * How a dashboard page is declared, cached and sent. A page route is a GET with its real role,
 * the read rate class and `web: true` (the gate then takes the caller from the session cookie),
 * hidden from the OpenAPI document. Its body (the part inside `<main>`) is cached per (URL, role,
 * catalog data version, and any extra stamp the page depends on); the per-session shell (subject,
 * role, CSRF token) is added per request and never cached. Pages are sent `private, no-store`
 * because they carry a CSRF token.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { LuckyError } from '../../errors.js';
import type { RouteRole } from '../../auth/roles.js';
import { LruMap } from '../../core/lru.js';
import { catalogStamp } from '../../usecases/catalog.js';
import { readDrawSource } from '../../usecases/web-source.js';
import type { ServerContext } from '../context.js';
import type { SafeHtml } from './html.js';
import { type DataSource, type PageSession, renderPage } from './layout.js';

/** What a page handler builds: the title and the body inside `<main>`. */
export interface PageBody {
  title: string;
  body: SafeHtml;
}

/** The session a page is rendered for (the gate sets it from the session cookie on web routes). */
export function sessionOf(request: FastifyRequest): PageSession | null {
  return request.webSession ?? null;
}

/** The role the cached body was built for ('public' when signed out). */
export function roleOf(request: FastifyRequest): RouteRole {
  return sessionOf(request)?.role ?? 'public';
}

interface CachedBody {
  stamp: string;
  page: PageBody;
}

/** Page bodies by (URL, role, extra), each valid while the catalog's stamp is unchanged. */
export class PageCache {
  private readonly entries: LruMap<string, CachedBody>;
  hits = 0;
  misses = 0;

  constructor(
    private readonly ctx: ServerContext,
    maxEntries = 256,
  ) {
    this.entries = new LruMap(maxEntries);
  }

  /** The body for `key`, rebuilt by `build` when absent or when the catalog changed since. */
  async get(key: string, build: () => PageBody | Promise<PageBody>): Promise<PageBody> {
    const stamp = catalogStamp(this.ctx.catalog.db);
    const hit = this.entries.get(key);
    if (hit && hit.stamp === stamp) {
      this.hits++;
      return hit.page;
    }
    this.misses++;
    const page = await build();
    this.entries.set(key, { stamp, page });
    return page;
  }

  /** Where the draws came from (for the footer), cached like a page. */
  source(): DataSource {
    const stamp = catalogStamp(this.ctx.catalog.db);
    if (this.sourceMemo?.stamp !== stamp) this.sourceMemo = { stamp, value: readDrawSource(this.ctx) };
    return this.sourceMemo.value;
  }

  private sourceMemo: { stamp: string; value: DataSource } | undefined;
}

/** Sends a whole page: the shell for this request's session around `page`. */
export function sendPage(reply: FastifyReply, cache: PageCache, page: PageBody & { active?: string | undefined; status?: number | undefined }): void {
  const session = sessionOf(reply.request);
  const document = renderPage({ title: page.title, session, active: page.active, body: page.body, status: page.status, source: cache.source() });
  void reply
    .code(page.status ?? 200)
    .header('cache-control', 'private, no-store')
    .type('text/html; charset=utf-8')
    .send(document);
}

export interface PageRouteOptions {
  /** the nav entry this page belongs to */
  active: string;
  role: RouteRole;
  /** what the body depends on besides the URL, role and catalog version (the day, run liveness) */
  extraKey?: (request: FastifyRequest) => string;
}

/**
 * Declares `GET path` as a cached page: `build` makes the body from the request (query and
 * params as fastify parsed them: strings).
 */
export function pageRoute(
  app: FastifyInstance,
  cache: PageCache,
  path: string,
  options: PageRouteOptions,
  build: (request: FastifyRequest) => PageBody | Promise<PageBody>,
): void {
  app.get(path, { config: { role: options.role, rateClass: 'read', web: true }, schema: { hide: true } }, async (request, reply) => {
    const key = `${roleOf(request)}|${request.url}|${options.extraKey?.(request) ?? ''}`;
    const page = await cache.get(key, () => build(request));
    sendPage(reply, cache, { ...page, active: options.active });
    return reply;
  });
}

/**
 * A page's query string through `schema` (empty fields, as a GET form sends them, count as
 * absent); E_INPUT_INVALID with `query.field: problem` details when it does not fit.
 */
export function parseQuery<T>(schema: z.ZodType<T>, query: unknown): T {
  const given = Object.fromEntries(Object.entries((query ?? {}) as Record<string, unknown>).filter(([, v]) => v !== ''));
  const r = schema.safeParse(given);
  if (r.success) return r.data;
  throw new LuckyError(
    'E_INPUT_INVALID',
    'Some of the filters in this address are not valid.',
    r.error.issues.map((i) => `query${i.path.length > 0 ? `.${i.path.join('.')}` : ''}: ${i.message}`),
  );
}
