/**
 * Schemas of sweeps and studies started over the HTTP API: the bodies of `POST /sweeps` and
 * `POST /optimizations` (a sweep spec as `luckyfive sweep SPEC.json` takes it, bounded for a
 * hostile client: at most 20 parameters and constraints, list values within the sweep's own
 * limits, an inline recipe of bounded depth and size, no `recipe_file`, which would read the
 * server's disk), the job document that follows one, and what their routes share.
 */
import { z } from 'zod';
import { METRIC_NAMES } from '../core/metrics.js';
import { OPTIMIZE_METHODS } from '../core/optimize/spec.js';
import { ConstraintSchema, ExponentialParameterSchema, RangeParameterSchema, ParamNameSchema, ParamValueSchema } from '../core/sweep/spec.js';
import { MAX_PARAMETER_VALUES } from '../core/sweep/values.js';
import { MAX_NAME, textSchema } from '../core/text.js';
import { LuckyError } from '../errors.js';
import type { JobRunner } from '../engine/job-runner.js';
import { JOB_STATUSES } from '../usecases/simulations.js';
import type { ServerContext } from './context.js';

/** Swept parameters and constraints a request may carry. */
export const MAX_BODY_PARAMETERS = 20;
/** How deep an inline recipe may nest (a recipe is at most three levels deep). */
const MAX_RECIPE_DEPTH = 6;
/** The JSON size of an inline recipe. */
const MAX_RECIPE_CHARS = 20_000;
/** The request size of `POST /sweeps` and `POST /optimizations` (bytes). */
export const ANALYSIS_BODY_LIMIT = 256 * 1024;

function depthOf(v: unknown, depth = 0): number {
  if (depth > MAX_RECIPE_DEPTH) return depth;
  if (typeof v !== 'object' || v === null) return depth;
  let max = depth + 1;
  for (const child of Object.values(v)) max = Math.max(max, depthOf(child, depth + 1));
  return max;
}

const InlineRecipeSchema = z
  .record(z.string().max(64), z.unknown())
  .refine((r) => depthOf(r) <= MAX_RECIPE_DEPTH, `a recipe nests at most ${MAX_RECIPE_DEPTH} levels`)
  .refine((r) => JSON.stringify(r).length <= MAX_RECIPE_CHARS, `a recipe is at most ${MAX_RECIPE_CHARS} characters of JSON`)
  .meta({ description: 'an inline recipe (version 2, or the old format); see recipes/recipe.schema.json' });

/** The base recipe: a preset or an inline recipe; a `recipe_file` is refused (it would read the server's disk). */
const BodyBaseSchema = z.union([z.strictObject({ preset: z.string().min(1).max(64) }), z.strictObject({ recipe: InlineRecipeSchema })], {
  error: 'base is {preset: name} or {recipe: {...}} (a recipe_file is not read over the API)',
});

const BodyListParameterSchema = z.strictObject({ name: ParamNameSchema.max(100), list: z.array(ParamValueSchema).min(1).max(MAX_PARAMETER_VALUES) });
const BodyParameterSchema = z.union([RangeParameterSchema, BodyListParameterSchema, ExponentialParameterSchema], {
  error: 'a parameter is {name, range: {min, max, step}}, {name, list: [...]} or {name, exponential: {base, start, end}}',
});

const Contest = z.int().positive().max(100_000_000);
const Span = z.strictObject({ from: Contest, to: Contest });

/** What a sweep spec holds (version 1), bounded; the spec's own rules (duplicates, constraint names) are checked by its parser. */
const SpecFields = {
  version: z.literal('1'),
  name: textSchema(MAX_NAME),
  description: z.string().max(500).optional(),
  base: BodyBaseSchema,
  parameters: z.array(BodyParameterSchema).min(1).max(MAX_BODY_PARAMETERS),
  constraints: z
    .array(ConstraintSchema.extend({ parameters: z.array(ParamNameSchema.max(100)).min(1).max(MAX_BODY_PARAMETERS) }))
    .max(MAX_BODY_PARAMETERS)
    .optional(),
  seed: z.int().min(0).max(0xffffffff).optional(),
};

export const SweepBodySchema = z
  .strictObject({
    ...SpecFields,
    range: z.union([Span, z.strictObject({ last: Contest })]),
    holdout: Span.optional(),
    metric: z.enum(METRIC_NAMES).optional().meta({ description: 'the metric that ranks the cells and picks the holdout cells (default mean_hits)' }),
    holdout_top: z.int().min(1).max(20).optional().meta({ description: 'how many of the best cells run once on the holdout (default 3)' }),
  })
  .meta({
    id: 'SweepRequest',
    description: 'A sweep spec as `luckyfive sweep SPEC.json` takes it (base: a preset or an inline recipe), plus metric and holdout_top.',
  });
export type SweepBody = z.infer<typeof SweepBodySchema>;

export const OptimizeBodySchema = z
  .strictObject({
    ...SpecFields,
    train: z.union([Span, z.strictObject({ last: Contest })]).meta({ description: 'the contests the search runs its trials on' }),
    holdout: Span.meta({ description: 'the contests only the best few trials see, once, after the search' }),
    method: z.enum(OPTIMIZE_METHODS).optional().meta({ description: 'random (default) or evolutionary' }),
    trials: z.int().min(1).max(10_000).optional().meta({ description: 'random search: how many trials (default 50)' }),
    population: z.int().min(2).max(500).optional().meta({ description: 'evolutionary: genomes per generation (default 20)' }),
    generations: z.int().min(1).max(200).optional().meta({ description: 'evolutionary: generations (default 10)' }),
    mutation_rate: z.number().min(0).max(1).optional(),
    elite: z.int().min(0).max(499).optional(),
    tournament: z.int().min(2).max(10).optional(),
    metric: z.enum(METRIC_NAMES).optional().meta({ description: 'the metric the search optimises (default mean_hits)' }),
    holdout_top: z.int().min(1).max(10).optional().meta({ description: 'how many of the best trials run once on the holdout (default 3)' }),
  })
  .meta({
    id: 'OptimizeRequest',
    description: 'An optimize spec as `luckyfive optimize SPEC.json` takes it (base: a preset or an inline recipe); omitted options take their defaults.',
  });

/** A sweep's or a study's job: follow it with `GET /sweeps/{sweep_id}` or `GET /optimizations/{study_id}`. */
export const AnalysisJobSchema = z
  .object({
    job_id: z.string(),
    kind: z.enum(['sweep', 'optimize']),
    status: z.enum(JOB_STATUSES),
    error: z.string().nullable(),
    error_code: z.string().nullable(),
    cancel_requested: z.boolean(),
    attempts: z.int(),
    created_at: z.string(),
    started_at: z.string().nullable(),
    finished_at: z.string().nullable(),
  })
  .meta({ id: 'AnalysisJob', description: 'The job that runs (or resumes) a sweep or a study on the server' });

const ID = /^[a-z0-9][a-z0-9-]{5,63}$/;
export const SweepIdParams = z.strictObject({ sweep_id: z.string().regex(ID, 'must be a sweep id') });
export const StudyIdParams = z.strictObject({ study_id: z.string().regex(ID, 'must be a study id') });

/** Retry-After (seconds) of a submit refused because another process holds the catalog's write lock. */
export const SUBMIT_RETRY_AFTER_S = 2;

/** The server's job runner; E_NOT_CONFIGURED (501) on a server started without a worker pool. */
export function requireJobRunner(ctx: ServerContext, what: string): JobRunner {
  if (!ctx.jobs) throw new LuckyError('E_NOT_CONFIGURED', `this server runs no ${what} (it was started without a worker pool)`);
  return ctx.jobs;
}
