/**
 * `GET /api/v1/health`: public liveness and readiness. Each database answers a trivial query,
 * the data dir must have at least `disk_min_free_mb` free, and no request may have met a full
 * disk or a damaged database in the last minute; any failure makes the answer 503 with the same
 * body (monitors read the body, not an error envelope). Never cached (`no-store`).
 */
import { z } from 'zod';
import { readClock } from '../../clock.js';
import { readHealth } from '../../usecases/health.js';
import type { ResourcePlugin } from '../context.js';
import { errorResponses } from '../error-envelope.js';

export const HealthSchema = z
  .object({
    status: z.enum(['ok', 'unhealthy']),
    version: z.string(),
    uptime_seconds: z.int(),
    databases: z.record(z.string(), z.enum(['ok', 'error'])),
    disk: z.object({
      status: z.enum(['ok', 'low', 'full']),
      free_bytes: z.number().int().nullable(),
      min_free_bytes: z.number().int(),
    }),
    last_fault: z
      .object({ code: z.string(), message: z.string(), at: z.string() })
      .nullable()
      .meta({ description: 'a full disk or damaged database met by a request in the last minute' }),
  })
  .meta({ id: 'Health' });

const healthRoutes: ResourcePlugin = (app, { ctx }, done) => {
  app.get(
    '/health',
    {
      config: { role: 'public', rateClass: 'read' },
      schema: {
        summary: 'Health: version, uptime and one trivial query per database',
        tags: ['system'],
        response: { 200: HealthSchema, 503: HealthSchema, ...errorResponses(401, 429) },
      },
    },
    (_request, reply) => {
      const health = readHealth(
        { catalog: ctx.catalog, config: ctx.config, clock: readClock(new Date(ctx.now())) },
        { version: ctx.version, startedAtMs: ctx.startedAtMs, lastFault: ctx.storageFaults.recent() },
      );
      reply.code(health.status === 'ok' ? 200 : 503);
      return health;
    },
  );
  done();
};

export default healthRoutes;
