/**
 * `GET /api/v1/metrics`: Prometheus text. Viewer role unless `public_metrics` is set (a
 * scraper on a private network usually has no key).
 */
import { z } from 'zod';
import { SIMULATION_STATUSES, countSimulations } from '../../usecases/server-status.js';
import type { ResourcePlugin } from '../context.js';
import { COMMON_ERRORS } from '../error-envelope.js';

const metricsRoutes: ResourcePlugin = (app, { ctx }, done) => {
  ctx.metrics.registerGauge({
    name: 'luckyfive_simulations',
    help: 'Simulation runs in the catalog by status.',
    read: () => {
      const counts = countSimulations(ctx);
      return SIMULATION_STATUSES.map((status) => ({ labels: { status }, value: counts[status] }));
    },
    // read from the shared catalog: the same in every server process, shown once
    across: 'first',
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
    async (_request, reply) => {
      reply.type('text/plain; version=0.0.4; charset=utf-8');
      return ctx.metrics.render();
    },
  );
  done();
};

export default metricsRoutes;
