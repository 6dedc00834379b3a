/**
 * Sweeps, comparisons and leaderboards over HTTP: the same documents as `luckyfive sweep show`,
 * `compare` and `leaderboard --json`, with every adjusted p-value counting every trial.
 * Creating a sweep is a CLI (cron) job for now: a sweep can run for hours on the pool.
 */
import { z } from 'zod';
import { METRIC_DOCS, parseMetricName } from '../../core/metrics.js';
import { SWEEP_STATUSES } from '../../core/sweep/status.js';
import { LuckyError } from '../../errors.js';
import { COMPARE_MAX_WORK, compareRuns } from '../../usecases/compare.js';
import { readLeaderboard } from '../../usecases/leaderboard.js';
import { listSweeps, showSweep } from '../../usecases/sweeps.js';
import type { ResourcePlugin } from '../context.js';
import { COMMON_ERRORS, errorResponses } from '../error-envelope.js';
import { intParam } from '../schemas.js';

/** Documents whose full shape is defined by the engine and printed by the CLI's --json. */
const Document = z.record(z.string(), z.unknown());
const MetricQuery = z.string().max(40).optional();
const metricOf = (m: string | undefined, fallback = 'mean_hits') => parseMetricName(m ?? fallback);

const routes: ResourcePlugin = (app, { ctx }, done) => {
  app.get(
    '/sweeps',
    {
      config: { role: 'viewer', rateClass: 'read' },
      schema: {
        summary: 'Sweeps, newest first, with status and progress',
        tags: ['sweeps'],
        querystring: z.strictObject({
          status: z.enum(SWEEP_STATUSES).optional(),
          limit: intParam(1, 1000, 'a page size').default(50),
        }),
        response: { 200: z.object({ items: z.array(Document) }), ...COMMON_ERRORS },
      },
    },
    (request) => ({ items: listSweeps(ctx, { status: request.query.status, limit: request.query.limit }) as unknown as Array<Record<string, unknown>> }),
  );

  app.get(
    '/sweeps/:sweep_id',
    {
      config: { role: 'viewer', rateClass: 'read' },
      schema: {
        summary: 'Ranked cells with the exact baseline and raw, Holm and Benjamini-Hochberg p-values over all cells',
        tags: ['sweeps'],
        params: z.strictObject({ sweep_id: z.string().max(64) }),
        querystring: z.strictObject({ by: MetricQuery, top: intParam(1, 10_000, 'a number of cells').default(20) }),
        response: { 200: Document, ...COMMON_ERRORS, ...errorResponses(404) },
      },
    },
    // no ?by= ranks by the sweep's own metric, as `sweep show` does (this route used mean_hits)
    (request) =>
      showSweep(ctx, {
        sweep_id: request.params.sweep_id,
        metric: request.query.by === undefined ? undefined : parseMetricName(request.query.by),
        top: request.query.top,
      }).document as unknown as Record<string, unknown>,
  );

  app.get(
    '/compare',
    {
      config: { role: 'viewer', rateClass: 'read' },
      schema: {
        summary: `Runs side by side with paired per-contest tests (sign and permutation); at most 50 runs and ${COMPARE_MAX_WORK.toLocaleString('en')} sign flips of permutation tests per request (400 above)`,
        tags: ['compare'],
        querystring: z.strictObject({
          run_id: z.union([z.string(), z.array(z.string())]),
          metrics: z.string().max(400).optional(),
        }),
        response: { 200: Document, ...COMMON_ERRORS, ...errorResponses(404, 409) },
      },
    },
    async (request, reply) => {
      // each id's form is checked by the use case (E_INPUT_INVALID, as here)
      const ids = [request.query.run_id].flat();
      if (ids.length < 2) throw new LuckyError('E_INPUT_INVALID', 'compare needs at least two run_id values', ['query.run_id: give two or more']);
      if (ids.length > 50) throw new LuckyError('E_INPUT_INVALID', 'compare takes at most 50 runs', ['query.run_id: too many']);
      const metrics = request.query.metrics
        ? [...new Set(request.query.metrics.split(',').map((s) => parseMetricName(s.trim())))]
        : Object.keys(METRIC_DOCS).map((m) => parseMetricName(m));
      // A client that goes away stops the comparison: its pool tasks are dropped or stopped.
      const controller = new AbortController();
      const onClose = () => {
        if (!reply.raw.writableFinished) controller.abort();
      };
      reply.raw.on('close', onClose);
      try {
        // The permutation tests run on a pool thread; without a pool (a server that runs no
        // simulations) in-process, still under the work cap.
        return (await compareRuns(
          { catalog: ctx.catalog, pool: ctx.pool, signal: controller.signal },
          { ids, metrics, maxWork: COMPARE_MAX_WORK },
        )) as unknown as Record<string, unknown>;
      } catch (e) {
        if (controller.signal.aborted) request.log.info({ runs: ids.length, by: request.principal?.id }, 'comparison stopped: the client went away');
        throw e;
      } finally {
        reply.raw.off('close', onClose);
      }
    },
  );

  app.get(
    '/leaderboard',
    {
      config: { role: 'viewer', rateClass: 'read' },
      schema: {
        summary: 'Completed runs ranked by a metric; adjusted p-values count every run matching the filter',
        tags: ['leaderboard'],
        querystring: z.strictObject({
          metric: MetricQuery,
          filter: z.string().max(2000).optional(),
          since: z.iso.date().optional(),
          limit: intParam(1, 1000, 'a page size').default(50),
        }),
        response: { 200: Document, ...COMMON_ERRORS },
      },
    },
    (request) =>
      readLeaderboard(ctx, {
        metric: metricOf(request.query.metric),
        filter: request.query.filter,
        since: request.query.since,
        limit: request.query.limit,
      }) as unknown as Record<string, unknown>,
  );
  done();
};

export default routes;
