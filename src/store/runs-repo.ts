/**
 * The catalog's run index: one row per run file. Each list is one query.
 *
 * A run is stored `running` with its owner (`pid@host`) while a process executes it. A `running`
 * row whose owner is gone (the process died: kill -9, a crash, a full disk) is read back as
 * `interrupted`: never stored, derived on every read, so it is right the moment the owner dies.
 */
import { METRIC_DOCS, type MetricName, parseBestOfIndex } from '../core/metrics.js';
import { RUN_METRIC_COLUMNS, type RunMetricColumn, type RunStatus } from '../core/run-columns.js';
import { LIFT_METRICS, liftsOf } from '../core/ranking.js';
import { LuckyError } from '../errors.js';
import { isOwnerAlive } from './process-owner.js';
import type { Db } from './sqlite.js';

export { RUN_METRIC_COLUMNS, RUN_STATUSES, type RunMetricColumn, type RunStatus } from '../core/run-columns.js';

/** The key a run's owner holds (see process-owner.ts). */
export function runOwnerKey(runId: string): string {
  return `run:${runId}`;
}

/** The status to show: `running` with a dead owner is `interrupted`. */
export function shownRunStatus(row: Pick<RunRow, 'run_id' | 'status' | 'owner'>): RunStatus {
  return row.status === 'running' && !isOwnerAlive(row.owner, runOwnerKey(row.run_id)) ? 'interrupted' : row.status;
}

function shown<T extends RunRow | undefined>(row: T): T {
  if (row && row.status === 'running') row.status = shownRunStatus(row);
  return row;
}

export interface RunRow {
  run_id: string;
  name: string | null;
  sweep_id: string | null;
  recipe_hash: string;
  recipe_json: string;
  strategy: string;
  seed: number;
  numbers_per_ticket: number;
  tickets_per_contest: number;
  dataset_hash: string | null;
  engine_version: string;
  first_contest: number;
  last_contest: number;
  status: RunStatus;
  contests_planned: number;
  contests_done: number;
  tickets: number;
  mean_hits: number | null;
  rate_2: number | null;
  rate_3: number | null;
  rate_4: number | null;
  rate_5: number | null;
  best_2plus: number | null;
  best_3plus: number | null;
  best_4plus: number | null;
  p_value: number | null;
  /** JSON BestOfIndex (src/engine/summarize.ts): the best-of baselines for the run's tickets; null until computed */
  best_of_baseline: string | null;
  cost_cents: number | null;
  prize_cents: number | null;
  net_cents: number | null;
  roi_pct: number | null;
  max_drawdown_cents: number | null;
  win_rate: number | null;
  synthetic: number;
  file: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  error: string | null;
  /** `pid@host` of the process executing the run, null when none */
  owner: string | null;
  /** each hit metric over the run's own exact expectation (see {@link runLiftColumns}): what lists order by */
  lift_mean_hits: number | null;
  lift_rate_2: number | null;
  lift_rate_3: number | null;
  lift_rate_4: number | null;
  lift_rate_5: number | null;
  lift_best_2plus: number | null;
  lift_best_3plus: number | null;
  lift_best_4plus: number | null;
}

export type NewRun = Pick<
  RunRow,
  | 'run_id'
  | 'name'
  | 'sweep_id'
  | 'recipe_hash'
  | 'recipe_json'
  | 'strategy'
  | 'seed'
  | 'numbers_per_ticket'
  | 'tickets_per_contest'
  | 'dataset_hash'
  | 'engine_version'
  | 'first_contest'
  | 'last_contest'
  | 'status'
  | 'contests_planned'
  | 'synthetic'
  | 'file'
  | 'created_at'
  | 'started_at'
> & { owner?: string | null };

export function insertRun(db: Db, r: NewRun): void {
  db.prepare(
    `INSERT INTO runs (run_id, name, sweep_id, recipe_hash, recipe_json, strategy, seed, numbers_per_ticket, tickets_per_contest, dataset_hash,
      engine_version, first_contest, last_contest, status, contests_planned, synthetic, file, created_at, started_at, owner)
     VALUES (@run_id, @name, @sweep_id, @recipe_hash, @recipe_json, @strategy, @seed, @numbers_per_ticket, @tickets_per_contest, @dataset_hash,
      @engine_version, @first_contest, @last_contest, @status, @contests_planned, @synthetic, @file, @created_at, @started_at, @owner)`,
  ).run({ owner: null, ...r });
}

export type RunUpdate = Partial<Omit<RunRow, 'run_id'>>;

export function updateRun(db: Db, runId: string, values: RunUpdate): void {
  const keys = Object.keys(values).filter((k) => /^[a-z_0-9]+$/.test(k));
  if (keys.length === 0) return;
  db.prepare(`UPDATE runs SET ${keys.map((k) => `${k} = @${k}`).join(', ')} WHERE run_id = @run_id`).run({ ...values, run_id: runId });
}

/** A run's row, its status as shown (`interrupted` derived). */
export function getRun(db: Db, runId: string): RunRow | undefined {
  return shown(db.prepare('SELECT * FROM runs WHERE run_id = ?').get(runId) as RunRow | undefined);
}

/** E_BUSY for a run a live process is executing, naming that process. */
export function runBusyError(row: Pick<RunRow, 'run_id' | 'owner'>): LuckyError {
  return new LuckyError('E_BUSY', `run ${row.run_id} is being run by process ${row.owner ?? '?'}`, ['wait for it to finish, or stop it (Ctrl-C) first']);
}

/**
 * Claims a run for this process inside one write transaction: E_BUSY when another live process
 * (or this one) executes it, E_CONFLICT when it is already completed. Returns the row as it was.
 */
export function claimRun(db: Db, runId: string, owner: string, values: RunUpdate = {}): RunRow {
  return db
    .transaction(() => {
      const row = requireRun(db, runId);
      if (row.status === 'completed') throw new LuckyError('E_CONFLICT', `run ${runId} is already completed`);
      if (row.status === 'running') throw runBusyError(row);
      updateRun(db, runId, { ...values, status: 'running', owner });
      return row;
    })
    .immediate();
}

export function requireRun(db: Db, runId: string): RunRow {
  const r = getRun(db, runId);
  if (!r) throw new LuckyError('E_NOT_FOUND', `run ${runId} is not in the catalog (see \`luckyfive runs list\`)`);
  return r;
}

export interface RunFilter {
  name?: string | undefined;
  recipe_hash?: string | undefined;
  status?: RunStatus | undefined;
  /** the recipe's strategy, exactly */
  strategy?: string | undefined;
  sweep_id?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
  /** metric thresholds: column >= value */
  min?: Partial<Record<RunMetricColumn, number>> | undefined;
  max?: Partial<Record<RunMetricColumn, number>> | undefined;
  order_by?: RunMetricColumn | undefined;
  desc?: boolean | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
  /**
   * Keyset pagination: only rows after this one in the list's order (its `order_by` value and
   * run id), so pages stay stable while runs are added.
   */
  after?: { value: number | string | null; run_id: string } | undefined;
}

/**
 * Hit metrics are ordered by lift: the value over the run's own exact expectation for its ticket
 * size and tickets per contest (the metric's baseline, `core/metrics.ts`), so a 7-number run does
 * not sit above every 5-number run on raw mean hits. The lift is stored in the row (`lift_<metric>`,
 * catalog migration 11) with an index, so a page is read from the index like any other column.
 * Money and count columns order by value. `--min`/`--max` thresholds still compare raw values.
 */
export function ordersByLift(column: RunMetricColumn): boolean {
  return column in METRIC_DOCS && METRIC_DOCS[column as MetricName].has_baseline;
}

/** The stored lift column of a hit metric. */
export function liftColumn(metric: MetricName): keyof RunRow {
  return `lift_${metric}` as keyof RunRow;
}

type LiftSource = Pick<RunRow, 'numbers_per_ticket' | 'tickets_per_contest' | 'best_of_baseline'> & Partial<Record<MetricName, number | null>>;

/**
 * The lift columns of an index row, from its figures, ticket size and best-of baselines (the
 * `best_of_baseline` JSON; without it the best-of lifts use the independent-tickets formula, as
 * the leaderboard does for such a run). Every writer of the figures calls this: the index row
 * built when a run ends or is imported (src/engine/run-index.ts), the lazy fill of the best-of
 * baselines (src/engine/run-metrics.ts) and catalog migration 11's backfill.
 */
export function runLiftColumns(r: LiftSource, metrics: readonly MetricName[] = LIFT_METRICS): RunUpdate {
  const lifts = liftsOf(
    { values: r, numbers_per_ticket: r.numbers_per_ticket, tickets_per_contest: r.tickets_per_contest, best_of: parseBestOfIndex(r.best_of_baseline) },
    metrics,
  );
  return Object.fromEntries(Object.entries(lifts).map(([m, v]) => [liftColumn(m as MetricName), v]));
}

/** Recomputes the lift columns of every run (or those given) from their stored columns. */
export function refreshRunLifts(db: Db, runIds?: readonly string[]): number {
  const cols = ['run_id', 'numbers_per_ticket', 'tickets_per_contest', 'best_of_baseline', ...LIFT_METRICS].join(', ');
  const rows = (
    runIds
      ? db.prepare(`SELECT ${cols} FROM runs WHERE run_id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(runIds))
      : db.prepare(`SELECT ${cols} FROM runs`).all()
  ) as Array<LiftSource & { run_id: string }>;
  const set = db.prepare(`UPDATE runs SET ${LIFT_METRICS.map((m) => `${liftColumn(m)} = @${liftColumn(m)}`).join(', ')} WHERE run_id = @run_id`);
  db.transaction(() => {
    for (const r of rows) set.run({ ...runLiftColumns(r), run_id: r.run_id });
  })();
  return rows.length;
}

/** The column a list orders by: the metric's stored lift for hit metrics, the column itself otherwise. */
function orderSql(column: RunMetricColumn): string {
  return ordersByLift(column) ? liftColumn(column as MetricName) : column;
}

/** A row's position in a list ordered by `column` (its lift for hit metrics): what a keyset cursor holds. */
export function runOrderValue(r: RunRow, column: RunMetricColumn): number | string | null {
  return ordersByLift(column) ? r[liftColumn(column as MetricName)] : r[column];
}

/** The column a list orders by (default created_at) and its direction (default: descending for created_at, ascending otherwise). */
export function runOrder(f: Pick<RunFilter, 'order_by' | 'desc'>): { column: RunMetricColumn; desc: boolean } {
  const column = f.order_by && (RUN_METRIC_COLUMNS as readonly string[]).includes(f.order_by) ? f.order_by : 'created_at';
  return { column, desc: f.desc ?? column === 'created_at' };
}

export function listRuns(db: Db, f: RunFilter = {}): RunRow[] {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, v: unknown) => {
    where.push(sql);
    params.push(v);
  };
  if (f.name !== undefined) add("name LIKE ? ESCAPE '\\'", `%${f.name.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  if (f.recipe_hash !== undefined) {
    // A prefix as a range, so the recipe_hash index answers it (LIKE cannot use a BINARY index).
    // Hashes are lowercase hex, all below 'g'.
    const prefix = f.recipe_hash.toLowerCase().replace(/[^0-9a-f]/g, '');
    add('recipe_hash >= ?', prefix);
    add('recipe_hash < ?', `${prefix}g`);
  }
  if (f.status !== undefined) {
    // `running` and `interrupted` are both stored `running`: they differ by their owner's liveness.
    if (f.status === 'running' || f.status === 'interrupted') {
      add(`status = 'running' AND run_id ${f.status === 'running' ? 'NOT ' : ''}IN (SELECT value FROM json_each(?))`, JSON.stringify(interruptedRunIds(db)));
    } else add('status = ?', f.status);
  }
  if (f.strategy !== undefined) add('strategy = ?', f.strategy);
  if (f.sweep_id !== undefined) add('sweep_id = ?', f.sweep_id);
  if (f.from !== undefined) add('first_contest >= ?', f.from);
  if (f.to !== undefined) add('last_contest <= ?', f.to);
  for (const [col, v] of Object.entries(f.min ?? {})) if ((RUN_METRIC_COLUMNS as readonly string[]).includes(col)) add(`${col} >= ?`, v);
  for (const [col, v] of Object.entries(f.max ?? {})) if ((RUN_METRIC_COLUMNS as readonly string[]).includes(col)) add(`${col} <= ?`, v);
  const { column, desc } = runOrder(f);
  const order = orderSql(column);
  const dir = desc ? 'DESC' : 'ASC';
  const select = (extra: string[], extraParams: unknown[], limit: number, offset: number): RunRow[] => {
    const all = [...where, ...extra];
    const sql = `SELECT * FROM runs ${all.length ? `WHERE ${all.join(' AND ')}` : ''} ORDER BY ${order} ${dir} NULLS LAST, run_id ${dir}
    LIMIT ? OFFSET ?`;
    return (db.prepare(sql).all(...params, ...extraParams, limit, offset) as RunRow[]).map(shown);
  };
  // Rows after (value, run_id) in `ORDER BY col dir NULLS LAST, run_id dir`.
  const cmp = desc ? '<' : '>';
  if (f.after === undefined) return select([], [], f.limit ?? -1, f.offset ?? 0);
  if (f.after.value === null) return select([`${order} IS NULL`, `run_id ${cmp} ?`], [f.after.run_id], f.limit ?? -1, f.offset ?? 0);
  if (f.offset) {
    return select(
      [`(${order} ${cmp} ? OR (${order} = ? AND run_id ${cmp} ?) OR ${order} IS NULL)`],
      [f.after.value, f.after.value, f.after.run_id],
      f.limit ?? -1,
      f.offset,
    );
  }
  // A keyset page past a value: the rows with a value after it, found by a seek in the (col, run_id)
  // index, then (when the page is not full) the NULLs, which come last. One query with an OR of
  // both would read the index from its start to the cursor on every page.
  const valued = select([`(${order}, run_id) ${cmp} (?, ?)`], [f.after.value, f.after.run_id], f.limit ?? -1, 0);
  if (f.limit !== undefined && valued.length >= f.limit) return valued;
  return [...valued, ...select([`${order} IS NULL`], [], f.limit === undefined ? -1 : f.limit - valued.length, 0)];
}

/**
 * A stamp that changes when a running run's owner dies: `interrupted` is derived, so a page
 * cached by the catalog's data version must also be keyed by this (no write marks the death).
 */
export function runLivenessStamp(db: Db): string {
  return interruptedRunIds(db).join(',');
}

/** Runs stored `running` whose owner is dead (few: the runs in progress and those left by a crash). */
function interruptedRunIds(db: Db): string[] {
  const rows = db.prepare("SELECT run_id, status, owner FROM runs WHERE status = 'running'").all() as Array<Pick<RunRow, 'run_id' | 'status' | 'owner'>>;
  return rows.filter((r) => shownRunStatus(r) === 'interrupted').map((r) => r.run_id);
}

/**
 * Deletes a run's index row and, in the same write transaction, its files (`removeFiles`). A run
 * some live process is executing is refused (E_BUSY); an unknown one is E_NOT_FOUND.
 */
export function deleteRun(db: Db, runId: string, removeFiles: () => void): void {
  db.transaction(() => {
    const row = requireRun(db, runId);
    if (row.status === 'running') throw runBusyError(row);
    db.prepare('DELETE FROM runs WHERE run_id = ?').run(runId);
    removeFiles();
  }).immediate();
}

/**
 * Checkpoints the catalog's WAL (RESTART): on a full disk the WAL keeps growing until a checkpoint
 * lets the next write start over at its beginning, in space the WAL file already holds.
 */
export function restartCatalogWal(db: Db): void {
  db.pragma('wal_checkpoint(RESTART)');
}
