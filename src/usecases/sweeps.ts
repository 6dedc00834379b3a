/**
 * The sweep use cases: define a sweep (spec file and/or flags), record it, run or resume it, and
 * read it back (list, ranked cells, heatmap). The JSON documents here are the ones the CLI prints
 * with --json and the API answers, so the two can never drift. Every adjusted p-value covers all
 * finished cells, whatever is shown.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { RangeRequest } from '../core/contest-range.js';
import { METRIC_DOCS, type MetricName } from '../core/metrics.js';
import type { ParamValue } from '../core/sweep/values.js';
import { LuckyError } from '../errors.js';
import { createSweep as recordSweep } from '../engine/sweep/create.js';
import { type SweepDefinition, defineSweep as mergeSweepInput } from '../engine/sweep/define.js';
import { type Heatmap, buildHeatmap } from '../engine/sweep/heatmap.js';
import { type BestCell, type CellResult, type HoldoutFigure, type SweepResults, readSweepResults } from '../engine/sweep/results.js';
import { type SweepOutcome, runSweep as driveSweep } from '../engine/sweep/run.js';
import { type SweepListRow, type SweepStatus, listCells, listSweeps as listSweepRows } from '../store/sweeps-repo.js';
import type { Config } from '../config.js';
import type { SweepProgress } from '../engine/queue/sweep-flow.js';
import type { UseCaseDeps } from './deps.js';

export type { Heatmap } from '../engine/sweep/heatmap.js';
export type { SweepOutcome } from '../engine/sweep/run.js';
export type { SweepProgress } from '../engine/queue/sweep-flow.js';

export interface DefineSweepInput {
  /** a spec file (either format); its `recipe_file` is relative to its folder */
  specFile?: string | undefined;
  recipeFile?: string | undefined;
  /** the caller's working directory: a relative spec or recipe file is read from here */
  cwd?: string | undefined;
  preset?: string | undefined;
  /** `--param` values: each adds a swept parameter or replaces the spec's of the same name */
  params: readonly string[];
  range?: RangeRequest | undefined;
  holdout?: { from: number; to: number } | undefined;
  /** how many of the best cells run once on the holdout range (default 3) */
  holdoutTop?: number | undefined;
  /** the metric that ranks cells and picks the holdout cells (default mean_hits) */
  metric?: MetricName | undefined;
  seed?: number | undefined;
  name?: string | undefined;
}

/** A sweep ready to be recorded: what to sweep, how to rank it, and what was assumed reading it. */
export interface SweepPlan {
  definition: SweepDefinition;
  metric: MetricName;
  holdout_top: number;
  /** what was dropped or assumed reading an old SweepConfig */
  notes: string[];
}

/** A spec file's JSON (a byte-order mark allowed); E_NOT_FOUND or E_INPUT_INVALID naming `what` ("sweep spec", "optimize spec"). */
export function readSpecFile(path: string, what = 'sweep spec'): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new LuckyError('E_NOT_FOUND', `${what} not found: ${path}`);
    throw new LuckyError('E_INPUT_INVALID', `cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw new LuckyError('E_INPUT_INVALID', `${path} is not valid JSON`, [`(root): ${(e as Error).message}`]);
  }
}

/**
 * Merges a spec file and flags into a sweep (flags win). Reads only the spec and recipe files:
 * nothing is written. Refuses an unreadable spec (E_NOT_FOUND, E_INPUT_INVALID), a bad spec,
 * base recipe or `--param` (E_INPUT_INVALID, E_RECIPE_INVALID, E_USAGE), no range
 * (E_RANGE_INVALID), and a holdout count without a holdout range (E_USAGE).
 */
export function defineSweep(input: DefineSweepInput): SweepPlan {
  const specFile = input.specFile === undefined ? undefined : resolve(input.cwd ?? '.', input.specFile);
  const definition = mergeSweepInput({
    spec: specFile === undefined ? undefined : readSpecFile(specFile),
    specDir: specFile === undefined ? undefined : dirname(specFile),
    cwd: input.cwd,
    recipeFile: input.recipeFile,
    preset: input.preset,
    params: input.params,
    range: input.range,
    holdout: input.holdout,
    seed: input.seed,
    name: input.name,
  });
  if (input.holdoutTop !== undefined && !definition.holdout) {
    throw new LuckyError('E_USAGE', '--holdout-top needs a holdout range (--holdout-from A --holdout-to B, or "holdout" in the spec)');
  }
  return { definition, metric: input.metric ?? 'mean_hits', holdout_top: input.holdoutTop ?? 3, notes: definition.notes };
}

export interface CreatedSweep {
  sweep_id: string;
  cells_total: number;
  /** cells whose recipe the parser refused, recorded as failed: `cell N: problem` */
  invalid_cells: string[];
}

/**
 * Records a defined sweep: expands the grid, validates every cell's recipe, plans the range and
 * the holdout (every refusal happens before anything is written) and inserts the sweep with all
 * its cells in one transaction. Refuses a grid with no valid cell (E_RECIPE_INVALID), duplicate
 * cells (E_INPUT_INVALID), a range the catalog cannot serve or a holdout that overlaps it
 * (E_RANGE_INVALID). Returns the new sweep's id and its invalid cells.
 */
export function createSweep(deps: Pick<UseCaseDeps, 'catalog' | 'clock'>, plan: SweepPlan): CreatedSweep {
  const created = recordSweep(deps.catalog, plan.definition, { metric: plan.metric, holdout_top: plan.holdout_top, now: () => new Date(deps.clock.now) });
  const invalid = created.cells_invalid === 0 ? [] : listCells(deps.catalog.db, created.sweep_id).filter((c) => c.status === 'failed');
  return { sweep_id: created.sweep_id, cells_total: created.cells_total, invalid_cells: invalid.map((c) => String(c.error)) };
}

export interface RunSweepInput {
  sweep_id: string;
  /** start (on a queue: queue) at most this many cells now */
  max_cells?: number | undefined;
  /** start no cell after this many milliseconds; running cells stop at a contest boundary */
  deadline_ms?: number | undefined;
  onProgress?: ((p: SweepProgress) => void) | undefined;
  /** on a queue: connection trouble, stalled and failed cells, one line each */
  log?: ((line: string) => void) | undefined;
}

/**
 * Runs a recorded sweep, or resumes a stopped or interrupted one (finished cells are skipped), on
 * the pool, then its holdout. With `queue_url` set the cells run on `luckyfive worker`s through
 * the queue (a BullMQ flow, `engine/queue/sweep-flow.ts`) and the holdout on the pool; Ctrl-C then
 * detaches, leaving the cells in Redis for `--resume`. Stops cleanly at `max_cells`, at
 * `deadline_ms` or when `signal` aborts; the outcome says why. `now` is a live clock (the
 * deadline and the elapsed time). Refuses an unknown sweep (E_INPUT_INVALID, E_NOT_FOUND), a
 * sweep another live process runs (E_BUSY), draws that changed since the sweep was created
 * (E_CONFLICT), and a queue whose Redis does not answer or stays away longer than
 * `queue_patience` (E_QUEUE_DOWN; the sweep is left `stopped`, nothing is lost).
 * Returns the outcome with the best cell so far.
 */
export async function runSweep(
  deps: Pick<UseCaseDeps, 'catalog' | 'pool' | 'signal'> & { now: () => Date; config?: Pick<Config, 'queue_url' | 'queue_patience'> | undefined },
  input: RunSweepInput,
): Promise<SweepOutcome> {
  const url = deps.config?.queue_url;
  return driveSweep({ catalog: deps.catalog, pool: deps.pool, now: deps.now, signal: deps.signal }, input.sweep_id, {
    max_cells: input.max_cells,
    deadline_ms: input.deadline_ms,
    onProgress: input.onProgress,
    queue: url === undefined ? undefined : { url, patience_ms: deps.config!.queue_patience * 1000, log: input.log ?? (() => undefined) },
  });
}

/** One sweep in a list: status and progress. */
export interface SweepListItem {
  sweep_id: string;
  name: string;
  status: SweepStatus;
  /** every cell has an outcome, failed cells included */
  complete: boolean;
  cells_total: number;
  cells_done: number;
  cells_failed: number;
  first_contest: number;
  last_contest: number;
  holdout: { from: number; to: number | null } | null;
  metric: string;
  created_at: string;
  finished_at: string | null;
}

/** A sweep is complete once every cell has an outcome, failed cells included. */
function isComplete(status: string): boolean {
  return status === 'completed' || status === 'completed_with_failures';
}

function sweepListItem(r: SweepListRow): SweepListItem {
  return {
    sweep_id: r.sweep_id,
    name: r.name,
    status: r.status,
    complete: isComplete(r.status),
    cells_total: r.cells_total,
    cells_done: r.cells_completed,
    cells_failed: r.cells_failed,
    first_contest: r.first_contest,
    last_contest: r.last_contest,
    holdout: r.holdout_from === null ? null : { from: r.holdout_from, to: r.holdout_to },
    metric: r.metric,
    created_at: r.created_at,
    finished_at: r.finished_at,
  };
}

/** Sweeps, newest first, with their progress; `limit` undefined lists them all. Refuses nothing. */
export function listSweeps(deps: Pick<UseCaseDeps, 'catalog'>, input: { status?: SweepStatus | undefined; limit?: number | undefined }): SweepListItem[] {
  return listSweepRows(deps.catalog.db, { status: input.status, limit: input.limit }).map(sweepListItem);
}

/** One ranked cell of `sweep show`. */
export interface SweepCellJson {
  rank: number | null;
  /** `best of N` on the best cell */
  flag: string | null;
  cell_index: number;
  params: Record<string, ParamValue>;
  status: CellResult['status'];
  run_id: string | null;
  value: number | null;
  baseline: number | null;
  p_value: number | null;
  p_holm: number | null;
  p_bh: number | null;
  contests: number | null;
  tickets: number | null;
  holdout: HoldoutFigure | null;
  error?: string;
}

/** `sweep show --json` and `GET /sweeps/{id}`: the top cells, ranked, with the stored spec (which reproduces the sweep). */
export interface SweepShowDocument {
  sweep_id: string;
  name: string;
  status: SweepStatus;
  complete: boolean;
  first_contest: number;
  last_contest: number;
  holdout: { from: number; to: number | null; top: number } | null;
  spec: unknown;
  metric: MetricName;
  metric_description: string;
  higher_is_better: boolean;
  cells_total: number;
  cells_done: number;
  cells_failed: number;
  adjustment: { methods: string[]; family_size: number; note: string };
  best: BestCell | null;
  cells: SweepCellJson[];
}

function cellJson(c: CellResult, best: SweepResults['best']): SweepCellJson {
  return {
    rank: c.rank,
    flag: best && best.cell_index === c.cell_index ? `best of ${best.of}` : null,
    cell_index: c.cell_index,
    params: c.params,
    status: c.status,
    run_id: c.run_id,
    value: c.value,
    baseline: c.baseline,
    p_value: c.p_value,
    p_holm: c.p_holm,
    p_bh: c.p_bh,
    contests: c.contests,
    tickets: c.tickets,
    holdout: c.holdout,
    ...(c.error ? { error: c.error } : {}),
  };
}

function sweepShowDocument(r: SweepResults, top: number): SweepShowDocument {
  const s = r.sweep;
  return {
    sweep_id: s.sweep_id,
    name: s.name,
    status: s.status,
    complete: isComplete(s.status),
    first_contest: s.first_contest,
    last_contest: s.last_contest,
    holdout: s.holdout_from === null ? null : { from: s.holdout_from, to: s.holdout_to, top: s.holdout_top },
    spec: JSON.parse(s.spec_json) as unknown,
    metric: r.metric,
    metric_description: METRIC_DOCS[r.metric].description,
    higher_is_better: r.higher_is_better,
    cells_total: r.cells_total,
    cells_done: r.cells_done,
    cells_failed: r.cells_failed,
    adjustment: {
      methods: ['holm', 'benjamini_hochberg'],
      family_size: r.cells.filter((c) => c.p_value !== null).length,
      note: 'adjusted over every finished cell of the sweep, not only those shown',
    },
    best: r.best,
    cells: r.cells.slice(0, top).map((c) => cellJson(c, r.best)),
  };
}

/** What `sweep show` renders: the document, plus the failed cells beyond the top ones (for warnings). */
export interface SweepShow {
  document: SweepShowDocument;
  /** every failed cell, in rank order */
  failed_cells: Array<{ cell_index: number; error: string | null }>;
}

/**
 * A sweep's cells ranked by `metric` (default: the sweep's own), each with its exact baseline and
 * raw, Holm and BH p-values over ALL finished cells, the best cell, and the holdout figures; the
 * document lists the top `top` cells. Refuses a malformed id (E_INPUT_INVALID) and an unknown
 * sweep (E_NOT_FOUND).
 */
export function showSweep(deps: Pick<UseCaseDeps, 'catalog'>, input: { sweep_id: string; metric?: MetricName | undefined; top: number }): SweepShow {
  const r = readSweepResults(deps.catalog, input.sweep_id, input.metric);
  return {
    document: sweepShowDocument(r, input.top),
    failed_cells: r.cells.filter((c) => c.status === 'failed').map((c) => ({ cell_index: c.cell_index, error: c.error })),
  };
}

/**
 * A metric (default: the sweep's) over two swept parameters as grid data; each square is the mean
 * over the cells that share it when other parameters vary too. Refuses an unknown sweep
 * (E_NOT_FOUND) and an x or y that is not a swept parameter, or both the same (E_USAGE).
 */
export function sweepHeatmap(deps: Pick<UseCaseDeps, 'catalog'>, input: { sweep_id: string; x: string; y: string; metric?: MetricName | undefined }): Heatmap {
  return buildHeatmap(readSweepResults(deps.catalog, input.sweep_id, input.metric), input.x, input.y);
}
