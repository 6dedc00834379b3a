/**
 * Simulations: `POST /simulations` validates everything first (recipe, range, threads), then
 * queues a job; a small one is waited for and answered inside the request (200, the run report),
 * the rest answer with the job (202). `GET /simulations`, `GET /simulations/{job_id}` and
 * `POST /simulations/{job_id}/cancel` follow the jobs. The use cases are `usecases/simulations.ts`.
 */
import { z } from 'zod';
import { readClock } from '../../clock.js';
import { RUN_STATUSES } from '../../core/run-columns.js';
import { LuckyError } from '../../errors.js';
import {
  JOB_ID_PATTERN,
  JOB_PLACEMENTS,
  JOB_STATUSES,
  SYNC_MAX_ADVANCED_TICKETS,
  SYNC_MAX_CONTESTS,
  SYNC_MAX_COST,
  SYNC_MAX_TICKETS,
  SYNC_TIME_LIMIT_MS,
  cancelSimulation,
  getSimulation,
  listSimulations,
  submitSimulation,
} from '../../usecases/simulations.js';
import type { ResourcePlugin, ServerContext } from '../context.js';
import { COMMON_ERRORS, errorResponses } from '../error-envelope.js';
import { RecipeObjectSchema, RunReportSchema, publicReport } from '../run-schemas.js';
import { CursorParam, DEFAULT_PAGE, LimitParam, decodeCursor, encodeCursor, pageSchema } from '../schemas.js';
import { SimulationBodySchema } from '../simulation-request.js';

export const JobSchema = z
  .object({
    job_id: z.string(),
    kind: z.literal('simulate'),
    status: z.enum(JOB_STATUSES),
    run_id: z.string().nullable().meta({ description: 'assigned when the job starts' }),
    run_status: z.enum(RUN_STATUSES).nullable(),
    contests_done: z.int().nullable(),
    contests_planned: z.int().nullable(),
    placement: z.enum(JOB_PLACEMENTS).meta({
      description:
        "where the job runs: `server` (this server's pool) or `queue` (a `luckyfive worker` through `queue_url`); contests_done counts the worker's progress until its run comes back",
    }),
    worker: z.string().nullable().meta({ description: 'on the queue: the name of the worker that holds (or last held) the job; null while it waits for one' }),
    error: z.string().nullable(),
    error_code: z.string().nullable().meta({ description: "a failed job's error code (E_QUEUE_DOWN: the run queue's Redis did not answer)" }),
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

const JobParams = z.strictObject({ job_id: z.string().regex(JOB_ID_PATTERN, 'must be a job id (job-...)') });

/** Retry-After (seconds) of a submit refused because another process holds the catalog's write lock. */
const SUBMIT_RETRY_AFTER_S = 2;

function requirePool(ctx: ServerContext) {
  if (!ctx.pool || !ctx.jobs) throw new LuckyError('E_NOT_CONFIGURED', 'this server runs no simulations (it was started without a worker pool)');
  return { pool: ctx.pool, jobs: ctx.jobs };
}

const simulationsRoutes: ResourcePlugin = (app, { ctx }, done) => {
  // Simulations answered inside a request: a graceful stop asks them to stop at a contest boundary.
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
      // A small simulation is answered inside the request: its job is waited for, and cancelled
      // (stopping at a contest boundary, the run resumable) when the client goes away, after
      // SYNC_TIME_LIMIT_MS, or when the server shuts down.
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
      try {
        const done = await submitSimulation({ catalog: ctx.catalog, jobs, poolThreads: pool.threads, signal: controller.signal }, request.body);
        if (done.kind === 'job') {
          request.log.info({ job_id: done.job.job_id, by: request.principal?.id }, 'simulation queued');
          return reply.code(202).send(done.job);
        }
        if (done.kind === 'stopped') {
          const run = done.run;
          request.log.info({ job_id: done.job_id, run_id: run?.run_id, reason: why, by: request.principal?.id }, 'simulation in the request stopped');
          const because =
            why === undefined
              ? 'it was cancelled'
              : { client: 'the client went away', time: `it ran past ${SYNC_TIME_LIMIT_MS / 1000} s inside the request`, shutdown: 'the server is stopping' }[
                  why
                ];
          throw new LuckyError(
            'E_INTERRUPTED',
            `simulation stopped at a contest boundary: ${because}`,
            run ? [`run ${run.run_id}: ${run.status}, resumable with luckyfive simulate --resume ${run.run_id}`] : [],
          );
        }
        request.log.info({ run_id: done.report.run_id, by: request.principal?.id }, 'simulation answered in the request');
        return reply.code(200).send(publicReport(done.report, ctx.catalog.dataDir));
      } catch (e) {
        // The catalog is locked by another process: nothing was queued; say when to try again.
        if (e instanceof LuckyError && e.code === 'E_BUSY') reply.header('retry-after', SUBMIT_RETRY_AFTER_S);
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
      const page = listSimulations(ctx, { status: request.query.status, before, limit });
      return { items: page.items, next_cursor: page.more && page.last_seq !== undefined ? encodeCursor('jobs', page.last_seq) : null };
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
      return getSimulation(ctx, { job_id: request.params.job_id });
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
      const job = cancelSimulation({ catalog: ctx.catalog, jobs: ctx.jobs, clock: readClock(new Date(ctx.now())) }, { job_id: id });
      request.log.info({ job_id: id, by: request.principal?.id }, 'simulation cancel requested');
      return job;
    },
  );
  done();
};

export default simulationsRoutes;
