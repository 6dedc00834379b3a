/**
 * Runs use cases: list, show, contests, tickets (export), file, delete, import and verify. The CLI
 * `runs` command and the HTTP `/runs` routes call these and only render what they return.
 */
import { existsSync, statSync } from 'node:fs';
import { csvLine } from '../core/csv.js';
import type { RunMetricColumn, RunStatus } from '../core/run-columns.js';
import { LuckyError } from '../errors.js';
import { type RunJson, runRowJson } from '../engine/run-json.js';
import {
  type ImportedRun,
  type VerifyReport,
  deleteRun as deleteRunFiles,
  importRunFile,
  iterateTickets,
  readRunReport,
  verifyRun as verifyRunFile,
} from '../engine/runs.js';
import type { RunReport } from '../engine/simulate.js';
import { type TicketRow, parseRunId, readRunFile, runFilePath } from '../store/run-file.js';
import { type RunRow, listRuns as queryRuns, ordersByLift, requireRun, runLivenessStamp, runOrder, runOrderValue } from '../store/runs-repo.js';
import type { UseCaseDeps } from './deps.js';

export { RUN_METRIC_COLUMNS, RUN_STATUSES, type RunMetricColumn, type RunStatus } from '../core/run-columns.js';
export type { AuditDifference } from '../engine/run-audit.js';
export { describeDifference } from '../engine/runs.js';
export { RUN_ID_PATTERN } from '../store/run-file.js';
export type { ImportedRun, RunJson, RunReport, TicketRow, VerifyReport };

type Deps = Pick<UseCaseDeps, 'catalog'>;

/** What a run list is filtered, ordered and paged by (already parsed). */
export interface RunListInput {
  /** name contains this text */
  name?: string | undefined;
  /** recipe hash starts with */
  recipe_hash?: string | undefined;
  status?: RunStatus | undefined;
  /** the recipe's strategy, exactly */
  strategy?: string | undefined;
  sweep_id?: string | undefined;
  /** runs starting at or after this contest */
  from?: number | undefined;
  /** runs ending at or before this contest */
  to?: number | undefined;
  /** raw-value thresholds: column >= value */
  min?: Partial<Record<RunMetricColumn, number>> | undefined;
  /** raw-value thresholds: column <= value */
  max?: Partial<Record<RunMetricColumn, number>> | undefined;
  /** default created_at */
  order_by?: RunMetricColumn | undefined;
  /** default: descending for created_at, ascending otherwise */
  desc?: boolean | undefined;
  /** at most this many runs; all when undefined */
  limit?: number | undefined;
  /** keyset paging: only runs after this position (a previous list's `next`) */
  after?: RunListPosition | undefined;
}

/** A run's position in a list: its order value (the lift for hit metrics) and its id. */
export interface RunListPosition {
  value: number | string | null;
  run_id: string;
}

/** A page of the run index. */
export interface RunList {
  runs: RunJson[];
  count: number;
  /** what the list is ordered by: hit metrics by lift over each run's own exact expectation, others by value */
  ordered_by: { column: RunMetricColumn; by: 'lift' | 'value'; desc: boolean };
  /** where the next page starts; null when this page is the last (or the list was not limited) */
  next: RunListPosition | null;
}

/**
 * How a list with this order is sorted (column, direction, lift or value), without reading it: a
 * keyset cursor is tied to it.
 */
export function runListOrder(input: Pick<RunListInput, 'order_by' | 'desc'>): RunList['ordered_by'] {
  const { column, desc } = runOrder(input);
  return { column, desc, by: ordersByLift(column) ? 'lift' : 'value' };
}

/**
 * A stamp that changes whenever a list of runs would change without a catalog write (a running
 * run's process died, so it now shows `interrupted`): cached pages are keyed by it.
 */
export function runListStamp(deps: Deps): string {
  return runLivenessStamp(deps.catalog.db);
}

/**
 * Lists runs from the catalog's index, filtered, ordered by any headline metric (hit metrics by
 * lift) and paged by keyset. One query. Refuses nothing: an unknown order column falls back to
 * created_at (front-ends validate their flags and query strings). Returns the runs as JSON rows.
 */
export function listRuns(deps: Deps, input: RunListInput): RunList {
  const ordered_by = runListOrder(input);
  // one row more than the page says whether another follows
  const rows = queryRuns(deps.catalog.db, {
    name: input.name,
    status: input.status,
    strategy: input.strategy,
    recipe_hash: input.recipe_hash,
    sweep_id: input.sweep_id,
    from: input.from,
    to: input.to,
    min: input.min,
    max: input.max,
    order_by: ordered_by.column,
    desc: ordered_by.desc,
    limit: input.limit === undefined ? undefined : input.limit + 1,
    after: input.after,
  });
  const page: RunRow[] = input.limit === undefined ? rows : rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    runs: page.map(runRowJson),
    count: page.length,
    ordered_by,
    next: rows.length > page.length && last ? { value: runOrderValue(last, ordered_by.column), run_id: last.run_id } : null,
  };
}

/** The index row and the path of a run's file; E_NOT_FOUND without the row, E_DATA_MISSING without the file. */
function requireRunFile(deps: Deps, runId: string): { row: RunRow; file: string } {
  const row = requireRun(deps.catalog.db, parseRunId(runId));
  const file = runFilePath(deps.catalog.dataDir, runId);
  if (!existsSync(file)) throw new LuckyError('E_DATA_MISSING', `the file of run ${runId} is missing (${file}); \`luckyfive maintain --repair\` marks it`);
  return { row, file };
}

/**
 * A run's report (figures beside the exact baseline, and its simulated books) as stored in its
 * file when the run ended, with the index row's current status. Refuses an unknown run
 * (E_NOT_FOUND), a missing file and a run that has no report yet (E_DATA_MISSING).
 */
export function showRun(deps: Deps, input: { run_id: string }): RunReport {
  const id = parseRunId(input.run_id);
  const report = readRunReport(deps.catalog, id);
  if (!report) {
    throw new LuckyError('E_DATA_MISSING', `run ${id} has no report yet (it is running or was interrupted)`, [
      `resume it with \`luckyfive simulate --resume ${id}\`, or see GET /api/v1/simulations for its job`,
    ]);
  }
  return report;
}

/** One contest of a run as `GET /runs/{run_id}/contests` lists it. */
export interface RunContestResult {
  contest: number;
  draw_date: string;
  /** the drawn balls */
  draw: number[];
  best_hits: number;
  best_ticket: number;
  /** the numbers of the best ticket (null when the file lacks it) */
  best_numbers: number[] | null;
  hits_histogram: number[];
  cost_cents: number;
  prize_cents: number;
  prize_estimated: boolean;
}

/**
 * One page of a run's per-contest results, in contest order, after contest `after`, only contests
 * whose best ticket hit at least `min_hits`. Refuses an unknown run or a missing file. Returns the
 * page and the last contest of it when another page follows.
 */
export function listRunContests(
  deps: Deps,
  input: { run_id: string; after?: number | undefined; min_hits?: number | undefined; limit: number },
): { items: RunContestResult[]; next: number | null } {
  const { file } = requireRunFile(deps, input.run_id);
  return readRunFile(file, (rf) => {
    const rows = rf.contestPage({ after: input.after, minHits: input.min_hits, limit: input.limit + 1 });
    const page = rows.slice(0, input.limit);
    const last = page.at(-1);
    return {
      items: page.map((r) => ({
        contest: r.contest,
        draw_date: r.draw_date,
        draw: r.balls,
        best_hits: r.best_hits,
        best_ticket: r.best_ticket,
        best_numbers: r.best_numbers,
        hits_histogram: r.hits_histogram,
        cost_cents: r.cost_cents,
        prize_cents: r.prize_cents,
        prize_estimated: r.prize_estimated,
      })),
      next: rows.length > input.limit && last ? last.contest : null,
    };
  });
}

export type TicketExportFormat = 'csv' | 'json' | 'ndjson';

/**
 * Every ticket of a run (contest, ticket, numbers, hits) as text, in (contest, ticket) order:
 * CSV with a header, one JSON object per line, or one JSON array. The run file is opened and its
 * first ticket read before this returns, so an unknown run, a missing or damaged file is an error
 * here, never a half-written export; the rest streams. Stopping the iteration early
 * (`return()`) closes the file.
 */
export function exportRunTickets(deps: Deps, input: { run_id: string; format: TicketExportFormat }): Generator<string> {
  requireRunFile(deps, input.run_id);
  const rows = iterateTickets(deps.catalog, input.run_id);
  const first = rows.next();
  return ticketText(first, rows, input.format);
}

function* ticketText(first: IteratorResult<TicketRow>, rest: Iterator<TicketRow>, format: TicketExportFormat): Generator<string> {
  const json = (r: TicketRow) => JSON.stringify({ contest: r.contest, ticket: r.ticket, numbers: r.numbers, hits: r.hits });
  try {
    if (format === 'csv') yield csvLine(['contest', 'ticket', 'numbers', 'hits']);
    if (format === 'json') yield '[';
    let n = 0;
    for (let next = first; !next.done; next = rest.next(), n++) {
      const r = next.value;
      if (format === 'csv') yield csvLine([r.contest, r.ticket, r.numbers.join(' '), r.hits]);
      else if (format === 'ndjson') yield `${json(r)}\n`;
      else yield `${n === 0 ? '\n' : ',\n'}  ${json(r)}`;
    }
    if (format === 'json') yield '\n]\n';
  } finally {
    // a consumer that stops early (a client that goes away) closes the run file's reader with it
    rest.return?.();
  }
}

/**
 * A run's SQLite file for download: its path and size. Refuses an unknown run, a missing file
 * and a running run (E_BUSY: its file is being written and is not a consistent copy).
 */
export function readRunFileInfo(deps: Deps, input: { run_id: string }): { file: string; size: number } {
  const { row, file } = requireRunFile(deps, input.run_id);
  if (row.status === 'running') throw new LuckyError('E_BUSY', `run ${input.run_id} is running; download its file when it has ended`);
  return { file, size: statSync(file).size };
}

/**
 * Deletes a run's file and index row together. Refuses an unknown run (E_NOT_FOUND) and one a
 * live process is executing (E_BUSY); an `interrupted` one is deleted like any other.
 */
export function deleteRun(deps: Deps, input: { run_id: string }): { run_id: string; deleted: true } {
  deleteRunFiles(deps.catalog, parseRunId(input.run_id));
  return { run_id: input.run_id, deleted: true };
}

/**
 * Re-registers a run file copied from elsewhere: validated (integrity, recipe hash, its stored
 * figures recomputed from its contests and tickets), copied into the data dir and indexed from the
 * recomputed totals. Refuses a missing file (E_NOT_FOUND), a file that is not a valid run file or
 * whose figures differ (E_DATA_INVALID) and a run already in the catalog (E_CONFLICT). A run made
 * on other draws than the catalog's is imported with a warning.
 */
export function importRun(deps: Deps, input: { file: string }): ImportedRun & { imported: true } {
  const r = importRunFile(deps.catalog, input.file);
  return { run_id: r.run_id, imported: true, same_draws: r.same_draws, warnings: r.warnings };
}

/**
 * Recomputes `sample` evenly spaced contests of a run (all when undefined) from the catalog's
 * draws and its stored recipe and compares every ticket; the file's stored figures are always
 * audited in full. Refuses an unknown run. Returns the differences (the report says `ok: false`
 * rather than throwing, so front-ends can show them; the CLI then exits with E_DATA_INVALID's code).
 */
export function verifyRun(deps: Deps, input: { run_id: string; sample?: number | undefined }): VerifyReport {
  return verifyRunFile(deps.catalog, parseRunId(input.run_id), input.sample);
}
