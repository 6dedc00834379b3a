/**
 * From a grid cell to a recipe: each swept name is a path into the recipe, the base recipe is
 * overridden there, and the result goes through the recipe parser like any file would, so a value
 * the strategy rejects is an E_RECIPE_INVALID naming the cell and the path.
 *
 * Names: `history`, `tickets`, `numbers_per_ticket`, `seed` and `strategy` set the top-level
 * field; `params.x` and any other bare name `x` set `params.x`, dots going into nested objects
 * (`smart_filters.enabled`); the old system's names are aliases (`sim_prev_max` is `history`,
 * `sim_preds` is `tickets`, `delta` is `params.cluster_penalty`, `mutationRate` is
 * `params.mutation_rate`, ...). A cell that changes the strategy starts from empty params (the
 * base's knobs belong to another strategy), keeping only the swept ones.
 */
import { createHash } from 'node:crypto';
import { LuckyError } from '../../errors.js';
import { LEGACY_PARAMETER_MAP } from '../recipe/legacy.js';
import { type Recipe, canonicalRecipeJson, parseRecipe } from '../recipe/schema.js';
import type { ParamValue } from './values.js';

/** Names that set a top-level recipe field. */
export const TOP_LEVEL_PARAMS = ['history', 'tickets', 'numbers_per_ticket', 'seed', 'strategy'] as const;

/** Where a swept name lands in the recipe: `alpha` -> params.alpha, `history` -> history. */
export function recipePath(name: string): string[] {
  if ((TOP_LEVEL_PARAMS as readonly string[]).includes(name)) return [name];
  const legacy = LEGACY_PARAMETER_MAP[name];
  if (legacy) return [...legacy];
  const parts = name.split('.');
  return parts[0] === 'params' ? parts : ['params', ...parts];
}

/** `alpha=0.2 history=100`: a cell's parameters for people (names in grid order). */
export function cellLabel(params: Readonly<Record<string, ParamValue>>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: ParamValue): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    const child: Record<string, unknown> = isRecord(next) ? { ...next } : {};
    node[key] = child;
    node = child;
  }
  node[path.at(-1)!] = value;
}

/**
 * The recipe of one cell: `base` (normalized) with `params` applied, parsed. Throws
 * E_RECIPE_INVALID "cell 3 (alpha=0.1 tickets=0): ..." with the parser's `path: problem` lines.
 */
export function buildCellRecipe(base: Recipe, params: Readonly<Record<string, ParamValue>>, cellIndex: number): Recipe {
  const draft = JSON.parse(canonicalRecipeJson(base)) as Record<string, unknown>;
  const strategy = params.strategy;
  if (strategy !== undefined && strategy !== base.strategy) draft.params = {};
  for (const [name, value] of Object.entries(params)) setPath(draft, recipePath(name), value);
  try {
    return parseRecipe(draft);
  } catch (e) {
    if (e instanceof LuckyError) {
      throw new LuckyError(
        'E_RECIPE_INVALID',
        `cell ${cellIndex} (${cellLabel(params)}): invalid recipe`,
        e.details.map((d) => `cell ${cellIndex}: ${d}`),
      );
    }
    throw e;
  }
}

/**
 * The identity of a cell's work: sha256 over the canonical recipe (which holds the seed), the
 * dataset hash and the contest range. Two cells with the same key would produce the same run.
 */
export function cellKey(recipe: Recipe, datasetHash: string, range: { first_contest: number; last_contest: number }): string {
  return createHash('sha256')
    .update(`${canonicalRecipeJson(recipe)}\n${datasetHash}\n${recipe.seed}\n${range.first_contest}-${range.last_contest}`)
    .digest('hex');
}
