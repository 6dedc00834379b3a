/**
 * The gate every request passes, in this order: the per-IP ceiling (before any credential
 * work, so guessing keys is throttled too), authentication, the per-caller bucket of the
 * route's rate class, then the route's role. Rate-limit headers go on every answer that got
 * that far; a refused one is 429 with Retry-After.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { roleAllows } from '../auth/roles.js';
import { LuckyError } from '../errors.js';
import { resolvePrincipal } from './authenticate.js';
import type { ServerContext } from './context.js';
import { type RateDecision, RateLimiter } from './rate-limit.js';
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

export function installGate(app: FastifyInstance, ctx: ServerContext): RateLimiter {
  const limiter = new RateLimiter();
  const limits: Record<RateClass, number> = {
    read: ctx.config.rate_limit_read,
    write: ctx.config.rate_limit_write,
    heavy: ctx.config.rate_limit_heavy,
  };
  app.decorateRequest('principal', null);
  app.addHook('onRequest', (request, reply, done) => {
    try {
      const config = request.routeOptions.config;
      // Unmatched URLs (404) have no route config: treat them as public reads. A matched route
      // without a role cannot pass the route guard; should one appear anyway, fail closed.
      if (config.role === undefined && !request.is404) throw new LuckyError('E_INTERNAL', `route ${request.routeOptions.url} has no role`);
      const role = config.role ?? 'public';
      const rateClass = config.rateClass ?? 'read';
      const now = ctx.now();
      const ipDecision = limiter.take(`ip:${request.ip}`, ctx.config.rate_limit_ip, now);
      if (!ipDecision.allowed) {
        setRateHeaders(reply, ipDecision);
        throw tooMany(ipDecision, 'for this address');
      }
      const principal = resolvePrincipal(request, ctx);
      request.principal = principal;
      if (principal) reply.header('cache-control', 'private, no-cache');
      const decision = limiter.take(`${rateClass}:${principal?.id ?? `ip:${request.ip}`}`, limits[rateClass], now);
      setRateHeaders(reply, decision);
      if (!decision.allowed) throw tooMany(decision, `for ${rateClass} requests`);
      if (!roleAllows(principal?.role ?? null, role)) {
        if (!principal) throw new LuckyError('E_UNAUTHORIZED', 'an API key or token is required');
        throw new LuckyError('E_FORBIDDEN', `this route needs the ${role} role; the caller has ${principal.role}`);
      }
      done();
    } catch (e) {
      if (e instanceof LuckyError && e.code === 'E_UNAUTHORIZED') reply.header('www-authenticate', 'Bearer realm="luckyfive"');
      done(e as Error);
    }
  });
  return limiter;
}
