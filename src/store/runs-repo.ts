/** The catalog's run index: one row per run file. Each list is one query. */
import { LuckyError } from '../errors.js';
import type { Db } from './sqlite.js';

export const RUN_STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

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
>;

export function insertRun(db: Db, r: NewRun): void {
  db.prepare(
    `INSERT INTO runs (run_id, name, sweep_id, recipe_hash, recipe_json, strategy, seed, numbers_per_ticket, tickets_per_contest, dataset_hash,
      engine_version, first_contest, last_contest, status, contests_planned, synthetic, file, created_at, started_at)
     VALUES (@run_id, @name, @sweep_id, @recipe_hash, @recipe_json, @strategy, @seed, @numbers_per_ticket, @tickets_per_contest, @dataset_hash,
      @engine_version, @first_contest, @last_contest, @status, @contests_planned, @synthetic, @file, @created_at, @started_at)`,
  ).run(r);
}

export type RunUpdate = Partial<Omit<RunRow, 'run_id'>>;

export function updateRun(db: Db, runId: string, values: RunUpdate): void {
  const keys = Object.keys(values).filter((k) => /^[a-z_0-9]+$/.test(k));
  if (keys.length === 0) return;
  db.prepare(`UPDATE runs SET ${keys.map((k) => `${k} = @${k}`).join(', ')} WHERE run_id = @run_id`).run({ ...values, run_id: runId });
}

export function getRun(db: Db, runId: string): RunRow | undefined {
  return db.prepare('SELECT * FROM runs WHERE run_id = ?').get(runId) as RunRow | undefined;
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
  if (f.status !== undefined) add('status = ?', f.status);
  if (f.sweep_id !== undefined) add('sweep_id = ?', f.sweep_id);
  if (f.from !== undefined) add('first_contest >= ?', f.from);
  if (f.to !== undefined) add('last_contest <= ?', f.to);
  for (const [col, v] of Object.entries(f.min ?? {})) if ((RUN_METRIC_COLUMNS as readonly string[]).includes(col)) add(`${col} >= ?`, v);
  for (const [col, v] of Object.entries(f.max ?? {})) if ((RUN_METRIC_COLUMNS as readonly string[]).includes(col)) add(`${col} <= ?`, v);
  const { column: order, desc } = runOrder(f);
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
  return db.prepare(sql).all(...params, f.limit ?? -1, f.offset ?? 0) as RunRow[];
}

export function deleteRunRow(db: Db, runId: string): void {
  db.prepare('DELETE FROM runs WHERE run_id = ?').run(runId);
}
