/**
 * `registerWeb`: the web dashboard on the API's origin, outside /api/v1 and /docs. It registers
 * the assets (`/assets/app.css`, `/assets/app.js`, public), the pages in one scope whose errors
 * render as pages, and a not-found page for every other GET outside the API that a browser asks
 * for (`Accept: text/html`); API and docs URLs, and clients that do not ask for HTML, keep the
 * JSON envelope. Pages share one body cache keyed by the catalog's data version.
 */
import type { FastifyInstance } from 'fastify';
import { LuckyError } from '../../errors.js';
import type { ServerContext } from '../context.js';
import { ASSETS } from './assets.js';
import { installErrorPages, sendErrorPage } from './error-page.js';
import { PageCache } from './page-route.js';
import booksPage from './pages/books.js';
import comparePage from './pages/compare.js';
import drawsPage from './pages/draws.js';
import importsPage from './pages/imports.js';
import jobsPage from './pages/jobs.js';
import leaderboardPage from './pages/leaderboard.js';
import overviewPage from './pages/overview.js';
import runPage from './pages/run.js';
import studiesPages from './pages/studies.js';
import runsPage from './pages/runs.js';
import sweepsPages from './pages/sweeps.js';
import { installWebSession } from './session.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** the dashboard's page-body cache (its hit and miss counters are for tests and benchmarks) */
    webPageCache: PageCache;
  }
}

/** Registers the dashboard on `app` (after the API resources); its page cache is `app.webPageCache`. */
export async function registerWeb(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const cache = new PageCache(ctx);
  app.decorate('webPageCache', cache);

  app.get<{ Params: { name: string } }>('/assets/:name', { config: { role: 'public', rateClass: 'read' }, schema: { hide: true } }, (request, reply) => {
    const asset = ASSETS[request.params.name];
    if (!asset) return reply.callNotFound();
    void reply.header('cache-control', 'public, max-age=300').header('etag', asset.etag).type(asset.type).send(asset.body);
    return reply;
  });

  await app.register(async (scope) => {
    installErrorPages(scope, ctx, cache);
    installWebSession(scope, ctx);
    for (const plugin of [
      overviewPage,
      drawsPage,
      runsPage,
      runPage,
      sweepsPages,
      studiesPages,
      comparePage,
      leaderboardPage,
      booksPage,
      jobsPage,
      importsPage,
    ])
      await scope.register(plugin, { ctx, cache });

    // Unknown API URLs never read the session cookie: they go straight to the API's JSON 404.
    scope.get('/api/*', { config: { role: 'public', rateClass: 'read' }, schema: { hide: true } }, (_request, reply) => reply.callNotFound());
    // Any other unknown URL is a page (signed in or not: the nav shows when there is a session).
    scope.get('/*', { config: { role: 'public', rateClass: 'read', web: true }, schema: { hide: true } }, (request, reply) => {
      if (request.url.startsWith('/docs') || !/\btext\/html\b/.test(request.headers.accept ?? '')) {
        // not a page after all: the API's answer, with the API's headers (the gate gave this web route a page's)
        void reply.header('referrer-policy', 'no-referrer').header('cache-control', 'no-store');
        return reply.callNotFound();
      }
      sendErrorPage(reply, ctx, cache, new LuckyError('E_NOT_FOUND', 'There is no page at this address.'));
      return reply;
    });
  });
}
