/**
 * The sweep specification: a base recipe, the parameters to vary and how, optional constraints
 * on combinations, the contest range and an optional holdout range. Parameter names are recipe
 * knobs (`alpha`, `history`, `params.alpha`); this module only carries names and values, the
 * caller maps them onto recipe fields. The old system's SweepConfig JSON is accepted and converted.
 * Expanding a spec into cells is `./grid.ts`; the `--param` shorthand is `./param-flag.ts`.
 */
import { MAX_NAME, hasUnsafeText, textSchema } from '../text.js';
import { z } from 'zod';
import { LuckyError, formatIssues } from '../../errors.js';
import { MAX_PARAMETER_VALUES } from './values.js';

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** A recipe knob: letters, digits and `_`, dot-separated paths allowed (`alpha`, `params.alpha`). */
export const ParamNameSchema = z.string().regex(NAME_RE, 'a parameter name is letters, digits and _, optionally dotted (alpha, params.alpha)');

export const ParamValueSchema = z.union([z.number(), z.string(), z.boolean()]);

export const RangeParameterSchema = z.strictObject({
  name: ParamNameSchema,
  range: z
    .strictObject({ min: z.number(), max: z.number(), step: z.number().positive({ error: 'step must be > 0' }) })
    .refine((r) => r.min <= r.max, { message: 'min must not exceed max' }),
});

export const ListParameterSchema = z.strictObject({
  name: ParamNameSchema,
  list: z.array(ParamValueSchema).min(1).max(MAX_PARAMETER_VALUES),
});

export const ExponentialParameterSchema = z.strictObject({
  name: ParamNameSchema,
  exponential: z
    .strictObject({ base: z.number().positive({ error: 'base must be > 0' }), start: z.int(), end: z.int() })
    .refine((e) => e.start <= e.end, { message: 'start must not exceed end' }),
});

/** One swept parameter: an exact decimal range, an explicit list, or base^start..base^end. */
export const SweepParameterSchema = z.union([RangeParameterSchema, ListParameterSchema, ExponentialParameterSchema], {
  error: 'a parameter is {name, range: {min, max, step}}, {name, list: [...]} or {name, exponential: {base, start, end}}',
});
export type SweepParameter = z.infer<typeof SweepParameterSchema>;

/**
 * A filter on combinations, seeing the cell's values: `sum` keeps |Σ - value| < 1e-9, `ratio`
 * (exactly two parameters) keeps |a/b - value| < 1e-9 with b != 0, `min` keeps every parameter
 * >= value, `max` every parameter <= value.
 */
export const ConstraintSchema = z.strictObject({
  type: z.enum(['sum', 'ratio', 'min', 'max']),
  parameters: z.array(ParamNameSchema).min(1),
  value: z.number(),
});
export type Constraint = z.infer<typeof ConstraintSchema>;

const ContestSchema = z.int().positive();
/** A contest span {from, to}, from <= to. */
export const ContestSpanSchema = z
  .strictObject({ from: ContestSchema, to: ContestSchema })
  .refine((r) => r.from <= r.to, { message: 'from must not exceed to' });

/** A run's contest range: {from, to} or the last n contests. */
export const RunRangeSchema = z.union([ContestSpanSchema, z.strictObject({ last: ContestSchema })]);

/** Free text describing a spec. */
export const DescriptionSchema = z
  .string()
  .max(500)
  .refine((v) => !hasUnsafeText(v), 'must not hold control characters or lone surrogates');

export const SweepBaseSchema = z.union(
  [
    z.strictObject({ preset: z.string().min(1) }),
    z.strictObject({ recipe_file: z.string().min(1) }),
    /** inline recipe, validated later by the recipe parser */
    z.strictObject({ recipe: z.record(z.string(), z.unknown()) }),
  ],
  { error: 'base is one of {preset: name}, {recipe_file: path} or {recipe: {...}}' },
);
export type SweepBase = z.infer<typeof SweepBaseSchema>;

export const SweepSpecSchema = z
  .strictObject({
    version: z.literal('1'),
    name: textSchema(MAX_NAME),
    description: DescriptionSchema.optional(),
    base: SweepBaseSchema,
    parameters: z.array(SweepParameterSchema).min(1),
    constraints: z.array(ConstraintSchema).optional(),
    range: RunRangeSchema.optional(),
    holdout: ContestSpanSchema.optional(),
    seed: z.int().min(0).max(0xffffffff).optional(),
  })
  .superRefine(refineParameters);
export type SweepSpec = z.infer<typeof SweepSpecSchema>;

/**
 * The checks a spec's parameters and constraints need beyond their shapes (shared with the
 * optimize spec): no name twice, a ratio takes two parameters, constraints name swept parameters.
 */
export function refineParameters(spec: { parameters: readonly SweepParameter[]; constraints?: readonly Constraint[] | undefined }, ctx: z.RefinementCtx): void {
  // Names and values only; mapping names onto recipe fields is the caller's job.
  const seen = new Set<string>();
  spec.parameters.forEach((p, i) => {
    if (seen.has(p.name)) ctx.addIssue({ code: 'custom', path: ['parameters', i, 'name'], message: `duplicate parameter "${p.name}"` });
    seen.add(p.name);
  });
  (spec.constraints ?? []).forEach((c, i) => {
    if (c.type === 'ratio' && c.parameters.length !== 2) {
      ctx.addIssue({ code: 'custom', path: ['constraints', i, 'parameters'], message: 'a ratio constraint takes exactly two parameters' });
    }
    c.parameters.forEach((name, j) => {
      if (!seen.has(name)) ctx.addIssue({ code: 'custom', path: ['constraints', i, 'parameters', j], message: `"${name}" is not a swept parameter` });
    });
  });
}

/** The old system's SweepConfig (reference-system.md §6). */
export const LegacySweepConfigSchema = z.object({
  name: z.string().min(1),
  description: z.string().optional(),
  base_recipe: z.object({ version: z.string().min(1), name: z.string().min(1), parameters: z.record(z.string(), z.unknown()) }),
  parameters: z
    .array(
      z.discriminatedUnion('type', [
        z.object({ name: z.string().min(1), type: z.literal('range'), values: z.object({ min: z.number(), max: z.number(), step: z.number() }) }),
        z.object({ name: z.string().min(1), type: z.literal('discrete'), values: z.object({ values: z.array(z.number()).min(1) }) }),
        z.object({ name: z.string().min(1), type: z.literal('exponential'), values: z.object({ base: z.number(), start: z.number(), end: z.number() }) }),
      ]),
    )
    .min(1),
  constraints: z.array(z.object({ type: z.enum(['sum', 'ratio', 'min', 'max']), parameters: z.array(z.string()).min(1), value: z.number() })).nullish(),
});
export type LegacySweepConfig = z.infer<typeof LegacySweepConfigSchema>;

/**
 * Converts an old SweepConfig: the base recipe becomes an inline recipe (the recipe parser deals
 * with its old shape), `range`/`discrete`/`exponential` become range/list/exponential. One
 * difference on purpose: the old sum and ratio constraints allowed |error| < 0.001 because ranges
 * drifted; values are exact now, so the tolerance is 1e-9.
 */
export function convertLegacySweep(old: LegacySweepConfig): unknown {
  return {
    version: '1',
    name: old.name,
    ...(old.description ? { description: old.description } : {}),
    base: { recipe: old.base_recipe },
    parameters: old.parameters.map((p) => {
      if (p.type === 'range') return { name: p.name, range: p.values };
      if (p.type === 'discrete') return { name: p.name, list: p.values.values };
      return { name: p.name, exponential: p.values };
    }),
    ...(old.constraints?.length ? { constraints: old.constraints } : {}),
  };
}

function isLegacy(input: unknown): boolean {
  if (typeof input !== 'object' || input === null) return false;
  const o = input as Record<string, unknown>;
  if ('base_recipe' in o) return true;
  return Array.isArray(o.parameters) && o.parameters.some((p) => typeof p === 'object' && p !== null && 'type' in p && 'values' in p);
}

/** Turns unknown JSON into a SweepSpec (either format), or throws E_INPUT_INVALID with `path: problem` details. */
export function parseSweepSpec(input: unknown): SweepSpec {
  let candidate = input;
  if (isLegacy(input)) {
    const old = LegacySweepConfigSchema.safeParse(input);
    if (!old.success) throw new LuckyError('E_INPUT_INVALID', 'invalid sweep config (old SweepConfig format)', formatIssues(old.error.issues));
    candidate = convertLegacySweep(old.data);
  }
  const r = SweepSpecSchema.safeParse(candidate);
  if (!r.success) throw new LuckyError('E_INPUT_INVALID', 'invalid sweep spec', formatIssues(r.error.issues.flatMap((i) => explainParameter(i, candidate))));
  return r.data;
}

type Issue = { path: PropertyKey[]; message: string; code?: string };

/**
 * A parameter that fits no shape gets zod's generic union message; when its keys say which shape
 * was meant (range, list or exponential), report that shape's own problems instead.
 */
export function explainParameter(issue: Issue, input: unknown): Issue[] {
  const [root, index] = issue.path;
  if (issue.code !== 'invalid_union' || root !== 'parameters' || issue.path.length !== 2 || typeof index !== 'number') return [issue];
  const param: unknown = (input as { parameters: unknown[] }).parameters[index];
  if (typeof param !== 'object' || param === null) return [issue];
  const schema = 'range' in param ? RangeParameterSchema : 'list' in param ? ListParameterSchema : 'exponential' in param ? ExponentialParameterSchema : null;
  const r = schema?.safeParse(param);
  if (!r || r.success) return [issue];
  return r.error.issues.map((i) => ({ path: [root, index, ...i.path], message: i.message }));
}
