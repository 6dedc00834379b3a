/**
 * `POST /api/v1/simulations`: the body (the CLI's names: `preset` | `recipe` | `recipe_name`,
 * `from`+`to` | `last`, `seed`, `name`, `threads`), its validation into a {@link SimulationSpec}
 * (every refusal before anything is created, with `path: problem` details) and the rule that
 * decides whether it runs inside the request or as a job.
 */
import { MAX_NAME, textSchema } from '../core/text.js';
import { z } from 'zod';
import { MAX_RANGE, fieldNames, parseRunRange } from '../core/contest-range.js';
import { loadPreset, presetNames } from '../core/recipe/load.js';
import { candidateCount } from '../core/recipe/params.js';
import { type ParsedRecipe, type Recipe, parseRecipe, parseRecipeDetailed } from '../core/recipe/schema.js';
import { planRun } from '../engine/plan.js';
import type { SimulationSpec } from '../engine/simulation-spec.js';
import { LuckyError, isLuckyError } from '../errors.js';
import { SAVED_RECIPE_NAME, readDefaultRecipe, readSavedRecipe } from '../store/saved-recipes-repo.js';
import type { Db } from '../store/sqlite.js';
import { RecipeObjectSchema } from './run-schemas.js';
import { MAX_CONTEST, bodyInt } from './schemas.js';

/**
 * At most this many contests, and at most {@link SYNC_MAX_TICKETS} tickets in all
 * ({@link SYNC_MAX_ADVANCED_TICKETS} for the advanced strategy, whose search costs some
 * milliseconds per ticket), are simulated inside the request (200 with the report); anything
 * larger becomes a job (202). Measured on 2 busy cores: 500 random tickets take tens of
 * milliseconds, 100 advanced tickets about a second.
 */
export const SYNC_MAX_CONTESTS = 20;
export const SYNC_MAX_TICKETS = 500;
export const SYNC_MAX_ADVANCED_TICKETS = 100;

/**
 * Besides those counts, a simulation answers in the request only when its estimated cost
 * ({@link estimateSimulationCost}) is at most this: about 5 s of one thread, so 1-3 s on the
 * server's pool. A huge `cands_mult` or `hill_iter` makes even one contest a job.
 */
export const SYNC_MAX_COST = 5_000_000;

/** A simulation inside the request is stopped (at a contest boundary) after this long. */
export const SYNC_TIME_LIMIT_MS = 15_000;

/**
 * The estimated cost of simulating `contests` contests with `recipe`, in units of about one
 * microsecond of one thread (measured on the predictor; it over-estimates rather than under):
 * random and frequency tickets about 50 each; the advanced strategy one per candidate and
 * hill-climb step (candidates x (1 + hill_iter), candidates = tickets x cands_mult, x5 with
 * smart filters) plus 7 per genetic child (generations x population_size).
 */
export function estimateSimulationCost(recipe: Recipe, contests: number): number {
  if (recipe.strategy !== 'advanced') return contests * recipe.tickets * 50;
  const p = recipe.params;
  const candidates = candidateCount(recipe.tickets, p);
  const genetic = p.evolutionary ? p.generations * p.population_size * 7 : 0;
  return contests * (candidates * (1 + p.hill_iter) + genetic);
}

export const PRESET_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;

export const SimulationBodySchema = z
  .strictObject({
    preset: z.string().regex(PRESET_NAME, 'must be a preset name (see GET /api/v1/presets)').optional(),
    recipe: RecipeObjectSchema.optional(),
    recipe_name: z.string().regex(SAVED_RECIPE_NAME, 'must be a saved recipe name (see GET /api/v1/recipes)').optional(),
    from: bodyInt(1, MAX_CONTEST).optional().meta({ description: 'first contest (with `to`)' }),
    to: bodyInt(1, MAX_CONTEST).optional().meta({ description: 'last contest (with `from`)' }),
    last: bodyInt(0, MAX_CONTEST).optional().meta({ description: `the last N imported contests (instead of from/to), at most ${MAX_RANGE}` }),
    seed: bodyInt(0, 4294967295).optional().meta({ description: "overrides the recipe's seed" }),
    name: textSchema(MAX_NAME).optional(),
    threads: bodyInt(1, 256).optional().meta({ description: "worker threads of the server's pool to use (default all; results do not depend on it)" }),
  })
  .meta({
    id: 'SimulationRequest',
    description: 'One of preset, recipe or recipe_name (none: the default saved recipe); from+to or last.',
  });

export type SimulationBody = z.infer<typeof SimulationBodySchema>;

/** `tickets: must be...` -> `body.recipe.tickets: must be...` (and `(root): ...` -> `body.recipe: ...`). */
function bodyRecipeDetail(detail: string): string {
  return detail.startsWith('(root)') ? `body.recipe${detail.slice('(root)'.length)}` : `body.recipe.${detail}`;
}

/** Parses a recipe given in a request body; problems are E_RECIPE_INVALID with `body.recipe.` paths. */
export function parseBodyRecipe(value: unknown): ParsedRecipe {
  try {
    return parseRecipeDetailed(value);
  } catch (e) {
    if (isLuckyError(e)) throw new LuckyError(e.code, e.message, e.details.map((d) => bodyRecipeDetail(d)));
    throw e;
  }
}

function invalid(...details: string[]): LuckyError {
  return new LuckyError('E_INPUT_INVALID', 'invalid request', details);
}

/** The recipe the body names, normalized; recipe problems come back with `body.recipe.` paths. */
function resolveRecipe(db: Db, b: SimulationBody): Pick<SimulationSpec, 'preset' | 'recipe_name'> & { recipe: Recipe } {
  const given = (['preset', 'recipe', 'recipe_name'] as const).filter((k) => b[k] !== undefined);
  if (given.length > 1) throw invalid(...given.slice(1).map((k) => `body.${k}: give one of preset, recipe or recipe_name, not ${given.join(' and ')}`));
  if (b.preset !== undefined) {
    if (!presetNames().includes(b.preset)) throw invalid(`body.preset: unknown preset "${b.preset}"; presets: ${presetNames().join(', ')}`);
    return { preset: b.preset, recipe_name: null, recipe: loadPreset(b.preset) };
  }
  if (b.recipe !== undefined) return { preset: null, recipe_name: null, recipe: parseBodyRecipe(b.recipe).recipe };
  const saved = b.recipe_name !== undefined ? readSavedRecipe(db, b.recipe_name) : readDefaultRecipe(db);
  if (!saved) {
    if (b.recipe_name !== undefined) throw invalid(`body.recipe_name: no saved recipe named "${b.recipe_name}"`);
    throw invalid('body: give a recipe: preset, recipe (an object) or recipe_name (no default recipe is set)');
  }
  return { preset: null, recipe_name: saved.name, recipe: parseRecipe(JSON.parse(saved.recipe_json)) };
}

export interface ResolvedSimulation {
  spec: SimulationSpec;
  /** contests that will be simulated (the range minus contests missing from the catalog) */
  contests: number;
  /** estimated cost ({@link estimateSimulationCost}) */
  cost: number;
  /** true when small and cheap enough to answer inside the request */
  sync: boolean;
}

/**
 * Validates a body against the catalog: recipe, range (planned here, so E_RANGE_INVALID,
 * E_DATA_MISSING and friends come before anything is created) and threads (at most the pool's).
 */
export function resolveSimulation(db: Db, body: SimulationBody, poolThreads: number): ResolvedSimulation {
  const range = parseRunRange(body, fieldNames('body'))!;
  if (body.threads !== undefined && body.threads > poolThreads) throw invalid(`body.threads: at most ${poolThreads} (the server's worker pool)`);
  const resolved = resolveRecipe(db, body);
  const recipe = body.seed === undefined ? resolved.recipe : { ...resolved.recipe, seed: body.seed };
  let plan: ReturnType<typeof planRun>;
  try {
    plan = planRun(db, range, recipe.history);
  } catch (e) {
    // The planner speaks of the range; point at the body field that asked for it.
    if (isLuckyError(e) && e.details.length === 0) throw new LuckyError(e.code, e.message, [`body.${body.last !== undefined ? 'last' : 'from'}: ${e.message}`]);
    throw e;
  }
  const contests = plan.targets.length;
  const cost = estimateSimulationCost(recipe, contests);
  return {
    spec: {
      preset: resolved.preset,
      recipe_name: resolved.recipe_name,
      recipe,
      from: plan.first_contest,
      to: plan.last_contest,
      name: body.name ?? null,
      threads: body.threads ?? null,
    },
    contests,
    cost,
    sync:
      contests <= SYNC_MAX_CONTESTS &&
      contests * recipe.tickets <= (recipe.strategy === 'advanced' ? SYNC_MAX_ADVANCED_TICKETS : SYNC_MAX_TICKETS) &&
      cost <= SYNC_MAX_COST,
  };
}
