/** The catalog's sweeps and their cells. Prepared statements; each list is one query. */
import type { SweepStatus } from '../core/sweep/status.js';
import { LuckyError } from '../errors.js';
import { holdOwnership, isOwnerAlive, ownerTag } from './process-owner.js';
import { RUN_ID_PATTERN } from './run-file.js';
import type { RunRow } from './runs-repo.js';
import type { Db } from './sqlite.js';

export type { SweepStatus } from '../core/sweep/status.js';
export type CellStatus = 'pending' | 'running' | 'completed' | 'failed';
/** A grid sweep (`sweep`) or a study (`optimize`), whose cells are its trials. */
export type SweepKind = 'grid' | 'study';

export interface SweepRow {
  sweep_id: string;
  name: string;
  spec_json: string;
  base_recipe_json: string;
  first_contest: number;
  last_contest: number;
  holdout_from: number | null;
  holdout_to: number | null;
  seed: number;
  /** the metric that ranks cells and picks the holdout candidates */
  metric: string;
  /** how many of the best cells are evaluated on the holdout range */
  holdout_top: number;
  status: SweepStatus;
  cells_total: number;
  /** `pid@host` of the process running the sweep, while it runs */
  owner: string | null;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  kind: SweepKind;
}

export interface CellRow {
  sweep_id: string;
  cell_index: number;
  params_json: string;
  recipe_json: string | null;
  recipe_hash: string | null;
  cell_key: string | null;
  run_id: string | null;
  status: CellStatus;
  error: string | null;
  holdout_run_id: string | null;
  /** a study's trial: the generation that first produced it (NULL for grid cells) */
  generation: number | null;
}

/** A cell as it is inserted: `generation` defaults to NULL (a grid cell). */
export type NewCell = Omit<CellRow, 'sweep_id' | 'generation'> & { generation?: number | null };

const INSERT_CELL_SQL = `INSERT INTO sweep_cells (sweep_id, cell_index, params_json, recipe_json, recipe_hash, cell_key, run_id, status, error, holdout_run_id, generation)
  VALUES (@sweep_id, @cell_index, @params_json, @recipe_json, @recipe_hash, @cell_key, @run_id, @status, @error, @holdout_run_id, @generation)`;

/** Inserts cells of an existing sweep (a study's next generation) and raises its `cells_total`; call inside a transaction. */
export function appendCells(db: Db, sweepId: string, cells: readonly NewCell[]): void {
  const ins = db.prepare(INSERT_CELL_SQL);
  for (const c of cells) ins.run({ generation: null, ...c, sweep_id: sweepId });
  db.prepare('UPDATE sweeps SET cells_total = (SELECT COUNT(*) FROM sweep_cells WHERE sweep_id = ?) WHERE sweep_id = ?').run(sweepId, sweepId);
}

/** Validates a sweep id before it is used (same alphabet as run ids). */
export function parseSweepId(id: string): string {
  if (!RUN_ID_PATTERN.test(id))
    throw new LuckyError('E_INPUT_INVALID', `"${id}" is not a sweep id (expected lowercase letters, digits and dashes, 6-64 characters)`);
  return id;
}

/** Inserts a sweep and all its cells in one transaction: a sweep never exists half-recorded. */
export function insertSweep(
  db: Db,
  sweep: Omit<SweepRow, 'owner' | 'error' | 'started_at' | 'finished_at' | 'kind'> & { kind?: SweepKind },
  cells: readonly NewCell[],
  also?: () => void,
): void {
  const insSweep = db.prepare(
    `INSERT INTO sweeps (sweep_id, name, spec_json, base_recipe_json, first_contest, last_contest, holdout_from, holdout_to, seed, metric, holdout_top,
       status, cells_total, created_at, kind)
     VALUES (@sweep_id, @name, @spec_json, @base_recipe_json, @first_contest, @last_contest, @holdout_from, @holdout_to, @seed, @metric, @holdout_top,
       @status, @cells_total, @created_at, @kind)`,
  );
  const insCell = db.prepare(INSERT_CELL_SQL);
  db.transaction(() => {
    insSweep.run({ kind: 'grid', ...sweep });
    for (const c of cells) insCell.run({ generation: null, ...c, sweep_id: sweep.sweep_id });
    also?.();
  })();
}

export function getSweep(db: Db, sweepId: string): SweepRow | undefined {
  return db.prepare('SELECT * FROM sweeps WHERE sweep_id = ?').get(sweepId) as SweepRow | undefined;
}

export function requireSweep(db: Db, sweepId: string): SweepRow {
  const s = getSweep(db, parseSweepId(sweepId));
  if (!s) throw new LuckyError('E_NOT_FOUND', `sweep ${sweepId} is not in the catalog (see \`luckyfive sweep list\`)`);
  return s;
}

export type SweepUpdate = Partial<Pick<SweepRow, 'status' | 'owner' | 'error' | 'started_at' | 'finished_at'>>;

export function updateSweep(db: Db, sweepId: string, values: SweepUpdate): void {
  const keys = Object.keys(values).filter((k) => /^[a-z_]+$/.test(k));
  if (keys.length === 0) return;
  db.prepare(`UPDATE sweeps SET ${keys.map((k) => `${k} = @${k}`).join(', ')} WHERE sweep_id = @sweep_id`).run({ ...values, sweep_id: sweepId });
}

/** The key a sweep's owner holds while it runs the sweep (see process-owner.ts). */
export function sweepOwnerKey(sweepId: string): string {
  return `sweep:${sweepId}`;
}

/**
 * Marks the sweep as run by this process (status `running`, owner, `started_at` when first
 * started) in one immediate transaction; E_BUSY when another live process is running it.
 * Returns the row as it was before the claim.
 */
export function claimSweep(db: Db, sweepId: string, now: string): SweepRow {
  return db
    .transaction(() => {
      const s = requireSweep(db, sweepId);
      if (s.status === 'running' && isOwnerAlive(s.owner, sweepOwnerKey(sweepId))) {
        throw new LuckyError('E_BUSY', `sweep ${sweepId} is being run by process ${s.owner}`, [
          'wait for it to finish, or stop it (Ctrl-C) and resume it here',
        ]);
      }
      updateSweep(db, sweepId, { status: 'running', owner: ownerTag(), started_at: s.started_at ?? now, error: null });
      holdOwnership(sweepOwnerKey(sweepId));
      return s;
    })
    .immediate();
}

export type CellUpdate = Partial<Pick<CellRow, 'run_id' | 'status' | 'error' | 'holdout_run_id'>>;

export function updateCell(db: Db, sweepId: string, cellIndex: number, values: CellUpdate): void {
  const keys = Object.keys(values).filter((k) => /^[a-z_]+$/.test(k));
  if (keys.length === 0) return;
  db.prepare(`UPDATE sweep_cells SET ${keys.map((k) => `${k} = @${k}`).join(', ')} WHERE sweep_id = @sweep_id AND cell_index = @cell_index`).run({
    ...values,
    sweep_id: sweepId,
    cell_index: cellIndex,
  });
}

/** Marks a run registered from a worker's run file as a cell run of `sweepId` (a local cell run is created with it). */
export function attachRunToSweep(db: Db, runId: string, sweepId: string): void {
  db.prepare('UPDATE runs SET sweep_id = ? WHERE run_id = ?').run(sweepId, runId);
}

/** Records the holdout run id chosen for each cell, all or none. */
export function assignHoldoutRuns(db: Db, sweepId: string, assignments: ReadonlyArray<{ cell_index: number; run_id: string }>): void {
  db.transaction(() => {
    for (const a of assignments) updateCell(db, sweepId, a.cell_index, { holdout_run_id: a.run_id });
  })();
}

/** Every cell of a sweep in index order. */
export function listCells(db: Db, sweepId: string): CellRow[] {
  return db.prepare('SELECT * FROM sweep_cells WHERE sweep_id = ? ORDER BY cell_index').all(sweepId) as CellRow[];
}

/** The index rows of a sweep's cell runs (`run_id`) or holdout runs (`holdout_run_id`), by run id. */
export function readCellRuns(db: Db, sweepId: string, column: 'run_id' | 'holdout_run_id'): Map<string, RunRow> {
  const sql =
    column === 'run_id'
      ? 'SELECT r.* FROM sweep_cells c JOIN runs r ON r.run_id = c.run_id WHERE c.sweep_id = ?'
      : 'SELECT r.* FROM sweep_cells c JOIN runs r ON r.run_id = c.holdout_run_id WHERE c.sweep_id = ?';
  const rows = db.prepare(sql).all(sweepId) as RunRow[];
  return new Map(rows.map((r) => [r.run_id, r]));
}

export interface CellCounts {
  pending: number;
  running: number;
  completed: number;
  failed: number;
}

export function countCells(db: Db, sweepId: string): CellCounts {
  const rows = db.prepare('SELECT status, COUNT(*) AS n FROM sweep_cells WHERE sweep_id = ? GROUP BY status').all(sweepId) as Array<{
    status: CellStatus;
    n: number;
  }>;
  const out: CellCounts = { pending: 0, running: 0, completed: 0, failed: 0 };
  for (const r of rows) out[r.status] = r.n;
  return out;
}

export type SweepListRow = SweepRow & { cells_completed: number; cells_failed: number };

/** Sweeps of one kind (default: grid sweeps), newest first, with their progress. */
export function listSweeps(
  db: Db,
  options: { status?: SweepStatus | undefined; limit?: number | undefined; kind?: SweepKind | undefined } = {},
): SweepListRow[] {
  const where = options.status ? 'WHERE s.kind = ? AND s.status = ?' : 'WHERE s.kind = ?';
  const params: unknown[] = options.status ? [options.kind ?? 'grid', options.status] : [options.kind ?? 'grid'];
  return db
    .prepare(
      `SELECT s.*,
         (SELECT COUNT(*) FROM sweep_cells c WHERE c.sweep_id = s.sweep_id AND c.status = 'completed') AS cells_completed,
         (SELECT COUNT(*) FROM sweep_cells c WHERE c.sweep_id = s.sweep_id AND c.status = 'failed') AS cells_failed
       FROM sweeps s ${where} ORDER BY s.created_at DESC, s.sweep_id DESC LIMIT ?`,
    )
    .all(...params, options.limit ?? -1) as SweepListRow[];
}
