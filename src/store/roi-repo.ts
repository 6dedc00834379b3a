/**
 * What the books read from the run index: the run rows `finance roi` analyses (with the draw dates
 * that price them) and the recipe hash a bet linked to a run records.
 */
import type { RunRow } from '../core/finance/roi.js';
import { LuckyError } from '../errors.js';
import type { Db } from './sqlite.js';

const RUN_COLUMNS = `run_id, name, status, synthetic, first_contest, last_contest, numbers_per_ticket, tickets,
  cost_cents, prize_cents, net_cents, roi_pct`;

/** The given runs (E_NOT_FOUND for an unknown id), or every completed run, oldest first. */
export function readRoiRuns(db: Db, ids: readonly string[] = []): RunRow[] {
  if (ids.length === 0) {
    return db.prepare(`SELECT ${RUN_COLUMNS} FROM runs WHERE status = 'completed' ORDER BY created_at, run_id`).all() as RunRow[];
  }
  // One query for all the ids (bound, never spliced), then back into the order asked for.
  const found = db.prepare(`SELECT ${RUN_COLUMNS} FROM runs WHERE run_id IN (${ids.map(() => '?').join(', ')})`).all(...ids) as RunRow[];
  const byId = new Map(found.map((r) => [r.run_id, r]));
  const missing = ids.filter((id) => !byId.has(id));
  const rows = ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
  if (missing.length)
    throw new LuckyError('E_NOT_FOUND', `no run ${missing.join(', ')} in the catalog`, ['`luckyfive finance roi` without --run lists every completed run']);
  return rows;
}

/** The recipe hash of run `runId` in the run index, or undefined when the index does not hold it. */
export function readRunRecipeHash(db: Db, runId: string): string | undefined {
  const row = db.prepare('SELECT recipe_hash FROM runs WHERE run_id = ?').get(runId) as { recipe_hash: string } | undefined;
  return row?.recipe_hash;
}

/** contest -> draw date for contests in [from, to]. */
export function readDrawDates(db: Db, from: number, to: number): Map<number, string> {
  const rows = db.prepare('SELECT contest, draw_date FROM draws WHERE contest BETWEEN ? AND ?').all(from, to) as Array<{ contest: number; draw_date: string }>;
  return new Map(rows.map((r) => [r.contest, r.draw_date]));
}
