/**
 * Sweeps, comparisons and leaderboards over HTTP: the same documents as `luckyfive sweep show`,
 * `compare` and `leaderboard --json`, with every adjusted p-value counting every trial.
 * `POST /sweeps` records a sweep at once (a bad spec is a 400 before anything runs) and runs it as
 * a job of the server's job runner (202); `POST /sweeps/{id}/cancel` stops it (resumable) and
 * `POST /sweeps/{id}/resume` queues it again; `GET /sweeps/{id}` shows its job beside its cells.
 */
import { z } from 'zod';
import { METRIC_DOCS, parseMetricName } from '../../core/metrics.js';
import { SWEEP_STATUSES } from '../../core/sweep/status.js';
import { LuckyError } from '../../errors.js';
import { readClock } from '../../clock.js';
import { cancelSweep, resumeSweep, submitSweep, sweepJob } from '../../usecases/analysis-jobs.js';
import { COMPARE_MAX_WORK, compareRuns } from '../../usecases/compare.js';
import { readLeaderboard } from '../../usecases/leaderboard.js';
import { listSweeps, showSweep } from '../../usecases/sweeps.js';
import { ANALYSIS_BODY_LIMIT, AnalysisJobSchema, SUBMIT_RETRY_AFTER_S, SweepBodySchema, SweepIdParams, requireJobRunner } from '../analysis-schemas.js';
import type { ResourcePlugin, ServerContext } from '../context.js';
import { COMMON_ERRORS, errorResponses } from '../error-envelope.js';
import { intParam } from '../schemas.js';

/** Documents whose full shape is defined by the engine and printed by the CLI's --json. */
const Document = z.record(z.string(), z.unknown());
const MetricQuery = z.string().max(40).optional();
const metricOf = (m: string | undefined, fallback = 'mean_hits') => parseMetricName(m ?? fallback);
const requireJobs = (ctx: ServerContext) => requireJobRunner(ctx, 'sweeps');

const SubmittedSweepSchema = z
  .object({
    job: AnalysisJobSchema,
    sweep: z.object({
      sweep_id: z.string(),
      name: z.string(),
      cells_total: z.int(),
      invalid_cells: z.array(z.string()).meta({ description: 'cells whose recipe the parser refused, recorded as failed: `cell N: problem`' }),
      notes: z.array(z.string()),
    }),
  })
  .meta({ id: 'SubmittedSweep' });

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
    (request) => {
      const document = showSweep(ctx, {
        sweep_id: request.params.sweep_id,
        metric: request.query.by === undefined ? undefined : parseMetricName(request.query.by),
        top: request.query.top,
      }).document;
      // its progress is cells_done / cells_total; `job` is the job that runs it over the API (null: never started there)
      return { ...document, job: sweepJob(ctx, { sweep_id: document.sweep_id }) };
    },
  );

  app.post(
    '/sweeps',
    {
      config: { role: 'analyst', rateClass: 'heavy' },
      bodyLimit: ANALYSIS_BODY_LIMIT,
      schema: {
        summary: 'Start a sweep: recorded at once (a bad spec, recipe or range is a 400), then run on the server as a job (202)',
        description:
          'The body is a sweep spec as `luckyfive sweep SPEC.json` takes it (version 1; base a preset or an inline recipe, never a recipe_file), with an optional `metric` and `holdout_top`. Follow it with `GET /sweeps/{sweep_id}`; `POST /sweeps/{sweep_id}/cancel` stops it (resumable), `POST /sweeps/{sweep_id}/resume` runs it again from where it stopped.',
        tags: ['sweeps'],
        body: SweepBodySchema,
        response: { 202: SubmittedSweepSchema, ...COMMON_ERRORS, ...errorResponses(404, 413, 501, 503) },
      },
    },
    async (request, reply) => {
      const jobs = requireJobs(ctx);
      const { metric, holdout_top, ...spec } = request.body;
      try {
        const submitted = await submitSweep({ catalog: ctx.catalog, clock: readClock(new Date(ctx.now())), jobs }, { spec, metric, holdout_top });
        request.log.info({ job_id: submitted.job.job_id, sweep_id: submitted.sweep.sweep_id, by: request.principal?.id }, 'sweep queued');
        return reply.code(202).send(submitted);
      } catch (e) {
        if (e instanceof LuckyError && e.code === 'E_BUSY') reply.header('retry-after', SUBMIT_RETRY_AFTER_S);
        throw e;
      }
    },
  );

  app.post(
    '/sweeps/:sweep_id/cancel',
    {
      config: { role: 'analyst', rateClass: 'write' },
      schema: {
        summary: "Stop a sweep's job: its running cells stop at a contest boundary, the sweep ends stopped and stays resumable",
        tags: ['sweeps'],
        params: SweepIdParams,
        response: { 200: AnalysisJobSchema, ...COMMON_ERRORS, ...errorResponses(404, 409, 501) },
      },
    },
    (request) => {
      const job = cancelSweep({ catalog: ctx.catalog, clock: readClock(new Date(ctx.now())), jobs: requireJobs(ctx) }, { sweep_id: request.params.sweep_id });
      request.log.info({ job_id: job.job_id, sweep_id: request.params.sweep_id, by: request.principal?.id }, 'sweep cancel requested');
      return job;
    },
  );

  app.post(
    '/sweeps/:sweep_id/resume',
    {
      config: { role: 'analyst', rateClass: 'heavy' },
      schema: {
        summary: 'Resume a stopped or interrupted sweep as a job (202): finished cells are kept; 409 when it is running or complete',
        tags: ['sweeps'],
        params: SweepIdParams,
        response: { 202: AnalysisJobSchema, ...COMMON_ERRORS, ...errorResponses(404, 409, 501, 503) },
      },
    },
    async (request, reply) => {
      try {
        const job = await resumeSweep(
          { catalog: ctx.catalog, clock: readClock(new Date(ctx.now())), jobs: requireJobs(ctx) },
          { sweep_id: request.params.sweep_id },
        );
        request.log.info({ job_id: job.job_id, sweep_id: request.params.sweep_id, by: request.principal?.id }, 'sweep resume queued');
        return reply.code(202).send(job);
      } catch (e) {
        if (e instanceof LuckyError && e.code === 'E_BUSY') reply.header('retry-after', SUBMIT_RETRY_AFTER_S);
        throw e;
      }
    },
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
