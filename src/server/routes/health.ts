/**
 * `GET /api/v1/health`: public liveness and readiness. Each database answers a trivial query;
 * one failure makes the answer 503 with the same body (monitors read the body, not an error
 * envelope). Never cached (`no-store`).
 */
import { z } from 'zod';
import { type Db, prepareCached } from '../../store/sqlite.js';
import type { ResourcePlugin } from '../context.js';

export const HealthSchema = z
  .object({
    status: z.enum(['ok', 'unhealthy']),
    version: z.string(),
    uptime_seconds: z.int(),
    databases: z.record(z.string(), z.enum(['ok', 'error'])),
  })
  .meta({ id: 'Health' });

function check(db: Db): 'ok' | 'error' {
  try {
    prepareCached(db, 'SELECT 1 FROM sqlite_schema LIMIT 1').get();
    return 'ok';
  } catch {
    return 'error';
  }
}

const healthRoutes: ResourcePlugin = (app, { ctx }, done) => {
  app.get(
    '/health',
    {
      config: { role: 'public', rateClass: 'read' },
      schema: {
        summary: 'Health: version, uptime and one trivial query per database',
        tags: ['system'],
        response: { 200: HealthSchema, 503: HealthSchema },
      },
    },
    (_request, reply) => {
      const databases = { catalog: check(ctx.catalog.db) };
      const healthy = Object.values(databases).every((s) => s === 'ok');
      reply.code(healthy ? 200 : 503);
      return {
        status: healthy ? ('ok' as const) : ('unhealthy' as const),
        version: ctx.version,
        uptime_seconds: Math.floor((ctx.now() - ctx.startedAtMs) / 1000),
        databases,
      };
    },
  );
  done();
};

export default healthRoutes;
