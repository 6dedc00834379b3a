/**
 * The optimize study spec: a sweep spec's base recipe, parameters and constraints, plus a train
 * range the search sees, a holdout range it never sees (run only on the few best trials at the
 * end), the search method and its budget, the metric to optimise and a seed.
 */
import { z } from 'zod';
import { LuckyError, formatIssues } from '../../errors.js';
import { METRIC_NAMES } from '../metrics.js';
import { MAX_NAME, textSchema } from '../text.js';
import {
  ConstraintSchema,
  ContestSpanSchema,
  DescriptionSchema,
  RunRangeSchema,
  SweepBaseSchema,
  SweepParameterSchema,
  explainParameter,
  refineParameters,
} from '../sweep/spec.js';

export const OPTIMIZE_METHODS = ['random', 'evolutionary'] as const;
export type OptimizeMethod = (typeof OPTIMIZE_METHODS)[number];

/** Defaults of the optional fields (also what the parser fills in). */
const DEFAULTS = {
  method: 'random',
  trials: 50,
  population: 20,
  generations: 10,
  mutation_rate: 0.2,
  elite: 2,
  tournament: 3,
  metric: 'mean_hits',
  holdout_top: 3,
} as const;

export const OptimizeSpecSchema = z
  .strictObject({
    version: z.literal('1'),
    name: textSchema(MAX_NAME),
    description: DescriptionSchema.optional(),
    base: SweepBaseSchema,
    parameters: z.array(SweepParameterSchema).min(1),
    constraints: z.array(ConstraintSchema).optional(),
    /** the contests the search runs its trials on */
    train: RunRangeSchema,
    /** the contests only the final few trials see, once */
    holdout: ContestSpanSchema,
    method: z.enum(OPTIMIZE_METHODS).default(DEFAULTS.method),
    /** random search: how many trials */
    trials: z.int().min(1).max(10_000).default(DEFAULTS.trials),
    /** evolutionary search: genomes per generation */
    population: z.int().min(2).max(500).default(DEFAULTS.population),
    generations: z.int().min(1).max(200).default(DEFAULTS.generations),
    /** per-gene probability of a mutation */
    mutation_rate: z.number().min(0).max(1).default(DEFAULTS.mutation_rate),
    /** the best genomes carried over unchanged into the next generation */
    elite: z.int().min(0).default(DEFAULTS.elite),
    /** genomes drawn per tournament when selecting a parent */
    tournament: z.int().min(2).max(10).default(DEFAULTS.tournament),
    metric: z.enum(METRIC_NAMES).default(DEFAULTS.metric),
    /** how many of the best trials are run on the holdout */
    holdout_top: z.int().min(1).max(10).default(DEFAULTS.holdout_top),
    seed: z.int().min(0).max(0xffffffff).optional(),
  })
  .superRefine((spec, ctx) => {
    refineParameters(spec, ctx);
    if (spec.elite >= spec.population) {
      ctx.addIssue({ code: 'custom', path: ['elite'], message: `elite must be below the population (${spec.population})` });
    }
    if ('to' in spec.train && spec.holdout.from <= spec.train.to) {
      ctx.addIssue({
        code: 'custom',
        path: ['holdout', 'from'],
        message: 'the holdout must come after the train range: contests before it would be history of the train runs',
      });
    }
  });
export type OptimizeSpec = z.infer<typeof OptimizeSpecSchema>;

/** Turns unknown JSON into an OptimizeSpec with defaults filled in, or throws E_INPUT_INVALID with `path: problem` details. */
export function parseOptimizeSpec(input: unknown): OptimizeSpec {
  const r = OptimizeSpecSchema.safeParse(input);
  if (!r.success) throw new LuckyError('E_INPUT_INVALID', 'invalid optimize spec', formatIssues(r.error.issues.flatMap((i) => explainParameter(i, input))));
  return r.data;
}

/** The number of trials the study will run at most: trials (random) or population x generations (evolutionary). */
export function plannedTrials(spec: Pick<OptimizeSpec, 'method' | 'trials' | 'population' | 'generations'>): number {
  return spec.method === 'evolutionary' ? spec.population * spec.generations : spec.trials;
}
