/**
 * Recording a sweep: expand the grid, build and validate every cell's recipe, plan the range once
 * per history value (every refusal happens here, before anything is written), key each cell and
 * insert the sweep with all its cells in one transaction.
 */
import { randomBytes } from 'node:crypto';
import { type MetricName } from '../../core/metrics.js';
import { type Recipe, canonicalRecipeJson, recipeHash } from '../../core/recipe/schema.js';
import { buildCellRecipe, cellKey, cellLabel } from '../../core/sweep/apply-params.js';
import { expandGrid } from '../../core/sweep/grid.js';
import { LuckyError } from '../../errors.js';
import type { Catalog } from '../../store/catalog.js';
import { type CellRow, insertSweep } from '../../store/sweeps-repo.js';
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

/** Validates, expands and records a sweep; nothing is written when any check fails. */
export function createSweep(catalog: Catalog, def: SweepDefinition, options: CreateSweepOptions): CreatedSweep {
  const grid = expandGrid({ parameters: def.parameters, constraints: def.constraints });
  const built = grid.map((cell) => {
    try {
      return { cell, recipe: buildCellRecipe(def.base, cell.params, cell.index), error: undefined };
    } catch (e) {
      if (!(e instanceof LuckyError)) throw e;
      return { cell, recipe: undefined, error: e };
    }
  });
  const valid = built.filter((b) => b.recipe !== undefined);
  if (valid.length === 0) {
    // Every cell refused: a mistake in the command (a misspelt knob), not a sweep to record.
    const errors = built.map((b) => b.error!);
    throw new LuckyError(
      'E_RECIPE_INVALID',
      `no cell of the sweep is a valid recipe (${grid.length} cell${grid.length === 1 ? '' : 's'})`,
      errors.slice(0, 5).flatMap((e) => e.details),
    );
  }
  const plans = planByHistory(
    catalog,
    def.range,
    valid.map((b) => b.recipe),
  );
  const first = plans.values().next().value!;
  const range = { first_contest: first.first_contest, last_contest: first.last_contest };
  if (def.holdout) {
    const h = def.holdout;
    if (h.from > h.to) throw new LuckyError('E_RANGE_INVALID', `the holdout range ${h.from}..${h.to} is empty`);
    if (h.from <= range.last_contest && h.to >= range.first_contest) {
      throw new LuckyError('E_RANGE_INVALID', `the holdout range ${h.from}..${h.to} overlaps the sweep's range ${range.first_contest}..${range.last_contest}`, [
        'holdout: it must be contests the sweep never saw, or it cannot tell luck from skill',
      ]);
    }
    planByHistory(
      catalog,
      h,
      valid.map((b) => b.recipe),
    );
  }
  const seen = new Map<string, number>();
  const cells: Array<Omit<CellRow, 'sweep_id'>> = built.map(({ cell, recipe, error }) => {
    const params_json = JSON.stringify(cell.params);
    if (!recipe)
      return {
        cell_index: cell.index,
        params_json,
        recipe_json: null,
        recipe_hash: null,
        cell_key: null,
        run_id: null,
        status: 'failed',
        error: `${error.message}: ${error.details.map((d) => d.replace(/^cell \d+: /, '')).join('; ')}`,
        holdout_run_id: null,
      };
    const key = cellKey(recipe, plans.get(recipe.history)!.dataset_hash, range);
    const twin = seen.get(key);
    if (twin !== undefined) {
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
  return { sweep_id: sweepId, cells_total: cells.length, cells_invalid: cells.length - valid.length };
}
