/**
 * The catalog's run index: one row per run file. Each list is one query.
 *
 * A run is stored `running` with its owner (`pid@host`) while a process executes it. A `running`
 * row whose owner is gone (the process died: kill -9, a crash, a full disk) is read back as
 * `interrupted`: never stored, derived on every read, so it is right the moment the owner dies.
 */
import { METRIC_DOCS, type MetricName, metricBaseline } from '../core/metrics.js';
import { LuckyError } from '../errors.js';
import { isOwnerAlive } from './process-owner.js';
import type { Db } from './sqlite.js';

/** Every status a run is shown with; `interrupted` is derived (see the module comment). */
export const RUN_STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled', 'interrupted'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

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
}

/** Headline metric columns a list can be ordered or filtered by. */
export const RUN_METRIC_COLUMNS = [
  'mean_hits', 'rate_2', 'rate_3', 'rate_4', 'rate_5', 'best_2plus', 'best_3plus', 'best_4plus', 'p_value',
  'cost_cents', 'prize_cents', 'net_cents', 'roi_pct', 'max_drawdown_cents', 'win_rate', 'tickets', 'contests_done', 'created_at',
  'first_contest', 'last_contest',
] as const;
export type RunMetricColumn = (typeof RUN_METRIC_COLUMNS)[number];

export type NewRun = Pick<
  RunRow,
  'run_id' | 'name' | 'sweep_id' | 'recipe_hash' | 'recipe_json' | 'strategy' | 'seed' | 'numbers_per_ticket' | 'tickets_per_contest' | 'dataset_hash' | 'engine_version' | 'first_contest' | 'last_contest' | 'status' | 'contests_planned' | 'synthetic' | 'file' | 'created_at' | 'started_at'
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
 * not sit above every 5-number run on raw mean hits. Money and count columns order by value.
 * `--min`/`--max` thresholds still compare raw values.
 */
export function ordersByLift(column: RunMetricColumn): boolean {
  return column in METRIC_DOCS && METRIC_DOCS[column as MetricName].has_baseline;
}

const EXPECTED_FN = 'luckyfive_expected';
const withExpected = new WeakSet<Db>();
/** Ticket sizes a recipe allows (numbers_per_ticket). */
const TICKET_SIZES = [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
const expectedMemo = new Map<string, number | null>();

function expectedOf(metric: MetricName, k: number, perContest: number): number | null {
  const key = `${metric}|${k}|${perContest}`;
  let v = expectedMemo.get(key);
  if (v === undefined) {
    v = metricBaseline(metric, k, perContest);
    if (expectedMemo.size < 10_000) expectedMemo.set(key, v);
  }
  return v;
}

/** Registers the SQL function the lift order of best-of metrics calls (once per connection). */
function registerExpected(db: Db): void {
  if (withExpected.has(db)) return;
  db.function(EXPECTED_FN, { deterministic: true }, (metric: unknown, k: unknown, perContest: unknown) => expectedOf(String(metric) as MetricName, Number(k), Number(perContest)));
  withExpected.add(db);
}

/**
 * The SQL the list orders by: the column, or its lift. Mean hits and exact-hit rates depend on the
 * ticket size only, so their expectation is an inline CASE of constants (fast); the best-of
 * figures also depend on tickets per contest and call a registered function.
 */
function orderSql(db: Db, column: RunMetricColumn): string {
  if (!ordersByLift(column)) return column;
  const metric = column as MetricName;
  if (metric.startsWith('best_')) {
    registerExpected(db);
    return `(${column} / ${EXPECTED_FN}('${column}', numbers_per_ticket, tickets_per_contest))`;
  }
  const cases = TICKET_SIZES.map((k) => `WHEN ${k} THEN ${expectedOf(metric, k, 1)}`).join(' ');
  return `(${column} / CASE numbers_per_ticket ${cases} ELSE ${EXPECTED_FN}('${column}', numbers_per_ticket, tickets_per_contest) END)`;
}

/** A row's position in a list ordered by `column` (its lift for hit metrics): what a keyset cursor holds. */
export function runOrderValue(r: RunRow, column: RunMetricColumn): number | string | null {
  const v = r[column];
  if (!ordersByLift(column) || v === null || typeof v !== 'number') return v;
  const expected = expectedOf(column as MetricName, r.numbers_per_ticket, r.tickets_per_contest);
  return expected === null || !(expected > 0) ? null : v / expected;
}

/** The column a filter orders by (default created_at) and its direction. */
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
  if (f.sweep_id !== undefined) add('sweep_id = ?', f.sweep_id);
  if (f.from !== undefined) add('first_contest >= ?', f.from);
  if (f.to !== undefined) add('last_contest <= ?', f.to);
  for (const [col, v] of Object.entries(f.min ?? {})) if ((RUN_METRIC_COLUMNS as readonly string[]).includes(col)) add(`${col} >= ?`, v);
  for (const [col, v] of Object.entries(f.max ?? {})) if ((RUN_METRIC_COLUMNS as readonly string[]).includes(col)) add(`${col} <= ?`, v);
  const { column, desc } = runOrder(f);
  if (ordersByLift(column)) registerExpected(db);
  const order = orderSql(db, column);
  const dir = desc ? 'DESC' : 'ASC';
  if (f.after !== undefined) {
    // Rows after (value, run_id) in `ORDER BY col dir NULLS LAST, run_id dir`.
    const cmp = desc ? '<' : '>';
    if (f.after.value === null) {
      where.push(`(${order} IS NULL AND run_id ${cmp} ?)`);
      params.push(f.after.run_id);
    } else {
      where.push(`(${order} ${cmp} ? OR (${order} = ? AND run_id ${cmp} ?) OR ${order} IS NULL)`);
      params.push(f.after.value, f.after.value, f.after.run_id);
    }
  }
  const sql = `SELECT * FROM runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order} ${dir} NULLS LAST, run_id ${dir}
    LIMIT ? OFFSET ?`;
  return (db.prepare(sql).all(...params, f.limit ?? -1, f.offset ?? 0) as RunRow[]).map(shown);
}

/** How many runs have each status, `interrupted` told apart from `running`. */
export function countRunsByStatus(db: Db): Record<RunStatus, number> {
  const rows = db.prepare('SELECT status, COUNT(*) AS n FROM runs GROUP BY status').all() as Array<{ status: RunStatus; n: number }>;
  const counts = Object.fromEntries(RUN_STATUSES.map((st) => [st, rows.find((r) => r.status === st)?.n ?? 0])) as Record<RunStatus, number>;
  counts.interrupted = interruptedRunIds(db).length;
  counts.running -= counts.interrupted;
  return counts;
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

export function deleteRunRow(db: Db, runId: string): void {
  db.prepare('DELETE FROM runs WHERE run_id = ?').run(runId);
}
