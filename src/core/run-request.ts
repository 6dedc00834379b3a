/**
 * The one shape of a run request, for every front-end and for the stored job: a recipe (a preset,
 * a file, an inline object or a saved name), a range (`from`+`to` or `last`), a seed, a name and a
 * thread count ({@link RunRequestSchema}); and the same request once resolved, self-describing so a
 * job can be shipped to and run on another machine ({@link ResolvedRunRequestSchema}).
 */
import { z } from 'zod';
import { LuckyError, isLuckyError } from '../errors.js';
import { MAX_RANGE } from './contest-range.js';
import { type ParsedRecipe, type Recipe, canonicalRecipeJson, parseRecipe, parseRecipeDetailed, recipeHash } from './recipe/schema.js';
import { MAX_NAME, textSchema } from './text.js';

/** Highest contest number a request may name. */
export const MAX_CONTEST = 9_999_999;
/** Highest seed (a 32-bit unsigned integer). */
export const MAX_SEED = 4294967295;
/** Most worker threads a run may ask for. */
export const MAX_THREADS = 256;

/** A preset's name (`recipes/<name>.json`). */
export const PRESET_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;
/** A saved recipe's name (the catalog's `saved_recipes.name`): letters, digits, dot, dash and underscore, starting with a letter or digit, at most 64. */
export const SAVED_RECIPE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * A run request as a front-end received it. At most one recipe source: `preset`, `recipe` (an
 * inline object), `recipe_name` (saved in the catalog) or `recipe_file` (a path, command line
 * only: the HTTP body omits it). `from`+`to` or `last`: the range rule is `core/contest-range.ts`'s.
 */
export const RunRequestSchema = z.strictObject({
  preset: z.string().regex(PRESET_NAME, 'must be a preset name (see GET /api/v1/presets)').optional(),
  recipe: z.record(z.string(), z.unknown()).optional(),
  recipe_name: z.string().regex(SAVED_RECIPE_NAME, 'must be a saved recipe name (see GET /api/v1/recipes)').optional(),
  recipe_file: z.string().min(1).optional(),
  from: z.int().min(1).max(MAX_CONTEST).optional().meta({ description: 'first contest (with `to`)' }),
  to: z.int().min(1).max(MAX_CONTEST).optional().meta({ description: 'last contest (with `from`)' }),
  last: z
    .int()
    .min(0)
    .max(MAX_CONTEST)
    .optional()
    .meta({ description: `the last N imported contests (instead of from/to), at most ${MAX_RANGE}` }),
  seed: z.int().min(0).max(MAX_SEED).optional().meta({ description: "overrides the recipe's seed" }),
  name: textSchema(MAX_NAME).optional(),
  threads: z
    .int()
    .min(1)
    .max(MAX_THREADS)
    .optional()
    .meta({ description: "worker threads of the server's pool to use (default all; results do not depend on it)" }),
});

export type RunRequest = z.infer<typeof RunRequestSchema>;

/** The recipe sources of a request, in the order their conflicts are reported. */
export const RECIPE_SOURCES = ['recipe_file', 'preset', 'recipe', 'recipe_name'] as const;
export type RecipeSource = (typeof RECIPE_SOURCES)[number];

/** Version of {@link ResolvedRunRequestSchema}; bumped when its meaning changes. */
export const RUN_REQUEST_VERSION = 1;

/**
 * A request once resolved against a catalog: the recipe inline in its canonical form (with the
 * seed override applied) and its hash, the range as contests, and the hash of the draws it was
 * planned on. It needs nothing else to run: it is what a job stores (`jobs.request_json`).
 * `preset` and `recipe_name` only say where the recipe came from.
 */
export const ResolvedRunRequestSchema = z.strictObject({
  version: z.literal(RUN_REQUEST_VERSION),
  preset: z.string().nullable(),
  recipe_name: z.string().nullable(),
  recipe: z.record(z.string(), z.unknown()),
  recipe_hash: z.string().regex(/^[0-9a-f]{64}$/),
  from: z.int().min(1).max(MAX_CONTEST),
  to: z.int().min(1).max(MAX_CONTEST),
  seed: z.int().min(0).max(MAX_SEED),
  name: z.string().nullable(),
  threads: z.int().min(1).max(MAX_THREADS).nullable(),
  /** the draws it was validated against (`engine/plan.ts` hashDraws); null for a job stored before version 1 */
  dataset_hash: z.string().nullable(),
});

/** What jobs stored before the request had a version held: no version, seed or hashes. */
const UnversionedRequestSchema = z.object({
  preset: z.string().nullable().optional(),
  recipe_name: z.string().nullable().optional(),
  recipe: z.unknown(),
  from: z.int(),
  to: z.int(),
  name: z.string().nullable().optional(),
  threads: z.int().nullable().optional(),
});

/** A resolved request with its recipe parsed. */
export interface ResolvedRunRequest {
  version: typeof RUN_REQUEST_VERSION;
  preset: string | null;
  recipe_name: string | null;
  recipe: Recipe;
  recipe_hash: string;
  recipe_json: string;
  from: number;
  to: number;
  name: string | null;
  threads: number | null;
  dataset_hash: string | null;
}

/** Assembles a resolved request (computes the recipe's canonical JSON and hash once). */
export function buildResolvedRequest(r: Omit<ResolvedRunRequest, 'version' | 'recipe_hash' | 'recipe_json'>): ResolvedRunRequest {
  return { version: RUN_REQUEST_VERSION, ...r, recipe_json: canonicalRecipeJson(r.recipe), recipe_hash: recipeHash(r.recipe) };
}

/** The JSON stored in `jobs.request_json`: {@link ResolvedRunRequestSchema}, recipe in canonical key order. */
export function resolvedRequestJson(r: ResolvedRunRequest): string {
  const doc: z.input<typeof ResolvedRunRequestSchema> = {
    version: r.version,
    preset: r.preset,
    recipe_name: r.recipe_name,
    recipe: JSON.parse(r.recipe_json) as Record<string, unknown>,
    recipe_hash: r.recipe_hash,
    from: r.from,
    to: r.to,
    seed: r.recipe.seed,
    name: r.name,
    threads: r.threads,
    dataset_hash: r.dataset_hash,
  };
  return JSON.stringify(doc);
}

function stored(message: string, details: string[] = [], cause?: unknown): LuckyError {
  return new LuckyError('E_DATA_INVALID', `a stored simulation request ${message}`, details, cause === undefined ? undefined : { cause });
}

/**
 * Reads a stored request back (the same schema it was written with); the recipe goes through the
 * recipe parser again and must still have the stored hash. Requests stored before versions
 * existed are read too. E_DATA_INVALID for anything else.
 */
export function parseResolvedRequest(json: string): ResolvedRunRequest {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    throw stored('is not valid JSON', [(e as Error).message], e);
  }
  const versioned = typeof raw === 'object' && raw !== null && 'version' in raw;
  if (!versioned) {
    const old = UnversionedRequestSchema.safeParse(raw);
    if (!old.success)
      throw stored(
        'has no contest range',
        old.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
      );
    return buildResolvedRequest({
      preset: old.data.preset ?? null,
      recipe_name: old.data.recipe_name ?? null,
      recipe: parseRecipe(old.data.recipe),
      from: old.data.from,
      to: old.data.to,
      name: old.data.name ?? null,
      threads: old.data.threads ?? null,
      dataset_hash: null,
    });
  }
  const parsed = ResolvedRunRequestSchema.safeParse(raw);
  if (!parsed.success)
    throw stored(
      'is malformed',
      parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
    );
  const d = parsed.data;
  const recipe = parseRecipe(d.recipe);
  if (recipe.seed !== d.seed) throw stored(`says seed ${d.seed} but its recipe holds ${recipe.seed}`);
  const r = buildResolvedRequest({
    preset: d.preset,
    recipe_name: d.recipe_name,
    recipe,
    from: d.from,
    to: d.to,
    name: d.name,
    threads: d.threads,
    dataset_hash: d.dataset_hash,
  });
  if (r.recipe_hash !== d.recipe_hash) throw stored('has a recipe that does not match its recipe_hash');
  return r;
}

/** `tickets: must be...` -> `body.recipe.tickets: must be...` (and `(root): ...` -> `body.recipe: ...`). */
function prefixRecipeDetail(prefix: string, detail: string): string {
  return detail.startsWith('(root)') ? `${prefix}${detail.slice('(root)'.length)}` : `${prefix}.${detail}`;
}

/** Parses a recipe given inline (a body's `recipe`); its problems are E_RECIPE_INVALID with details under `field` (`body.recipe.tickets: ...`). */
export function parseInlineRecipe(value: unknown, field: string): ParsedRecipe {
  try {
    return parseRecipeDetailed(value);
  } catch (e) {
    if (isLuckyError(e))
      throw new LuckyError(
        e.code,
        e.message,
        e.details.map((d) => prefixRecipeDetail(field, d)),
      );
    throw e;
  }
}
