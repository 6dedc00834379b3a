/**
 * `GET /api/v1/metrics`: Prometheus text. Viewer role unless `public_metrics` is set (a
 * scraper on a private network usually has no key).
 */
import { z } from 'zod';
import type { ResourcePlugin } from '../context.js';
import { COMMON_ERRORS } from '../error-envelope.js';

const RUN_STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled'] as const;

const metricsRoutes: ResourcePlugin = (app, { ctx }, done) => {
  const runsByStatus = ctx.catalog.db.prepare('SELECT status, COUNT(*) AS n FROM runs GROUP BY status');
  ctx.metrics.registerGauge({
    name: 'luckyfive_simulations',
    help: 'Simulation runs in the catalog by status.',
    read: () => {
      const counts = new Map((runsByStatus.all() as Array<{ status: string; n: number }>).map((r) => [r.status, r.n]));
      return RUN_STATUSES.map((status) => ({ labels: { status }, value: counts.get(status) ?? 0 }));
    },
  });

  app.get(
    '/metrics',
    {
      config: { role: ctx.config.public_metrics ? 'public' : 'viewer', rateClass: 'read' },
      schema: {
        summary: 'Prometheus metrics (text exposition format 0.0.4)',
        tags: ['system'],
        response: {
          200: { description: 'Prometheus text', content: { 'text/plain': { schema: z.string() } } },
          ...COMMON_ERRORS,
        },
      },
    },
    (_request, reply) => {
      reply.type('text/plain; version=0.0.4; charset=utf-8');
      return ctx.metrics.render();
    },
  );
  done();
};

export default metricsRoutes;
