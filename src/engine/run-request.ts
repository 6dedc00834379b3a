/**
 * Resolving a run request (`core/run-request.ts`) against a catalog, once for every front-end:
 * the recipe from its source (preset, file, inline object, saved name or the default saved
 * recipe) with the seed override, then the range rule and the plan. Every refusal comes before
 * anything is created. The refusals name the fields as the caller spells them (`--recipe`,
 * `body.recipe`) through a {@link RequestDialect}.
 */
import { isAbsolute, resolve } from 'node:path';
import { type RangeNames, FLAG_NAMES, fieldNames, parseRunRange } from '../core/contest-range.js';
import { loadPreset, presetNames, readRecipeFile } from './recipe-files.js';
import { type Recipe, parseRecipe } from '../core/recipe/schema.js';
import { type RecipeSource, type ResolvedRunRequest, type RunRequest, RECIPE_SOURCES, buildResolvedRequest, parseInlineRecipe } from '../core/run-request.js';
import { LuckyError, isLuckyError } from '../errors.js';
import type { Catalog } from '../store/catalog.js';
import { readDefaultRecipe, readSavedRecipe } from '../store/saved-recipes-repo.js';
import { type RunPlan, planRun } from './plan.js';

/** How a front-end names a request's fields and refuses a request's shape. */
export interface RequestDialect {
  /** each recipe source as the caller spells it */
  sources: Record<RecipeSource, string>;
  range: RangeNames;
  /** `body` (refusals are E_INPUT_INVALID with `path: problem` details) or `flags` (E_USAGE, library errors as they are) */
  kind: 'body' | 'flags';
}

/** The command line: `--recipe FILE`, `--preset NAME`, `--from`... */
export const FLAGS_DIALECT: RequestDialect = {
  sources: { preset: '--preset', recipe: '--recipe-json', recipe_name: '--recipe-name', recipe_file: '--recipe' },
  range: FLAG_NAMES,
  kind: 'flags',
};

/** An HTTP body: `body.preset`, `body.recipe`... */
export const BODY_DIALECT: RequestDialect = {
  sources: { preset: 'body.preset', recipe: 'body.recipe', recipe_name: 'body.recipe_name', recipe_file: 'body.recipe_file' },
  range: fieldNames('body'),
  kind: 'body',
};

export interface ResolveOptions {
  dialect?: RequestDialect | undefined;
  /** a relative `recipe_file` is read from here (the caller's working directory); default: the process's */
  cwd?: string | undefined;
  /** with no recipe source, use the catalog's default saved recipe (HTTP) instead of refusing */
  useDefaultRecipe?: boolean | undefined;
  /** refuse `threads` above this (the server's pool) */
  maxThreads?: number | undefined;
}

/** Where a recipe came from, for the stored request. */
export interface RecipeOrigin {
  recipe: Recipe;
  preset: string | null;
  recipe_name: string | null;
}

function invalid(...details: string[]): LuckyError {
  return new LuckyError('E_INPUT_INVALID', 'invalid request', details);
}

/**
 * The recipe a request names, seed override applied. At most one source; none is refused unless
 * `useDefaultRecipe` (then the catalog's default saved recipe). A relative `recipe_file` is read
 * from `cwd`. Unknown presets: E_NOT_FOUND on the command line, E_INPUT_INVALID in a body.
 */
export function resolveRequestRecipe(
  catalog: Pick<Catalog, 'db'> | undefined,
  req: Pick<RunRequest, RecipeSource | 'seed'>,
  opts: ResolveOptions = {},
): RecipeOrigin {
  const d = opts.dialect ?? FLAGS_DIALECT;
  const given = RECIPE_SOURCES.filter((k) => req[k] !== undefined);
  if (given.length > 1) {
    const names = given.map((k) => (d.kind === 'body' ? k : d.sources[k]));
    if (d.kind === 'flags') throw new LuckyError('E_USAGE', `give ${names.join(' or ')}, not both`);
    throw invalid(...given.slice(1).map((k) => `${d.sources[k]}: give one of preset, recipe or recipe_name, not ${names.join(' and ')}`));
  }
  let origin: RecipeOrigin;
  if (req.preset !== undefined) {
    if (d.kind === 'body' && !presetNames().includes(req.preset))
      throw invalid(`${d.sources.preset}: unknown preset "${req.preset}"; presets: ${presetNames().join(', ')}`);
    origin = { preset: req.preset, recipe_name: null, recipe: loadPreset(req.preset) };
  } else if (req.recipe !== undefined) {
    origin = { preset: null, recipe_name: null, recipe: parseInlineRecipe(req.recipe, d.sources.recipe).recipe };
  } else if (req.recipe_file !== undefined) {
    const file = isAbsolute(req.recipe_file) ? req.recipe_file : resolve(opts.cwd ?? process.cwd(), req.recipe_file);
    origin = { preset: null, recipe_name: null, recipe: readRecipeFile(file) };
  } else if (req.recipe_name !== undefined || opts.useDefaultRecipe) {
    if (!catalog) throw new LuckyError('E_USAGE', 'a saved recipe needs the catalog');
    const saved = req.recipe_name !== undefined ? readSavedRecipe(catalog.db, req.recipe_name) : readDefaultRecipe(catalog.db);
    if (!saved) {
      if (req.recipe_name !== undefined) throw invalid(`${d.sources.recipe_name}: no saved recipe named "${req.recipe_name}"`);
      throw invalid('body: give a recipe: preset, recipe (an object) or recipe_name (no default recipe is set)');
    }
    origin = { preset: null, recipe_name: saved.name, recipe: parseRecipe(JSON.parse(saved.recipe_json)) };
  } else if (d.kind === 'flags') {
    throw new LuckyError('E_USAGE', `give a recipe: ${d.sources.recipe_file} FILE or ${d.sources.preset} NAME (see \`luckyfive recipes list\`)`);
  } else {
    throw invalid('body: give a recipe: preset, recipe (an object) or recipe_name');
  }
  return req.seed === undefined ? origin : { ...origin, recipe: { ...origin.recipe, seed: req.seed } };
}

/** A request resolved: what to run, and the plan it was checked with (pass it on; do not plan again). */
export interface ResolvedRun {
  request: ResolvedRunRequest;
  plan: RunPlan;
}

/**
 * Resolves a run request: the recipe ({@link resolveRequestRecipe}), the range rule, `threads`
 * against `maxThreads`, and the plan against the catalog (E_RANGE_INVALID, E_DATA_MISSING before
 * anything is created). In a body, a planner refusal points at the field that asked for the range.
 */
export function resolveRunRequest(deps: { catalog: Catalog }, req: RunRequest, opts: ResolveOptions = {}): ResolvedRun {
  const d = opts.dialect ?? FLAGS_DIALECT;
  const range = parseRunRange(req, d.range)!;
  if (req.threads !== undefined && opts.maxThreads !== undefined && req.threads > opts.maxThreads) {
    throw invalid(`${d.kind === 'body' ? 'body.threads' : '--threads'}: at most ${opts.maxThreads} (the server's worker pool)`);
  }
  const origin = resolveRequestRecipe(deps.catalog, req, opts);
  let plan: RunPlan;
  try {
    plan = planRun(deps.catalog.db, range, origin.recipe.history);
  } catch (e) {
    // The planner speaks of the range; in a body, point at the field that asked for it.
    if (d.kind === 'body' && isLuckyError(e) && e.details.length === 0) {
      throw new LuckyError(e.code, e.message, [`${req.last !== undefined ? d.range.last : d.range.from}: ${e.message}`]);
    }
    throw e;
  }
  const request = buildResolvedRequest({
    preset: origin.preset,
    recipe_name: origin.recipe_name,
    recipe: origin.recipe,
    from: plan.first_contest,
    to: plan.last_contest,
    name: req.name ?? null,
    threads: req.threads ?? null,
    dataset_hash: plan.dataset_hash,
  });
  return { request, plan };
}
