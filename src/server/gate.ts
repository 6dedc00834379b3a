/**
 * The gate every request passes, in this order: the per-IP ceiling (before any credential
 * work, so guessing keys is throttled too), authentication, the per-caller bucket of the
 * route's rate class, then the route's role. Rate-limit headers go on every answer that got
 * that far; a refused one is 429 with Retry-After.
 *
 * The hot path (API keys, buckets in memory) runs synchronously; a JWT (jose verifies
 * asynchronously) or buckets in Redis continue when their answer arrives.
 *
 * Dashboard routes (`config.web`) take the caller from the session cookie only (never from a
 * header or the query; web/session.ts), and answer a refusal as a browser expects: 303 to the
 * sign-in page without a session, an HTML page for a role too low or a rate limit. API routes
 * never read the cookie.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type RouteRole, roleAllows } from '../auth/roles.js';
import { LuckyError } from '../errors.js';
import { type Principal, resolvePrincipal } from './authenticate.js';
import type { ServerContext } from './context.js';
import type { RateDecision, RateStore } from './rate-limit.js';
import type { RateClass } from './route-table.js';
import { resolveWebSession, sendWebRefusal } from './web/session.js';

function setRateHeaders(reply: FastifyReply, d: RateDecision): void {
  reply.header('x-ratelimit-limit', d.limit);
  reply.header('x-ratelimit-remaining', d.remaining);
  reply.header('x-ratelimit-reset', d.resetSeconds);
  if (!d.allowed) reply.header('retry-after', d.retryAfterSeconds);
}

function tooMany(d: RateDecision, scope: string): LuckyError {
  return new LuckyError('E_RATE_LIMITED', `rate limit of ${d.limit} requests per minute ${scope} reached; retry in ${d.retryAfterSeconds} s`);
}

/** Where the gate waits when a step answered with a promise. */
type Pending = { role: RouteRole; rateClass: RateClass; now: number; web: boolean } & (
  | { step: 'address'; decision: Promise<RateDecision> }
  | { step: 'principal'; principal: Promise<Principal | null> }
  | { step: 'decision'; principal: Principal | null; decision: Promise<RateDecision> }
);

export function installGate(app: FastifyInstance, ctx: ServerContext, store: RateStore): void {
  const limits: Record<RateClass, number> = {
    read: ctx.config.rate_limit_read,
    write: ctx.config.rate_limit_write,
    heavy: ctx.config.rate_limit_heavy,
  };
  app.decorateRequest('principal', null);
  app.decorateRequest('webSession', null);

  /** The caller's bucket of the route's rate class: the whole minute for a key or token, else per address. */
  const callerTake = (request: FastifyRequest, principal: Principal | null, rateClass: RateClass, now: number) =>
    store.take(`${rateClass}:${principal?.id ?? `ip:${request.ip}`}`, limits[rateClass], now);

  const checkAddress = (reply: FastifyReply, d: RateDecision): void => {
    if (d.allowed) return;
    setRateHeaders(reply, d);
    throw tooMany(d, 'for this address');
  };

  const authenticated = (request: FastifyRequest, reply: FastifyReply, principal: Principal | null): void => {
    request.principal = principal;
    if (principal) reply.header('cache-control', 'private, no-cache');
  };

  /** A dashboard route's caller: the session cookie's, never a header's (synchronous: one indexed read). */
  const webCaller = (request: FastifyRequest, reply: FastifyReply): Principal | null => {
    const found = resolveWebSession(request, reply, ctx);
    request.webSession = found?.session ?? null;
    request.principal = found?.principal ?? null;
    // Pages carry a CSRF token and the subject: never kept by a cache, even when signed out.
    reply.header('cache-control', 'private, no-store');
    // The API's no-referrer makes a browser send `Origin: null` with our own forms; same-origin keeps
    // the Origin check meaningful and still sends nothing to other sites.
    reply.header('referrer-policy', 'same-origin');
    return request.principal;
  };

  const admit = (reply: FastifyReply, principal: Principal | null, role: RouteRole, rateClass: RateClass, d: RateDecision): void => {
    setRateHeaders(reply, d);
    if (!d.allowed) throw tooMany(d, `for ${rateClass} requests`);
    if (!roleAllows(principal?.role ?? null, role)) {
      if (!principal) throw new LuckyError('E_UNAUTHORIZED', 'an API key or token is required');
      throw new LuckyError('E_FORBIDDEN', `this route needs the ${role} role; the caller has ${principal.role}`);
    }
  };

  const fail = (request: FastifyRequest, reply: FastifyReply, done: (e?: Error) => void, e: unknown): void => {
    // A dashboard route answers the browser itself (303 to sign-in, or an HTML page); the hook chain stops there.
    if (request.routeOptions.config.web === true && e instanceof LuckyError) return void sendWebRefusal(request, reply, e);
    if (e instanceof LuckyError && e.code === 'E_UNAUTHORIZED') reply.header('www-authenticate', 'Bearer realm="luckyfive"');
    done(e as Error);
  };

  /**
   * The same steps as the hook, resumed at the first one whose answer is a promise (a JWT, or
   * buckets in Redis): the hot path (API keys, buckets in memory) never allocates a promise.
   */
  const resume = async (request: FastifyRequest, reply: FastifyReply, done: (e?: Error) => void, at: Pending): Promise<void> => {
    try {
      let principal: Principal | null;
      let decision: RateDecision;
      if (at.step === 'decision') {
        principal = at.principal;
        decision = await at.decision;
      } else {
        if (at.step === 'address') checkAddress(reply, await at.decision);
        if (at.web) principal = webCaller(request, reply);
        else {
          principal = await (at.step === 'principal' ? at.principal : resolvePrincipal(request, ctx));
          authenticated(request, reply, principal);
        }
        decision = await callerTake(request, principal, at.rateClass, at.now);
      }
      admit(reply, principal, at.role, at.rateClass, decision);
      done();
    } catch (e) {
      fail(request, reply, done, e);
    }
  };

  app.addHook('onRequest', (request, reply, done) => {
    try {
      const config = request.routeOptions.config;
      // Unmatched URLs (404) have no route config: treat them as public reads. A matched route
      // without a role cannot pass the route guard; should one appear anyway, fail closed.
      if (config.role === undefined && !request.is404) throw new LuckyError('E_INTERNAL', `route ${request.routeOptions.url} has no role`);
      const role = config.role ?? 'public';
      const rateClass = config.rateClass ?? 'read';
      const web = config.web === true;
      const now = ctx.now();
      const address = store.take(`ip:${request.ip}`, ctx.config.rate_limit_ip, now);
      if (address instanceof Promise) return void resume(request, reply, done, { step: 'address', decision: address, role, rateClass, now, web });
      checkAddress(reply, address);
      let principal: Principal | null;
      if (web) principal = webCaller(request, reply);
      else {
        const resolved = resolvePrincipal(request, ctx);
        if (resolved instanceof Promise) return void resume(request, reply, done, { step: 'principal', principal: resolved, role, rateClass, now, web });
        principal = resolved;
        authenticated(request, reply, principal);
      }
      const decision = callerTake(request, principal, rateClass, now);
      if (decision instanceof Promise) return void resume(request, reply, done, { step: 'decision', principal, decision, role, rateClass, now, web });
      admit(reply, principal, role, rateClass, decision);
      done();
    } catch (e) {
      fail(request, reply, done, e);
    }
  });
}
