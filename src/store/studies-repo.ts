/**
 * A study's own rows (`luckyfive optimize`): its search method, options and progress (`studies`),
 * each generation's population as cell indexes (`study_generations`) and every look at the
 * holdout (`study_looks`). The trials themselves are the cells of the study's sweep row.
 */
import { LuckyError } from '../errors.js';
import type { OptimizeMethod } from '../core/optimize/spec.js';
import type { Db } from './sqlite.js';
import { parseSweepId } from './sweeps-repo.js';

export interface StudyRow {
  sweep_id: string;
  method: OptimizeMethod;
  /** population, generations, mutation_rate, elite, tournament, trials */
  options_json: string;
  trials_planned: number;
  /** generations whose trials all have an outcome and whose successor (if any) is recorded */
  generations_done: number;
  search_done: 0 | 1;
}

export interface LookRow {
  sweep_id: string;
  look: number;
  at: string;
  /** the top N asked for */
  top: number;
  /** the cell indexes this look added to the holdout, in rank order */
  cells_json: string;
  reason: string | null;
}

export function insertStudy(db: Db, row: Omit<StudyRow, 'generations_done' | 'search_done'>): void {
  db.prepare('INSERT INTO studies (sweep_id, method, options_json, trials_planned) VALUES (@sweep_id, @method, @options_json, @trials_planned)').run(row);
}

export function getStudy(db: Db, sweepId: string): StudyRow | undefined {
  return db.prepare('SELECT * FROM studies WHERE sweep_id = ?').get(sweepId) as StudyRow | undefined;
}

/** The study row; E_NOT_FOUND when the id is not a study (a grid sweep's id included). */
export function requireStudy(db: Db, sweepId: string): StudyRow {
  const s = getStudy(db, parseSweepId(sweepId));
  if (!s) throw new LuckyError('E_NOT_FOUND', `study ${sweepId} is not in the catalog (see \`luckyfive optimize list\`)`);
  return s;
}

export function updateStudy(db: Db, sweepId: string, values: Partial<Pick<StudyRow, 'generations_done' | 'search_done'>>): void {
  if (values.generations_done !== undefined) db.prepare('UPDATE studies SET generations_done = ? WHERE sweep_id = ?').run(values.generations_done, sweepId);
  if (values.search_done !== undefined) db.prepare('UPDATE studies SET search_done = ? WHERE sweep_id = ?').run(values.search_done, sweepId);
}

/** Records a generation's population (cell indexes, in order); call inside the transaction that adds its cells. */
export function insertGeneration(db: Db, sweepId: string, generation: number, members: readonly number[]): void {
  db.prepare('INSERT INTO study_generations (sweep_id, generation, members_json) VALUES (?, ?, ?)').run(sweepId, generation, JSON.stringify(members));
}

/** Every recorded generation in order, with its members. */
export function listGenerations(db: Db, sweepId: string): Array<{ generation: number; members: number[] }> {
  const rows = db.prepare('SELECT generation, members_json FROM study_generations WHERE sweep_id = ? ORDER BY generation').all(sweepId) as Array<{
    generation: number;
    members_json: string;
  }>;
  return rows.map((r) => ({ generation: r.generation, members: JSON.parse(r.members_json) as number[] }));
}

export function insertLook(db: Db, row: LookRow): void {
  db.prepare('INSERT INTO study_looks (sweep_id, look, at, top, cells_json, reason) VALUES (@sweep_id, @look, @at, @top, @cells_json, @reason)').run(row);
}

export function listLooks(db: Db, sweepId: string): LookRow[] {
  return db.prepare('SELECT * FROM study_looks WHERE sweep_id = ? ORDER BY look').all(sweepId) as LookRow[];
}
