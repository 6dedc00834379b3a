// The dashboard as a browser sees it: signing in through the form (with its sign-in token and
// cookie), session cookies, CSRF tokens scraped from pages, and Chromium through playwright-core.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { ServerContext } from '../../src/server/context.js';
import type * as WebIndex from '../../src/server/web/index.js';
import { installErrorPages } from '../../src/server/web/error-page.js';
import importsPage from '../../src/server/web/pages/imports.js';
import jobsPage from '../../src/server/web/pages/jobs.js';
import { installWebSession } from '../../src/server/web/session.js';

/**
 * `registerWeb` with the sessions, sign-in and the jobs and imports pages added in their own
 * scope, for as long as `registerWeb` itself does not register them (then it is left as it is).
 * Tests use it through `vi.mock('../../src/server/web/index.js', ...)`.
 */
export function withWebSessions(mod: typeof WebIndex): typeof WebIndex {
  return {
    ...mod,
    registerWeb: async (app: FastifyInstance, ctx: ServerContext) => {
      const cache = await mod.registerWeb(app, ctx);
      if (app.hasRoute({ method: 'GET', url: '/signin' })) return cache;
      await app.register(async (scope) => {
        installErrorPages(scope, ctx, cache);
        installWebSession(scope, ctx);
        await scope.register(jobsPage, { ctx, cache });
        await scope.register(importsPage, { ctx, cache });
      });
      return cache;
    },
  };
}

/** The value of `name="<field>" value="..."` in a page (the first one). */
export function hiddenValue(body: string, field: string): string | undefined {
  const m = new RegExp(`name="${field}" value="([^"]*)"`).exec(body);
  return m?.[1];
}

/** `name=value` of the Set-Cookie headers of an answer, by cookie name (attributes in `attrs`). */
export function setCookies(res: LightMyRequestResponse): Record<string, { value: string; attrs: string }> {
  const raw = res.headers['set-cookie'];
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return Object.fromEntries(
    list.map((c) => {
      const [pair, ...attrs] = c.split(';');
      const eq = pair!.indexOf('=');
      return [pair!.slice(0, eq).trim(), { value: pair!.slice(eq + 1), attrs: attrs.join(';').trim() }];
    }),
  );
}

/** Signs in through the form as a browser would; returns the session cookie header (`lf_session=...`) and the sign-in answer. */
export async function signIn(app: FastifyInstance, credential: string, next = '/'): Promise<{ cookie: string | undefined; res: LightMyRequestResponse }> {
  const form = await app.inject({ method: 'GET', url: '/signin', headers: { accept: 'text/html' } });
  const pre = setCookies(form).lf_signin!.value;
  const token = hiddenValue(form.body, '_csrf')!;
  const res = await app.inject({
    method: 'POST',
    url: '/signin',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `lf_signin=${pre}` },
    payload: new URLSearchParams({ _csrf: token, next, credential }).toString(),
  });
  const session = setCookies(res).lf_session?.value;
  return { cookie: session ? `lf_session=${session}` : undefined, res };
}

/** A urlencoded POST with a session cookie. */
export function postForm(app: FastifyInstance, url: string, cookie: string | undefined, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}), ...headers },
    payload: new URLSearchParams(fields).toString(),
  });
}
