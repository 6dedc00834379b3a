/**
 * What a study searches, from a spec file and/or flags: flags win over the spec (`--param`
 * adds a parameter or replaces the spec's of the same name), the whole is validated as one
 * optimize spec, and the base recipe is resolved the way a sweep resolves it. The result's spec
 * carries the base recipe inline and the seed, so the stored spec reproduces the study on its own.
 */
import type { RangeRequest } from '../../core/contest-range.js';
import type { MetricName } from '../../core/metrics.js';
import { type OptimizeMethod, type OptimizeSpec, parseOptimizeSpec } from '../../core/optimize/spec.js';
import type { Recipe } from '../../core/recipe/schema.js';
import { parseParamFlag } from '../../core/sweep/param-flag.js';
import { MAX_NAME } from '../../core/text.js';
import { LuckyError } from '../../errors.js';
import { defineSweep } from '../sweep/define.js';

export interface StudyInput {
  /** the parsed JSON of a spec file */
  spec?: unknown;
  /** the spec file's folder: a `recipe_file` in the spec is relative to it */
  specDir?: string | undefined;
  /** the caller's working directory: a relative `recipeFile` is read from here */
  cwd?: string | undefined;
  recipeFile?: string | undefined;
  preset?: string | undefined;
  params?: readonly string[] | undefined;
  train?: RangeRequest | undefined;
  holdout?: { from: number; to: number } | undefined;
  method?: OptimizeMethod | undefined;
  trials?: number | undefined;
  population?: number | undefined;
  generations?: number | undefined;
  mutation_rate?: number | undefined;
  metric?: MetricName | undefined;
  holdout_top?: number | undefined;
  seed?: number | undefined;
  name?: string | undefined;
}

export interface StudyDefinition {
  /** the whole spec, defaults filled in, base inline with the seed applied */
  spec: OptimizeSpec;
  base: Recipe;
  /** what was dropped or assumed reading the base recipe */
  notes: string[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Merges spec and flags; E_USAGE, E_INPUT_INVALID, E_RECIPE_INVALID or E_RANGE_INVALID on bad input. */
export function defineStudy(input: StudyInput): StudyDefinition {
  if (input.spec !== undefined && !isRecord(input.spec)) throw new LuckyError('E_INPUT_INVALID', 'invalid optimize spec', ['(root): expected an object']);
  const raw: Record<string, unknown> = isRecord(input.spec) ? { ...input.spec } : { version: '1' };
  if (raw.base === undefined) {
    if (input.recipeFile !== undefined) raw.base = { recipe_file: input.recipeFile };
    else if (input.preset !== undefined) raw.base = { preset: input.preset };
    else throw new LuckyError('E_USAGE', 'give an optimize spec file, or a base recipe (--recipe FILE or --preset NAME) and --param flags');
  }
  const parameters: unknown[] = Array.isArray(raw.parameters) ? [...(raw.parameters as unknown[])] : [];
  for (const flag of input.params ?? []) {
    const p = parseParamFlag(flag);
    const at = parameters.findIndex((q) => isRecord(q) && q.name === p.name);
    if (at >= 0) parameters[at] = p;
    else parameters.push(p);
  }
  if (parameters.length === 0) throw new LuckyError('E_USAGE', 'nothing to search: give at least one --param NAME=VALUES (or a spec with parameters)');
  raw.parameters = parameters;
  const flags: Record<string, unknown> = {
    name: input.name,
    train: input.train,
    holdout: input.holdout,
    method: input.method,
    trials: input.trials,
    population: input.population,
    generations: input.generations,
    mutation_rate: input.mutation_rate,
    metric: input.metric,
    holdout_top: input.holdout_top,
    seed: input.seed,
  };
  for (const [k, v] of Object.entries(flags)) if (v !== undefined) raw[k] = v;
  raw.name ??= 'study';
  if (raw.train === undefined) throw new LuckyError('E_RANGE_INVALID', 'give a train range: --train A..B or --train last:N (or "train" in the spec)');
  if (raw.holdout === undefined) {
    throw new LuckyError('E_RANGE_INVALID', 'give a holdout range: --holdout C..D (or "holdout" in the spec), contests after the train range', [
      'holdout: a study always keeps contests its search never sees, to tell luck from skill',
    ]);
  }
  const parsed = parseOptimizeSpec(raw);
  // the base recipe, resolved as a sweep's: flags first, then the spec's (a recipe_file relative to the spec)
  const def = defineSweep({
    spec: {
      version: '1',
      name: parsed.name,
      base: parsed.base,
      parameters: parsed.parameters,
      ...(parsed.constraints ? { constraints: parsed.constraints } : {}),
    },
    specDir: input.specDir,
    cwd: input.cwd,
    recipeFile: input.recipeFile,
    preset: input.preset,
    range: parsed.train,
    seed: parsed.seed,
  });
  const named = input.name !== undefined || (isRecord(input.spec) && input.spec.name !== undefined);
  const spec: OptimizeSpec = {
    ...parsed,
    name: named ? parsed.name : `${def.base.name} study`.slice(0, MAX_NAME),
    base: { recipe: def.base as unknown as Record<string, unknown> },
    seed: def.base.seed,
  };
  return { spec, base: def.base, notes: def.notes };
}
