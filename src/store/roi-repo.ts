/** What `finance roi` reads: run rows (from the run index) and the draw dates that price them. */
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
  const get = db.prepare(`SELECT ${RUN_COLUMNS} FROM runs WHERE run_id = ?`);
  const missing: string[] = [];
  const rows: RunRow[] = [];
  for (const id of ids) {
    const row = get.get(id) as RunRow | undefined;
    if (row) rows.push(row);
    else missing.push(id);
  }
  if (missing.length) throw new LuckyError('E_NOT_FOUND', `no run ${missing.join(', ')} in the catalog`, ['`luckyfive finance roi` without --run lists every completed run']);
  return rows;
}

/** contest -> draw date for contests in [from, to]. */
export function readDrawDates(db: Db, from: number, to: number): Map<number, string> {
  const rows = db.prepare('SELECT contest, draw_date FROM draws WHERE contest BETWEEN ? AND ?').all(from, to) as Array<{ contest: number; draw_date: string }>;
  return new Map(rows.map((r) => [r.contest, r.draw_date]));
}
