/**
 * `GET /api/v1/health`: public liveness and readiness. Each database answers a trivial query,
 * the data dir must have at least `disk_min_free_mb` free, and no request may have met a full
 * disk or a damaged database in the last minute; any failure makes the answer 503 with the same
 * body (monitors read the body, not an error envelope). Never cached (`no-store`).
 */
import { z } from 'zod';
import { mebibytes, readDiskSpace } from '../../store/disk-space.js';
import { type Db, prepareCached } from '../../store/sqlite.js';
import type { ResourcePlugin } from '../context.js';

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
      const disk = readDiskSpace(ctx.config.data_dir, mebibytes(ctx.config.disk_min_free_mb));
      const fault = ctx.storageFaults.recent();
      const healthy = Object.values(databases).every((s) => s === 'ok') && disk.status === 'ok' && fault === undefined;
      reply.code(healthy ? 200 : 503);
      return {
        status: healthy ? ('ok' as const) : ('unhealthy' as const),
        version: ctx.version,
        uptime_seconds: Math.floor((ctx.now() - ctx.startedAtMs) / 1000),
        databases,
        disk,
        last_fault: fault ? { code: fault.code, message: fault.message, at: new Date(fault.at_ms).toISOString() } : null,
      };
    },
  );
  done();
};

export default healthRoutes;
