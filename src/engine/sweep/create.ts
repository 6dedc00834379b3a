/**
 * Recording a sweep: expand the grid, build and validate every cell's recipe, plan the range once
 * per history value (every refusal happens here, before anything is written), key each cell and
 * insert the sweep with all its cells in one transaction.
 */
import { randomBytes } from 'node:crypto';
import type { RangeRequest } from '../../core/contest-range.js';
import { type MetricName } from '../../core/metrics.js';
import { type Recipe, canonicalRecipeJson, recipeHash } from '../../core/recipe/schema.js';
import { buildCellRecipe, cellKey, cellLabel } from '../../core/sweep/apply-params.js';
import { expandGrid } from '../../core/sweep/grid.js';
import type { ParamValue } from '../../core/sweep/values.js';
import { LuckyError } from '../../errors.js';
import type { Catalog } from '../../store/catalog.js';
import { type NewCell, insertSweep } from '../../store/sweeps-repo.js';
import { type RunPlan, planRun } from '../plan.js';
import { type SweepDefinition, specOf } from './define.js';

export interface CreateSweepOptions {
  /** the metric that ranks cells and picks the holdout candidates */
  metric: MetricName;
  /** how many of the best cells are run once on the holdout range */
  holdout_top: number;
  now: () => Date;
}

export interface CreatedSweep {
  sweep_id: string;
  cells_total: number;
  /** cells whose recipe the parser refused: recorded as failed */
  cells_invalid: number;
}

/** A new sweep id: `sw-` and a time-ordered unique suffix, valid as a run id. */
export function newSweepId(now: Date): string {
  const t = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `sw-${t.toLowerCase()}-${randomBytes(3).toString('hex')}`;
}

/** Plans per history value: cells that share a history share one plan (and one dataset hash). */
export function planByHistory(catalog: Catalog, range: { from: number; to: number } | { last: number }, recipes: readonly Recipe[]): Map<number, RunPlan> {
  const plans = new Map<number, RunPlan>();
  for (const r of recipes) if (!plans.has(r.history)) plans.set(r.history, planRun(catalog.db, range, r.history));
  return plans;
}

export interface CellDraft {
  index: number;
  params: Record<string, ParamValue>;
}

export interface BuiltCells {
  cells: NewCell[];
  /** cells whose recipe the parser accepted */
  valid: number;
  /** the range as planned (the same for every history value) */
  range: { first_contest: number; last_contest: number };
  recipes: Recipe[];
}

function failedCell(index: number, params_json: string, error: string): NewCell {
  return { cell_index: index, params_json, recipe_json: null, recipe_hash: null, cell_key: null, run_id: null, status: 'failed', error, holdout_run_id: null };
}

function invalidMessage(error: LuckyError): string {
  return `${error.message}: ${error.details.map((d) => d.replace(/^cell \d+: /, '')).join('; ')}`;
}

/**
 * Turns parameter sets into cell rows: each cell's recipe built and parsed (an invalid one is a
 * failed cell with its error), the range planned once per history value and each valid cell keyed.
 * `seen` (cell key -> index) carries the keys of cells already recorded; a cell with a key seen
 * before throws E_INPUT_INVALID (`twins: 'throw'`, a sweep's duplicate value) or is recorded as a
 * failed cell naming its twin (`twins: 'fail'`, a study's later generation).
 */
export function buildCells(
  catalog: Catalog,
  base: Recipe,
  drafts: readonly CellDraft[],
  rangeRequest: RangeRequest,
  options: { seen?: Map<string, number> | undefined; twins?: 'throw' | 'fail'; noun?: string; allowNoValid?: boolean } = {},
): BuiltCells {
  const noun = options.noun ?? 'cell';
  const built = drafts.map((cell) => {
    try {
      return { cell, recipe: buildCellRecipe(base, cell.params, cell.index), error: undefined };
    } catch (e) {
      if (!(e instanceof LuckyError)) throw e;
      return { cell, recipe: undefined, error: e };
    }
  });
  const valid = built.filter((b) => b.recipe !== undefined);
  if (valid.length === 0 && options.allowNoValid && 'from' in rangeRequest) {
    // a study's later generation may be all refused recipes: failed trials, nothing to plan
    const range = { first_contest: rangeRequest.from, last_contest: rangeRequest.to };
    const cells = built.map(({ cell, error }) => failedCell(cell.index, JSON.stringify(cell.params), invalidMessage(error!)));
    return { cells, valid: 0, range, recipes: [] };
  }
  if (valid.length === 0) {
    // Every cell refused: a mistake in the command (a misspelt knob), not a sweep to record.
    const errors = built.map((b) => b.error!);
    throw new LuckyError(
      'E_RECIPE_INVALID',
      `no ${noun} of the ${noun === 'cell' ? 'sweep' : 'study'} is a valid recipe (${drafts.length} ${noun}${drafts.length === 1 ? '' : 's'})`,
      errors.slice(0, 5).flatMap((e) => e.details),
    );
  }
  const plans = planByHistory(
    catalog,
    rangeRequest,
    valid.map((b) => b.recipe),
  );
  const first = plans.values().next().value!;
  const range = { first_contest: first.first_contest, last_contest: first.last_contest };
  const seen = options.seen ?? new Map<string, number>();
  const cells: NewCell[] = built.map(({ cell, recipe, error }) => {
    const params_json = JSON.stringify(cell.params);
    if (!recipe) return failedCell(cell.index, params_json, invalidMessage(error));
    const key = cellKey(recipe, plans.get(recipe.history)!.dataset_hash, range);
    const twin = seen.get(key);
    if (twin !== undefined) {
      if (options.twins === 'fail') return failedCell(cell.index, params_json, `the same recipe as ${noun} ${twin} (${cellLabel(cell.params)})`);
      throw new LuckyError('E_INPUT_INVALID', `cells ${twin} and ${cell.index} are the same recipe (${cellLabel(cell.params)})`, [
        'parameters: remove the duplicate value; identical cells are not separate tries and would distort the count behind every adjusted p-value',
      ]);
    }
    seen.set(key, cell.index);
    return {
      cell_index: cell.index,
      params_json,
      recipe_json: canonicalRecipeJson(recipe),
      recipe_hash: recipeHash(recipe),
      cell_key: key,
      run_id: null,
      status: 'pending',
      error: null,
      holdout_run_id: null,
    };
  });
  return { cells, valid: valid.length, range, recipes: valid.map((b) => b.recipe) };
}

/** Refuses a holdout that is empty or overlaps the range, and one the catalog cannot serve for these recipes. */
export function checkHoldout(
  catalog: Catalog,
  h: { from: number; to: number },
  range: { first_contest: number; last_contest: number },
  recipes: readonly Recipe[],
  noun = 'sweep',
): void {
  if (h.from > h.to) throw new LuckyError('E_RANGE_INVALID', `the holdout range ${h.from}..${h.to} is empty`);
  if (h.from <= range.last_contest && h.to >= range.first_contest) {
    throw new LuckyError('E_RANGE_INVALID', `the holdout range ${h.from}..${h.to} overlaps the ${noun}'s range ${range.first_contest}..${range.last_contest}`, [
      `holdout: it must be contests the ${noun} never saw, or it cannot tell luck from skill`,
    ]);
  }
  planByHistory(catalog, h, recipes);
}

/** Validates, expands and records a sweep; nothing is written when any check fails. */
export function createSweep(catalog: Catalog, def: SweepDefinition, options: CreateSweepOptions): CreatedSweep {
  const grid = expandGrid({ parameters: def.parameters, constraints: def.constraints });
  const { cells, valid, range, recipes } = buildCells(catalog, def.base, grid, def.range);
  if (def.holdout) checkHoldout(catalog, def.holdout, range, recipes);
  const now = options.now();
  const sweepId = newSweepId(now);
  const resolved = { from: range.first_contest, to: range.last_contest };
  insertSweep(
    catalog.db,
    {
      sweep_id: sweepId,
      name: def.name,
      spec_json: JSON.stringify(specOf(def, resolved)),
      base_recipe_json: canonicalRecipeJson(def.base),
      first_contest: range.first_contest,
      last_contest: range.last_contest,
      holdout_from: def.holdout?.from ?? null,
      holdout_to: def.holdout?.to ?? null,
      seed: def.base.seed,
      metric: options.metric,
      holdout_top: def.holdout ? options.holdout_top : 0,
      status: 'pending',
      cells_total: cells.length,
      created_at: now.toISOString(),
    },
    cells,
  );
  return { sweep_id: sweepId, cells_total: cells.length, cells_invalid: cells.length - valid };
}
