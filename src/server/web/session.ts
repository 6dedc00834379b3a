/**
 * Dashboard sessions: sign-in turns an API key or token into an opaque session id held only in an
 * HttpOnly, SameSite=Strict cookie (`lf_session`; `__Host-lf_session` and `Secure` under TLS), the
 * catalog keeping its SHA-256 (usecases/web-sessions.ts). Routes declared with `config.web` are
 * authenticated by that cookie alone (the gate calls {@link resolveWebSession}); API routes never
 * read it. Every POST to a web route carries a per-session CSRF token (`_csrf`, an HMAC of the
 * session id under the server secret) and, when the browser sends one, our own `Origin`.
 * Sign-in itself is guarded by a double-submit token (a random pre-session cookie and its HMAC in
 * the form), so no other site can sign a browser in under its own key.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { verifyJwt } from '../../auth/jwt.js';
import { readClock } from '../../clock.js';
import type { Role } from '../../core/roles.js';
import { LuckyError } from '../../errors.js';
import { type WebSessionOwner, endWebSession, resumeWebSession, startWebSession } from '../../usecases/web-sessions.js';
import type { Principal } from '../authenticate.js';
import type { ServerContext } from '../context.js';
import { renderSignInPage, renderWebRefusal } from './pages/signin.js';

/** The signed-in browser, as every dashboard page sees it. */
export interface WebSession {
  /** the API key's name or the token's `sub` */
  subject: string;
  role: Role;
  /** the CSRF token every POST form of this session carries in its `_csrf` field */
  csrf: string;
  /** the API principal id (`key:<id>`, `jwt:<sub>`): the same rate-limit bucket as the API */
  principal_id: string;
  /** the latest time the session can end (ISO); idleness may end it sooner */
  expires_at: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** the dashboard session; null on API routes and when signed out */
    webSession: WebSession | null;
  }
  interface FastifyContextConfig {
    /** a dashboard route: authenticated by the session cookie (never by a header or the query) */
    web?: boolean;
    /** a dashboard POST that takes a multipart form: its handler checks `_csrf` (the first part) before reading a file */
    multipartForm?: boolean;
  }
}

/** The name of the form field that carries the CSRF token. */
export const CSRF_FIELD = '_csrf';
/** Largest urlencoded form body accepted by the dashboard (the sign-in and job forms are small). */
export const FORM_BODY_LIMIT = 16 * 1024;

const SESSION_COOKIE = 'lf_session';
const SIGNIN_COOKIE = 'lf_signin';

/** Under TLS a cookie gets `Secure` and the `__Host-` prefix (no Domain, Path=/, Secure: only this origin can set it). */
function cookieName(request: FastifyRequest, base: string): string {
  return request.protocol === 'https' ? `__Host-${base}` : base;
}

function cookieAttributes(request: FastifyRequest): string {
  return `Path=/; HttpOnly; SameSite=Strict${request.protocol === 'https' ? '; Secure' : ''}`;
}

/** The value of cookie `name` in the request's Cookie header(s); undefined when absent or repeated. */
export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (header === undefined) return undefined;
  let found: string | undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== name) continue;
    // Two cookies of the same name (one planted for a sub-path, say): trust neither.
    if (found !== undefined) return undefined;
    found = pair.slice(eq + 1).trim();
  }
  return found;
}

function setCookie(reply: FastifyReply, request: FastifyRequest, base: string, value: string): void {
  reply.header('set-cookie', `${cookieName(request, base)}=${value}; ${cookieAttributes(request)}`);
}

function clearCookie(reply: FastifyReply, request: FastifyRequest, base: string): void {
  reply.header('set-cookie', `${cookieName(request, base)}=; ${cookieAttributes(request)}; Max-Age=0`);
}

function hmac(secret: Buffer, label: string, value: string): string {
  return createHmac('sha256', secret).update(`${label}\0${value}`, 'utf8').digest('base64url');
}

function sameToken(expected: string, given: unknown): boolean {
  if (typeof given !== 'string' || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(given, 'utf8'), Buffer.from(expected, 'utf8'));
}

/** The origin the browser sees us at, from the request (`Host` and the protocol), normalised as browsers write it (no default port). */
function ourOrigin(request: FastifyRequest): string {
  const given = `${request.protocol}://${request.host}`;
  try {
    return new URL(given).origin;
  } catch {
    return given;
  }
}

/**
 * False when the browser says the request came from another site: an `Origin` that is not ours
 * (`null`, sent by sandboxed frames and under a no-referrer policy, tells nothing and passes: the
 * token decides), or `Sec-Fetch-Site: cross-site`/`same-site`.
 */
function originIsOurs(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== 'null' && origin !== ourOrigin(request)) return false;
  const site = request.headers['sec-fetch-site'];
  return site !== 'cross-site' && site !== 'same-site';
}

/**
 * Refuses a POST of the signed-in session whose `_csrf` value is not the session's token, or whose
 * `Origin` (when present) is not ours: E_FORBIDDEN. For W1's and W2's form handlers (the hook of
 * {@link installWebSession} already checks every urlencoded POST to a web route).
 */
export function checkCsrf(request: FastifyRequest, token: unknown): void {
  const session = request.webSession;
  if (!originIsOurs(request)) throw new LuckyError('E_FORBIDDEN', 'this form was posted from another site', ['origin: not this server']);
  if (!session || !sameToken(session.csrf, token)) {
    throw new LuckyError('E_FORBIDDEN', 'this form has expired or did not come from this page: reload the page and try again', [
      `${CSRF_FIELD}: missing or wrong`,
    ]);
  }
}

/**
 * The caller of a web route, from the session cookie only: the principal (the same id, role and
 * bucket as the API's) and the session, or null when there is no open session. A cookie that is
 * refused (unknown, ended, its key revoked) is cleared on the answer. Synchronous (one indexed read).
 */
export function resolveWebSession(request: FastifyRequest, reply: FastifyReply, ctx: ServerContext): { principal: Principal; session: WebSession } | null {
  const sessionId = readCookie(request, cookieName(request, SESSION_COOKIE));
  if (sessionId === undefined) return null;
  const r = resumeWebSession(
    { catalog: ctx.catalog, config: ctx.config, clock: readClock(new Date(ctx.now())) },
    {
      session_id: sessionId,
      onTouchError: (e) => request.log.warn({ err: e }, "could not record a session's last use (the request goes on)"),
    },
  );
  if (typeof r === 'string') {
    request.log.info({ session_refused: r }, 'session refused');
    clearCookie(reply, request, SESSION_COOKIE);
    return null;
  }
  const principal: Principal = { id: r.principal_id, kind: r.kind, role: r.role, name: r.subject };
  const session: WebSession = {
    subject: r.subject,
    role: r.role,
    csrf: hmac(ctx.serverSecret, 'csrf', sessionId),
    principal_id: r.principal_id,
    expires_at: r.expires_at,
  };
  return { principal, session };
}

/** A path on this site to go to after signing in: `/...` only (no `//host`, no scheme, no backslash, no control character). */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || next.length > 1024) return '/';
  if (!next.startsWith('/') || next.startsWith('//') || next.includes('\\')) return '/';
  for (let i = 0; i < next.length; i++) {
    const c = next.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return '/';
  }
  return next;
}

/** The sign-in URL that comes back to `path` afterwards. */
export function signInUrl(path: string): string {
  const next = safeNext(path);
  return next === '/' ? '/signin' : `/signin?next=${encodeURIComponent(next)}`;
}

/** Parses an urlencoded form body (fields named once; a repeated field keeps its first value). */
function parseForm(body: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(body)) if (!(name in out)) out[name] = value;
  return out;
}

/** The page a form was posted from (its same-origin `Referer`), to come back to after signing in; else `/`. */
function pageOfForm(request: FastifyRequest): string {
  const referer = request.headers.referer;
  if (referer === undefined) return '/';
  try {
    const url = new URL(referer);
    return url.origin === ourOrigin(request) ? `${url.pathname}${url.search}` : '/';
  } catch {
    return '/';
  }
}

/** Sends the dashboard's answer for a refused request: 303 to sign-in, or an HTML page with the error's status. */
export function sendWebRefusal(request: FastifyRequest, reply: FastifyReply, error: LuckyError): FastifyReply {
  reply.header('cache-control', 'private, no-store');
  if (error.code === 'E_UNAUTHORIZED') {
    const back = request.method === 'GET' || request.method === 'HEAD' ? request.url : pageOfForm(request);
    return reply.code(303).header('location', signInUrl(back)).send();
  }
  return reply
    .code(error.httpStatus)
    .type('text/html; charset=utf-8')
    .send(renderWebRefusal(request.webSession, error, request.id));
}

/** Who a key or token is, or null when it is refused (the reason goes to the log only). */
async function verifyCredential(request: FastifyRequest, ctx: ServerContext, credential: string): Promise<WebSessionOwner | null> {
  const nowMs = ctx.now();
  const refused = (reason: string): null => {
    request.log.info({ auth_refused: reason }, 'sign-in refused');
    return null;
  };
  if (credential.length === 0 || credential.length > 4096) return refused('credential empty or too long');
  if (credential.startsWith('lf_')) {
    const r = ctx.apiKeys.verify(credential, nowMs);
    if (typeof r === 'string') return refused(`api key ${r}`);
    return { principal_id: `key:${r.id}`, kind: 'api_key', key_id: r.id, role: r.role, subject: r.name };
  }
  if (!ctx.jwtSecret) return refused('not an API key and JWT is disabled');
  const claims = await verifyJwt(ctx.jwtSecret, credential, Math.floor(nowMs / 1000), {
    maxLifetimeSeconds: ctx.config.jwt_max_lifetime_hours * 3600,
    audience: ctx.config.jwt_audience,
    issuer: ctx.config.jwt_issuer,
  });
  if (typeof claims === 'string') return refused(`jwt ${claims}`);
  return {
    principal_id: `jwt:${claims.sub}`,
    kind: 'jwt',
    key_id: null,
    role: claims.role,
    subject: claims.sub,
    token_expires_at: new Date(claims.exp * 1000).toISOString(),
  };
}

/**
 * What every scope holding dashboard forms needs (installed by {@link installWebSession}; call it
 * in another scope of form pages): the urlencoded form parser for web routes, and the CSRF check
 * of every POST to a web route (a multipart form is checked by its handler, `multipartForm`).
 */
export function installWebForms(app: FastifyInstance): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT }, (request, body, done) => {
    // Only dashboard routes take forms: the API's bodies stay JSON.
    if (request.routeOptions.config.web !== true) return done(new LuckyError('E_INPUT_INVALID', 'unsupported content type'), undefined);
    done(null, parseForm(body as string));
  });

  app.addHook('preHandler', (request, reply, done) => {
    const config = request.routeOptions.config;
    if (config.web !== true || request.method !== 'POST' || config.role === 'public') return done();
    try {
      // A multipart form (the imports upload) is checked by its handler, which reads `_csrf` as the first part.
      if (/^multipart\/form-data\b/i.test(request.headers['content-type'] ?? '')) {
        if (config.multipartForm === true) return done();
        throw new LuckyError('E_FORBIDDEN', 'this form cannot be posted here', ['content-type: multipart/form-data is not accepted by this page']);
      }
      const body = request.body as Record<string, unknown> | undefined;
      checkCsrf(request, body?.[CSRF_FIELD]);
      done();
    } catch (e) {
      void sendWebRefusal(request, reply, e as LuckyError);
    }
  });
}

/**
 * Installs the dashboard's sessions on `app` (call it in the dashboard's plugin scope): the form
 * parser and CSRF check ({@link installWebForms}), `GET`/`POST /signin` and `POST /signout`. The
 * gate (gate.ts) resolves the cookie.
 */
export function installWebSession(app: FastifyInstance, ctx: ServerContext): void {
  installWebForms(app);

  const signinToken = (value: string) => hmac(ctx.serverSecret, 'signin', value);

  /** The sign-in form with a fresh double-submit token (cookie + field). */
  const signInForm = (request: FastifyRequest, reply: FastifyReply, status: number, next: string, problem?: string) => {
    const value = randomBytes(32).toString('base64url');
    setCookie(reply, request, SIGNIN_COOKIE, value);
    return reply
      .code(status)
      .header('cache-control', 'private, no-store')
      .type('text/html; charset=utf-8')
      .send(renderSignInPage({ next, token: signinToken(value), ...(problem ? { problem } : {}) }));
  };

  app.get('/signin', { config: { role: 'public', rateClass: 'read', web: true }, schema: { hide: true } }, (request, reply) => {
    const next = safeNext((request.query as Record<string, unknown>).next);
    if (request.webSession) return reply.code(303).header('cache-control', 'private, no-store').header('location', next).send();
    return signInForm(request, reply, 200, next);
  });

  app.post('/signin', { config: { role: 'public', rateClass: 'write', web: true }, schema: { hide: true } }, async (request, reply) => {
    const form = (request.body ?? {}) as Record<string, string | undefined>;
    const next = safeNext(form.next);
    const presented = readCookie(request, cookieName(request, SIGNIN_COOKIE));
    if (!originIsOurs(request) || presented === undefined || !sameToken(signinToken(presented), form[CSRF_FIELD])) {
      request.log.info({ auth_refused: 'sign-in form without its token or from another site' }, 'sign-in refused');
      return signInForm(request, reply, 403, next, 'This form has expired. Please sign in again.');
    }
    const owner = await verifyCredential(request, ctx, (form.credential ?? '').trim());
    if (!owner) return signInForm(request, reply, 401, next, 'That key or token was not accepted.');
    // A new id at every sign-in; the session this browser held before (if any) ends.
    const previous = readCookie(request, cookieName(request, SESSION_COOKIE));
    if (previous !== undefined) endWebSession({ catalog: ctx.catalog }, { session_id: previous });
    const { session_id } = startWebSession({ catalog: ctx.catalog, config: ctx.config, clock: readClock(new Date(ctx.now())) }, owner);
    request.log.info({ principal: owner.principal_id }, 'signed in');
    reply.header('set-cookie', [
      `${cookieName(request, SESSION_COOKIE)}=${session_id}; ${cookieAttributes(request)}`,
      `${cookieName(request, SIGNIN_COOKIE)}=; ${cookieAttributes(request)}; Max-Age=0`,
    ]);
    return reply.code(303).header('cache-control', 'private, no-store').header('location', next).send();
  });

  // viewer: a signed-out browser is sent to /signin; the preHandler hook checked its CSRF token.
  app.post('/signout', { config: { role: 'viewer', rateClass: 'write', web: true }, schema: { hide: true } }, (request, reply) => {
    const sessionId = readCookie(request, cookieName(request, SESSION_COOKIE));
    if (sessionId !== undefined) endWebSession({ catalog: ctx.catalog }, { session_id: sessionId });
    clearCookie(reply, request, SESSION_COOKIE);
    return reply.code(303).header('cache-control', 'private, no-store').header('location', '/signin').send();
  });
}
