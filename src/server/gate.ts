/**
 * The gate every request passes, in this order: the per-IP ceiling (before any credential
 * work, so guessing keys is throttled too), authentication, the per-caller bucket of the
 * route's rate class, then the route's role. Rate-limit headers go on every answer that got
 * that far; a refused one is 429 with Retry-After.
 *
 * The hot path (API keys, buckets in memory) runs synchronously; a JWT (jose verifies
 * asynchronously) or buckets in Redis continue when their answer arrives.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { roleAllows } from '../auth/roles.js';
import { LuckyError } from '../errors.js';
import { type Principal, resolvePrincipal } from './authenticate.js';
import type { ServerContext } from './context.js';
import type { RateDecision, RateStore } from './rate-limit.js';
import type { RateClass } from './route-table.js';

function setRateHeaders(reply: FastifyReply, d: RateDecision): void {
  reply.header('x-ratelimit-limit', d.limit);
  reply.header('x-ratelimit-remaining', d.remaining);
  reply.header('x-ratelimit-reset', d.resetSeconds);
  if (!d.allowed) reply.header('retry-after', d.retryAfterSeconds);
}

function tooMany(d: RateDecision, scope: string): LuckyError {
  return new LuckyError('E_RATE_LIMITED', `rate limit of ${d.limit} requests per minute ${scope} reached; retry in ${d.retryAfterSeconds} s`);
}

/** Calls `next` with the value now when it is there, or when the promise settles (its rejection, or a throw in `next`, goes to `fail`). */
function whenReady<T>(value: T | Promise<T>, next: (v: T) => void, fail: (e: unknown) => void): void {
  if (!(value instanceof Promise)) return next(value);
  value.then((v) => {
    try {
      next(v);
    } catch (e) {
      fail(e);
    }
  }, fail);
}

export function installGate(app: FastifyInstance, ctx: ServerContext, store: RateStore): void {
  const limits: Record<RateClass, number> = {
    read: ctx.config.rate_limit_read,
    write: ctx.config.rate_limit_write,
    heavy: ctx.config.rate_limit_heavy,
  };
  app.decorateRequest('principal', null);
  app.addHook('onRequest', (request, reply, done) => {
    const fail = (e: unknown) => {
      if (e instanceof LuckyError && e.code === 'E_UNAUTHORIZED') reply.header('www-authenticate', 'Bearer realm="luckyfive"');
      done(e as Error);
    };
    try {
      const config = request.routeOptions.config;
      // Unmatched URLs (404) have no route config: treat them as public reads. A matched route
      // without a role cannot pass the route guard; should one appear anyway, fail closed.
      if (config.role === undefined && !request.is404) throw new LuckyError('E_INTERNAL', `route ${request.routeOptions.url} has no role`);
      const role = config.role ?? 'public';
      const rateClass = config.rateClass ?? 'read';
      const now = ctx.now();
      const admit = (principal: Principal | null) => (decision: RateDecision) => {
        setRateHeaders(reply, decision);
        if (!decision.allowed) throw tooMany(decision, `for ${rateClass} requests`);
        if (!roleAllows(principal?.role ?? null, role)) {
          if (!principal) throw new LuckyError('E_UNAUTHORIZED', 'an API key or token is required');
          throw new LuckyError('E_FORBIDDEN', `this route needs the ${role} role; the caller has ${principal.role}`);
        }
        done();
      };
      const authenticated = (principal: Principal | null) => {
        request.principal = principal;
        if (principal) reply.header('cache-control', 'private, no-cache');
        whenReady(store.take(`${rateClass}:${principal?.id ?? `ip:${request.ip}`}`, limits[rateClass], now), admit(principal), fail);
      };
      whenReady(
        store.take(`ip:${request.ip}`, ctx.config.rate_limit_ip, now),
        (ipDecision) => {
          if (!ipDecision.allowed) {
            setRateHeaders(reply, ipDecision);
            throw tooMany(ipDecision, 'for this address');
          }
          whenReady(resolvePrincipal(request, ctx), authenticated, fail);
        },
        fail,
      );
    } catch (e) {
      fail(e);
    }
  });
}
