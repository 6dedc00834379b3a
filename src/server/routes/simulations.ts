/**
 * Simulations: `POST /simulations` validates everything first (recipe, range, threads), then
 * answers small ones inside the request (200, the run report) and queues the rest as jobs (202,
 * the job); `GET /simulations`, `GET /simulations/{job_id}` and `POST /simulations/{job_id}/cancel`
 * follow the jobs. Jobs run on the server's one worker pool (see `engine/job-runner.ts`).
 */
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { sharePool } from '../../engine/pool.js';
import { parseSimulationSpec, runSimulationSpec } from '../../engine/simulation-spec.js';
import { LuckyError } from '../../errors.js';
import { recipeHash } from '../../core/recipe/schema.js';
import { JOB_ID_PATTERN, JOB_STATUSES, type JobView, cancelJob, listJobs, readJob } from '../../store/jobs-repo.js';
import { RUN_STATUSES } from '../../store/runs-repo.js';
import type { ResourcePlugin, ServerContext } from '../context.js';
import { COMMON_ERRORS, errorResponses } from '../error-envelope.js';
import { RecipeObjectSchema, RunReportSchema, publicReport } from '../run-schemas.js';
import { CursorParam, DEFAULT_PAGE, LimitParam, decodeCursor, encodeCursor, pageSchema } from '../schemas.js';
import {
  SYNC_MAX_ADVANCED_TICKETS,
  SYNC_MAX_CONTESTS,
  SYNC_MAX_COST,
  SYNC_MAX_TICKETS,
  SYNC_TIME_LIMIT_MS,
  SimulationBodySchema,
  resolveSimulation,
} from '../simulation-request.js';

export const JobSchema = z
  .object({
    job_id: z.string(),
    kind: z.literal('simulate'),
    status: z.enum(JOB_STATUSES),
    run_id: z.string().nullable().meta({ description: 'assigned when the job starts' }),
    run_status: z.enum(RUN_STATUSES).nullable(),
    contests_done: z.int().nullable(),
    contests_planned: z.int().nullable(),
    error: z.string().nullable(),
    cancel_requested: z.boolean(),
    attempts: z.int(),
    created_at: z.string(),
    started_at: z.string().nullable(),
    finished_at: z.string().nullable(),
    request: z.object({
      preset: z.string().nullable(),
      recipe_name: z.string().nullable(),
      recipe_hash: z.string(),
      recipe: RecipeObjectSchema,
      from: z.int(),
      to: z.int(),
      name: z.string().nullable(),
      threads: z.int().nullable(),
    }),
  })
  .meta({ id: 'Job', description: 'A queued simulation; follow it until status is completed, failed or cancelled, then read its run.' });

type JobJson = z.infer<typeof JobSchema>;

function jobJson(j: JobView): JobJson {
  const spec = parseSimulationSpec(j.request_json);
  return {
    job_id: j.job_id,
    kind: j.kind,
    status: j.status,
    run_id: j.run_id,
    run_status: (j.run_status as JobJson['run_status']) ?? null,
    contests_done: j.contests_done,
    contests_planned: j.contests_planned,
    error: j.error,
    cancel_requested: j.cancel_requested === 1,
    attempts: j.attempts,
    created_at: j.created_at,
    started_at: j.started_at,
    finished_at: j.finished_at,
    request: {
      preset: spec.preset,
      recipe_name: spec.recipe_name,
      recipe_hash: recipeHash(spec.recipe),
      recipe: spec.recipe,
      from: spec.from,
      to: spec.to,
      name: spec.name,
      threads: spec.threads,
    },
  };
}

const JobParams = z.strictObject({ job_id: z.string().regex(JOB_ID_PATTERN, 'must be a job id (job-...)') });

/** Retry-After (seconds) of a submit refused because another process holds the catalog's write lock. */
const SUBMIT_RETRY_AFTER_S = 2;

function requirePool(ctx: ServerContext) {
  if (!ctx.pool || !ctx.jobs) throw new LuckyError('E_NOT_CONFIGURED', 'this server runs no simulations (it was started without a worker pool)');
  return { pool: ctx.pool, jobs: ctx.jobs };
}

const simulationsRoutes: ResourcePlugin = (app, { ctx }, done) => {
  const db = ctx.catalog.db;
  // Simulations running inside a request: a graceful stop asks them to stop at a contest boundary.
  const inRequest = new Set<() => void>();
  app.addHook('preClose', (hookDone) => {
    for (const stop of inRequest) stop();
    hookDone();
  });

  app.post(
    '/simulations',
    {
      config: { role: 'analyst', rateClass: 'heavy' },
      schema: {
        summary: `Run a backtest: up to ${SYNC_MAX_CONTESTS} contests and ${SYNC_MAX_TICKETS} tickets (${SYNC_MAX_ADVANCED_TICKETS} with the advanced strategy) of estimated cost at most ${SYNC_MAX_COST.toLocaleString('en')} answer at once (200, the report; stopped with 503 after ${SYNC_TIME_LIMIT_MS / 1000} s or when the client goes away); the rest are queued (202, a job)`,
        tags: ['simulations'],
        body: SimulationBodySchema,
        response: { 200: RunReportSchema, 202: JobSchema, ...COMMON_ERRORS, ...errorResponses(404, 409, 413, 422, 501, 503) },
      },
    },
    async (request, reply) => {
      const { pool, jobs } = requirePool(ctx);
      const { spec, sync } = resolveSimulation(db, request.body, pool.threads);
      if (!sync) {
        let job: JobView;
        try {
          job = await jobs.submit(spec);
        } catch (e) {
          // The catalog is locked by another process: nothing was queued; say when to try again.
          if (e instanceof LuckyError && e.code === 'E_BUSY') reply.header('retry-after', SUBMIT_RETRY_AFTER_S);
          throw e;
        }
        request.log.info({ job_id: job.job_id, by: request.principal?.id }, 'simulation queued');
        return reply.code(202).send(jobJson(job));
      }
      // The run stops at a contest boundary when the client goes away, after SYNC_TIME_LIMIT_MS,
      // or when the server shuts down (the run executor's cancel; the run stays resumable).
      const controller = new AbortController();
      let why: 'client' | 'time' | 'shutdown' | undefined;
      const stop = (reason: NonNullable<typeof why>) => {
        why ??= reason;
        controller.abort();
      };
      const onClose = () => {
        if (!reply.raw.writableFinished) stop('client');
      };
      reply.raw.on('close', onClose);
      const timer = setTimeout(() => stop('time'), SYNC_TIME_LIMIT_MS);
      const onShutdown = () => stop('shutdown');
      inRequest.add(onShutdown);
      const env = {
        catalog: ctx.catalog,
        pool: spec.threads === null ? pool : sharePool(pool, spec.threads),
        now: () => new Date(ctx.now()),
        signal: controller.signal,
      };
      const started = performance.now();
      try {
        const outcome = await runSimulationSpec(env, spec);
        ctx.observeSimulation('sync', outcome.report.status, outcome.seconds, outcome.contests);
        if (why !== undefined) {
          const run = outcome.report.run_id;
          request.log.info({ run_id: run, seconds: outcome.seconds, reason: why, by: request.principal?.id }, 'simulation in the request stopped');
          const because = { client: 'the client went away', time: `it ran past ${SYNC_TIME_LIMIT_MS / 1000} s inside the request`, shutdown: 'the server is stopping' }[why];
          throw new LuckyError('E_INTERRUPTED', `simulation stopped at a contest boundary: ${because}`, [
            `run ${run}: ${outcome.report.status}, resumable with luckyfive simulate --resume ${run}`,
          ]);
        }
        request.log.info({ run_id: outcome.report.run_id, seconds: outcome.seconds, by: request.principal?.id }, 'simulation answered in the request');
        return reply.code(200).send(publicReport(outcome.report, ctx.catalog.dataDir));
      } catch (e) {
        if (!(e instanceof LuckyError && e.code === 'E_INTERRUPTED')) ctx.observeSimulation('sync', 'failed', (performance.now() - started) / 1000, 0);
        throw e;
      } finally {
        clearTimeout(timer);
        reply.raw.off('close', onClose);
        inRequest.delete(onShutdown);
      }
    },
  );

  app.get(
    '/simulations',
    {
      config: { role: 'viewer', rateClass: 'read' },
      schema: {
        summary: 'Simulation jobs, newest first',
        tags: ['simulations'],
        querystring: z.strictObject({ status: z.enum(JOB_STATUSES).optional(), limit: LimitParam, cursor: CursorParam }),
        response: { 200: pageSchema(JobSchema), ...COMMON_ERRORS },
      },
    },
    (request) => {
      const limit = request.query.limit ?? DEFAULT_PAGE;
      const before = request.query.cursor === undefined ? undefined : decodeCursor('jobs', request.query.cursor);
      const rows = listJobs(db, { status: request.query.status, before, limit: limit + 1 });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return { items: page.map(jobJson), next_cursor: rows.length > limit && last ? encodeCursor('jobs', last.seq) : null };
    },
  );

  app.get(
    '/simulations/:job_id',
    {
      config: { role: 'viewer', rateClass: 'read' },
      schema: {
        summary: 'One simulation job, with its run and progress once started',
        tags: ['simulations'],
        params: JobParams,
        response: { 200: JobSchema, ...COMMON_ERRORS, ...errorResponses(404) },
      },
    },
    (request) => {
      const job = readJob(db, request.params.job_id);
      if (!job) throw new LuckyError('E_NOT_FOUND', `no job ${request.params.job_id}`);
      return jobJson(job);
    },
  );

  app.post(
    '/simulations/:job_id/cancel',
    {
      config: { role: 'analyst', rateClass: 'write' },
      schema: {
        summary: 'Cancel a job: a pending one at once; a running one stops at a clean contest boundary (its run stays resumable)',
        tags: ['simulations'],
        params: JobParams,
        response: { 200: JobSchema, ...COMMON_ERRORS, ...errorResponses(404, 409) },
      },
    },
    (request) => {
      const id = request.params.job_id;
      const job = ctx.jobs ? ctx.jobs.cancel(id) : cancelJob(db, id, new Date(ctx.now()).toISOString()).job;
      request.log.info({ job_id: id, by: request.principal?.id }, 'simulation cancel requested');
      return jobJson(job);
    },
  );
  done();
};

export default simulationsRoutes;
