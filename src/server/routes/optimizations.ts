/**
 * Studies (`luckyfive optimize`) over HTTP: `POST /optimizations` records a study at once (a bad
 * spec is a 400 before anything runs) and runs it as a job of the server's job runner (202);
 * `GET /optimizations` lists them (cursor pages), `GET /optimizations/{id}` is the study document of
 * `optimize show --json` (progress, best so far, trials, looks, the verdict) with its job;
 * `POST /optimizations/{id}/cancel` stops it (resumable) and `.../resume` queues it again.
 */
import { z } from 'zod';
import { readClock } from '../../clock.js';
import { SWEEP_STATUSES } from '../../core/sweep/status.js';
import { LuckyError } from '../../errors.js';
import { cancelStudy, resumeStudy, studyJob, submitStudy } from '../../usecases/analysis-jobs.js';
import { listStudies, showStudy } from '../../usecases/optimize.js';
import { ANALYSIS_BODY_LIMIT, AnalysisJobSchema, OptimizeBodySchema, StudyIdParams, SUBMIT_RETRY_AFTER_S, requireJobRunner } from '../analysis-schemas.js';
import type { ResourcePlugin, ServerContext } from '../context.js';
import { COMMON_ERRORS, errorResponses } from '../error-envelope.js';
import { CursorParam, DEFAULT_PAGE, LimitParam, decodeCursor, encodeCursor, pageSchema } from '../schemas.js';

/** The study document's full shape is the engine's (`optimize show --json`). */
const Document = z.record(z.string(), z.unknown());

const StudyListItemSchema = z
  .object({
    study_id: z.string(),
    name: z.string(),
    method: z.enum(['random', 'evolutionary']).nullable(),
    status: z.enum(SWEEP_STATUSES),
    complete: z.boolean(),
    metric: z.string(),
    trials_planned: z.int().nullable(),
    trials_done: z.int(),
    trials_failed: z.int(),
    train: z.object({ from: z.int(), to: z.int() }),
    holdout: z.object({ from: z.int(), to: z.int() }).nullable(),
    created_at: z.string(),
    finished_at: z.string().nullable(),
  })
  .meta({ id: 'StudyListItem' });

const SubmittedStudySchema = z
  .object({
    job: AnalysisJobSchema,
    study: z.object({
      study_id: z.string(),
      name: z.string(),
      method: z.enum(['random', 'evolutionary']),
      trials_planned: z.int(),
      notes: z.array(z.string()),
    }),
  })
  .meta({ id: 'SubmittedStudy' });

const requireJobs = (ctx: ServerContext) => requireJobRunner(ctx, 'studies');
const depsOf = (ctx: ServerContext) => ({ catalog: ctx.catalog, clock: readClock(new Date(ctx.now())), jobs: requireJobs(ctx) });

const optimizationsRoutes: ResourcePlugin = (app, { ctx }, done) => {
  app.post(
    '/optimizations',
    {
      config: { role: 'analyst', rateClass: 'heavy' },
      bodyLimit: ANALYSIS_BODY_LIMIT,
      schema: {
        summary: 'Start a study: recorded at once (a bad spec, recipe or range is a 400), then searched on the server as a job (202)',
        description:
          'The body is an optimize spec as `luckyfive optimize SPEC.json` takes it (version 1; base a preset or an inline recipe, never a recipe_file; train and holdout ranges; method and its budget). The search sees only the train range; the best trials are run once on the holdout. Follow it with `GET /optimizations/{study_id}`.',
        tags: ['optimizations'],
        body: OptimizeBodySchema,
        response: { 202: SubmittedStudySchema, ...COMMON_ERRORS, ...errorResponses(404, 413, 501, 503) },
      },
    },
    async (request, reply) => {
      try {
        const submitted = await submitStudy(depsOf(ctx), { spec: request.body });
        request.log.info({ job_id: submitted.job.job_id, study_id: submitted.study.study_id, by: request.principal?.id }, 'study queued');
        return reply.code(202).send(submitted);
      } catch (e) {
        if (e instanceof LuckyError && e.code === 'E_BUSY') reply.header('retry-after', SUBMIT_RETRY_AFTER_S);
        throw e;
      }
    },
  );

  app.get(
    '/optimizations',
    {
      config: { role: 'viewer', rateClass: 'read' },
      schema: {
        summary: 'Studies, newest first, with method, status and progress',
        tags: ['optimizations'],
        querystring: z.strictObject({ status: z.enum(SWEEP_STATUSES).optional(), limit: LimitParam, cursor: CursorParam }),
        response: { 200: pageSchema(StudyListItemSchema), ...COMMON_ERRORS },
      },
    },
    (request) => {
      const limit = request.query.limit ?? DEFAULT_PAGE;
      // the cursor is the number of studies already shown (studies are few: a list reads them all up to the page)
      const skip = request.query.cursor === undefined ? 0 : decodeCursor('studies', request.query.cursor);
      const rows = listStudies(ctx, { status: request.query.status, limit: skip + limit + 1 });
      const items = rows.slice(skip, skip + limit);
      return { items, next_cursor: rows.length > skip + limit ? encodeCursor('studies', skip + limit) : null };
    },
  );

  app.get(
    '/optimizations/:study_id',
    {
      config: { role: 'viewer', rateClass: 'read' },
      schema: {
        summary: 'A study: its verdict (counting every trial and every look at the holdout), progress, best so far, trials, generations, looks and its job',
        tags: ['optimizations'],
        params: StudyIdParams,
        response: { 200: Document, ...COMMON_ERRORS, ...errorResponses(404) },
      },
    },
    (request) => {
      const document = showStudy(ctx, { study_id: request.params.study_id });
      return { ...document, job: studyJob(ctx, { study_id: document.study_id }) };
    },
  );

  app.post(
    '/optimizations/:study_id/cancel',
    {
      config: { role: 'analyst', rateClass: 'write' },
      schema: {
        summary: "Stop a study's job: its running trials stop at a contest boundary, the study ends stopped and stays resumable",
        tags: ['optimizations'],
        params: StudyIdParams,
        response: { 200: AnalysisJobSchema, ...COMMON_ERRORS, ...errorResponses(404, 409, 501) },
      },
    },
    (request) => {
      const job = cancelStudy(depsOf(ctx), { study_id: request.params.study_id });
      request.log.info({ job_id: job.job_id, study_id: request.params.study_id, by: request.principal?.id }, 'study cancel requested');
      return job;
    },
  );

  app.post(
    '/optimizations/:study_id/resume',
    {
      config: { role: 'analyst', rateClass: 'heavy' },
      schema: {
        summary: 'Resume a stopped or interrupted study as a job (202): the same trials in the same order; 409 when it is running or complete',
        tags: ['optimizations'],
        params: StudyIdParams,
        response: { 202: AnalysisJobSchema, ...COMMON_ERRORS, ...errorResponses(404, 409, 501, 503) },
      },
    },
    async (request, reply) => {
      try {
        const job = await resumeStudy(depsOf(ctx), { study_id: request.params.study_id });
        request.log.info({ job_id: job.job_id, study_id: request.params.study_id, by: request.principal?.id }, 'study resume queued');
        return reply.code(202).send(job);
      } catch (e) {
        if (e instanceof LuckyError && e.code === 'E_BUSY') reply.header('retry-after', SUBMIT_RETRY_AFTER_S);
        throw e;
      }
    },
  );
  done();
};

export default optimizationsRoutes;
