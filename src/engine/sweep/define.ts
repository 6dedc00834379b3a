/**
 * What to sweep, from a spec file and/or flags: the base recipe (preset, file or inline), the
 * swept parameters (`--param` adds one or replaces the spec's of the same name), constraints,
 * range, holdout and seed. Flags win over the spec. The result is self-contained: its spec form
 * carries the base recipe inline, so the stored spec reproduces the sweep on its own.
 */
import { type RangeNames, type RangeRequest, parseRunRange } from '../../core/contest-range.js';
import { LEGACY_PARAMETER_MAP, detectRecipeFormat } from '../../core/recipe/legacy.js';
import { type Recipe, parseRecipe } from '../../core/recipe/schema.js';
import { parseParamFlag } from '../../core/sweep/param-flag.js';
import { type Constraint, type SweepParameter, type SweepSpec, parseSweepSpec } from '../../core/sweep/spec.js';
import { LuckyError } from '../../errors.js';
import { resolveRequestRecipe } from '../run-request.js';

const SPEC_RANGE: RangeNames = { from: 'range.from', to: 'range.to', last: 'range.last' };
const SPEC_HOLDOUT: RangeNames = { from: 'holdout.from', to: 'holdout.to', last: 'holdout.last' };

export interface SweepInput {
  /** the parsed JSON of a spec file (either format) */
  spec?: unknown;
  /** the spec file's folder: a `recipe_file` in the spec is relative to it */
  specDir?: string | undefined;
  /** the caller's working directory: a relative `recipeFile` is read from here (default: the process's) */
  cwd?: string | undefined;
  recipeFile?: string | undefined;
  preset?: string | undefined;
  /** `--param` values */
  params?: readonly string[] | undefined;
  range?: RangeRequest | undefined;
  holdout?: { from: number; to: number } | undefined;
  seed?: number | undefined;
  name?: string | undefined;
}

export interface SweepDefinition {
  name: string;
  description: string | undefined;
  /** normalized base recipe, seed override applied */
  base: Recipe;
  parameters: SweepParameter[];
  constraints: Constraint[];
  range: RangeRequest;
  holdout: { from: number; to: number } | undefined;
  /** what was dropped or assumed reading an old SweepConfig */
  notes: string[];
}

/**
 * The old system's sweeps carried base keys it documented but never implemented (`sim_count`,
 * `scorer_type`...), and its own conversion dropped them. They are dropped here too, with a note:
 * keeping them would make every cell fail on a knob that never did anything.
 */
function legacyBase(recipe: Record<string, unknown>, notes: string[]): Record<string, unknown> {
  const params = recipe.parameters;
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return recipe;
  const kept: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) {
    if (k in LEGACY_PARAMETER_MAP) kept[k] = v;
    else notes.push(`base_recipe.parameters.${k}: not a knob of any strategy (the old system ignored it too); dropped`);
  }
  return { ...recipe, parameters: kept };
}

function readBase(spec: SweepSpec | undefined, input: SweepInput, notes: string[]): Recipe {
  // The flags and the spec's base name their recipe as a run request does: one resolver for both.
  if (input.recipeFile || input.preset)
    return resolveRequestRecipe(undefined, { recipe_file: input.recipeFile, preset: input.preset }, { cwd: input.cwd }).recipe;
  if (!spec) throw new LuckyError('E_USAGE', 'give a sweep spec file, or a base recipe (--recipe FILE or --preset NAME) and --param flags');
  const base = spec.base;
  if ('preset' in base) return resolveRequestRecipe(undefined, { preset: base.preset }).recipe;
  if ('recipe_file' in base) return resolveRequestRecipe(undefined, { recipe_file: base.recipe_file }, { cwd: input.specDir }).recipe;
  const raw = detectRecipeFormat(base.recipe) === 'v2' ? base.recipe : legacyBase(base.recipe, notes);
  try {
    return parseRecipe(raw);
  } catch (e) {
    if (e instanceof LuckyError)
      throw new LuckyError(
        e.code,
        `the sweep's base recipe: ${e.message}`,
        e.details.map((d) => `base.recipe: ${d}`),
      );
    throw e;
  }
}

/** Merges spec and flags into a definition; E_USAGE / E_INPUT_INVALID / E_RECIPE_INVALID on bad input. */
export function defineSweep(input: SweepInput): SweepDefinition {
  const spec = input.spec === undefined ? undefined : parseSweepSpec(input.spec);
  const notes: string[] = [];
  const base0 = readBase(spec, input, notes);
  const seed = input.seed ?? spec?.seed;
  const base = seed === undefined ? base0 : { ...base0, seed };
  const parameters: SweepParameter[] = [...(spec?.parameters ?? [])];
  for (const flag of input.params ?? []) {
    const p = parseParamFlag(flag);
    const at = parameters.findIndex((q) => q.name === p.name);
    if (at >= 0) parameters[at] = p;
    else parameters.push(p);
  }
  if (parameters.length === 0) throw new LuckyError('E_USAGE', 'nothing to sweep: give at least one --param NAME=VALUES (or a spec with parameters)');
  const range = input.range ?? (spec?.range ? parseRunRange(spec.range, SPEC_RANGE) : undefined);
  if (!range) throw new LuckyError('E_RANGE_INVALID', 'give a contest range: --from A --to B, or --last N (or "range" in the spec)');
  const holdout = input.holdout ?? (spec?.holdout ? (parseRunRange(spec.holdout, SPEC_HOLDOUT) as { from: number; to: number }) : undefined);
  return {
    name: input.name ?? spec?.name ?? `${base.name} sweep`,
    description: spec?.description,
    base,
    parameters,
    constraints: spec?.constraints ?? [],
    range,
    holdout: holdout ? { from: holdout.from, to: holdout.to } : undefined,
    notes,
  };
}

/** The definition as a version-1 spec with the base inline: what the catalog stores. */
export function specOf(d: SweepDefinition, resolved: { from: number; to: number }): SweepSpec {
  return {
    version: '1',
    name: d.name,
    ...(d.description ? { description: d.description } : {}),
    base: { recipe: d.base as unknown as Record<string, unknown> },
    parameters: d.parameters,
    ...(d.constraints.length ? { constraints: d.constraints } : {}),
    range: resolved,
    ...(d.holdout ? { holdout: d.holdout } : {}),
    seed: d.base.seed,
  };
}
