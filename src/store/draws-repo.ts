/** Reading and writing draws in the catalog. Every query is prepared once per call site. */
import type { Draw } from '../core/draw.js';
import { type Db, prepareCached } from './sqlite.js';

interface DrawRow {
  contest: number;
  draw_date: string;
  b1: number;
  b2: number;
  b3: number;
  b4: number;
  b5: number;
  winners_5: number | null;
  prize_5_cents: number | null;
  winners_4: number | null;
  prize_4_cents: number | null;
  winners_3: number | null;
  prize_3_cents: number | null;
  winners_2: number | null;
  prize_2_cents: number | null;
  accumulated_5_cents: number | null;
  revenue_cents: number | null;
  estimated_next_cents: number | null;
  accumulated_sao_joao_cents: number | null;
  winner_locations: string | null;
  notes: string | null;
  currency: 'BRL' | 'CRR';
  synthetic: number;
  source: string;
}

const COLUMNS = `contest, draw_date, b1, b2, b3, b4, b5, winners_5, prize_5_cents, winners_4, prize_4_cents,
  winners_3, prize_3_cents, winners_2, prize_2_cents, accumulated_5_cents, revenue_cents, estimated_next_cents,
  accumulated_sao_joao_cents, winner_locations, notes, currency, synthetic, source`;

export function rowToDraw(r: DrawRow): Draw {
  return {
    contest: r.contest,
    date: r.draw_date,
    balls: [r.b1, r.b2, r.b3, r.b4, r.b5],
    tiers: {
      5: { winners: r.winners_5, prize_cents: r.prize_5_cents },
      4: { winners: r.winners_4, prize_cents: r.prize_4_cents },
      3: { winners: r.winners_3, prize_cents: r.prize_3_cents },
      2: { winners: r.winners_2, prize_cents: r.prize_2_cents },
    },
    accumulated_5_cents: r.accumulated_5_cents,
    revenue_cents: r.revenue_cents,
    estimated_next_cents: r.estimated_next_cents,
    accumulated_sao_joao_cents: r.accumulated_sao_joao_cents,
    winner_locations: r.winner_locations,
    notes: r.notes,
    currency: r.currency,
    synthetic: r.synthetic === 1,
    source: r.source,
  };
}

/** Flat parameters for INSERT/UPDATE of one draw. */
export function drawToParams(d: Draw, importId: number | null, importedAt: string, raw: string | null): Record<string, unknown> {
  return {
    contest: d.contest,
    draw_date: d.date,
    b1: d.balls[0],
    b2: d.balls[1],
    b3: d.balls[2],
    b4: d.balls[3],
    b5: d.balls[4],
    winners_5: d.tiers[5].winners,
    prize_5_cents: d.tiers[5].prize_cents,
    winners_4: d.tiers[4].winners,
    prize_4_cents: d.tiers[4].prize_cents,
    winners_3: d.tiers[3].winners,
    prize_3_cents: d.tiers[3].prize_cents,
    winners_2: d.tiers[2].winners,
    prize_2_cents: d.tiers[2].prize_cents,
    accumulated_5_cents: d.accumulated_5_cents,
    revenue_cents: d.revenue_cents,
    estimated_next_cents: d.estimated_next_cents,
    accumulated_sao_joao_cents: d.accumulated_sao_joao_cents,
    winner_locations: d.winner_locations,
    notes: d.notes,
    currency: d.currency,
    synthetic: d.synthetic ? 1 : 0,
    source: d.source,
    raw,
    import_id: importId,
    imported_at: importedAt,
  };
}

export const UPSERT_DRAW_SQL = `INSERT INTO draws (${COLUMNS}, raw, import_id, imported_at)
  VALUES (@contest, @draw_date, @b1, @b2, @b3, @b4, @b5, @winners_5, @prize_5_cents, @winners_4, @prize_4_cents,
  @winners_3, @prize_3_cents, @winners_2, @prize_2_cents, @accumulated_5_cents, @revenue_cents, @estimated_next_cents,
  @accumulated_sao_joao_cents, @winner_locations, @notes, @currency, @synthetic, @source, @raw, @import_id, @imported_at)
  ON CONFLICT(contest) DO UPDATE SET draw_date = excluded.draw_date, b1 = excluded.b1, b2 = excluded.b2, b3 = excluded.b3,
  b4 = excluded.b4, b5 = excluded.b5, winners_5 = excluded.winners_5, prize_5_cents = excluded.prize_5_cents,
  winners_4 = excluded.winners_4, prize_4_cents = excluded.prize_4_cents, winners_3 = excluded.winners_3,
  prize_3_cents = excluded.prize_3_cents, winners_2 = excluded.winners_2, prize_2_cents = excluded.prize_2_cents,
  accumulated_5_cents = excluded.accumulated_5_cents, revenue_cents = excluded.revenue_cents,
  estimated_next_cents = excluded.estimated_next_cents, accumulated_sao_joao_cents = excluded.accumulated_sao_joao_cents,
  winner_locations = excluded.winner_locations, notes = excluded.notes, currency = excluded.currency,
  synthetic = excluded.synthetic, source = excluded.source, raw = excluded.raw, import_id = excluded.import_id,
  imported_at = excluded.imported_at`;

export function getDraw(db: Db, contest: number): Draw | undefined {
  const row = prepareCached(db, `SELECT ${COLUMNS} FROM draws WHERE contest = ?`).get(contest) as DrawRow | undefined;
  return row ? rowToDraw(row) : undefined;
}

export interface DrawFilter {
  from?: number | undefined;
  to?: number | undefined;
  since?: string | undefined;
  until?: string | undefined;
  limit?: number | undefined;
  /** cursor: contests strictly after (ascending) or before (descending) this one */
  after?: number | undefined;
  order?: 'asc' | 'desc' | undefined;
}

/** Draws matching the filter, in contest order; one query. */
export function listDraws(db: Db, f: DrawFilter = {}): Draw[] {
  const where: string[] = [];
  const params: unknown[] = [];
  const order = f.order ?? 'asc';
  if (f.from !== undefined) {
    where.push('contest >= ?');
    params.push(f.from);
  }
  if (f.to !== undefined) {
    where.push('contest <= ?');
    params.push(f.to);
  }
  // A date bound also becomes the contest bound it implies (exactly: MIN/MAX over the matching
  // dates), so SQLite reads a contest range instead of scanning from the first or last contest.
  // The subqueries read only the (draw_date, contest) index.
  if (f.since !== undefined) {
    where.push('draw_date >= ?', 'contest >= (SELECT MIN(contest) FROM draws INDEXED BY draws_date WHERE draw_date >= ?)');
    params.push(f.since, f.since);
  }
  if (f.until !== undefined) {
    where.push('draw_date <= ?', 'contest <= (SELECT MAX(contest) FROM draws INDEXED BY draws_date WHERE draw_date <= ?)');
    params.push(f.until, f.until);
  }
  if (f.after !== undefined) {
    where.push(order === 'asc' ? 'contest > ?' : 'contest < ?');
    params.push(f.after);
  }
  const sql = `SELECT ${COLUMNS} FROM draws ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY contest ${order === 'asc' ? 'ASC' : 'DESC'} ${f.limit !== undefined ? 'LIMIT ?' : ''}`;
  if (f.limit !== undefined) params.push(f.limit);
  return (prepareCached(db, sql).all(...params) as DrawRow[]).map(rowToDraw);
}

export interface DrawBounds {
  count: number;
  first_contest: number | null;
  last_contest: number | null;
  first_date: string | null;
  last_date: string | null;
  synthetic: number;
}

/** The draw date of `contest`, or undefined when the contest is not in the catalog. */
export function getDrawDate(db: Db, contest: number): string | undefined {
  return (prepareCached(db, 'SELECT draw_date FROM draws WHERE contest = ?').get(contest) as { draw_date: string } | undefined)?.draw_date;
}

/** How many draws the catalog holds (synthetic ones included). */
export function countDraws(db: Db): number {
  return prepareCached(db, 'SELECT COUNT(*) FROM draws').pluck().get() as number;
}

/** Draws stored, and how many of them are the synthetic sample. */
export function countDrawsBySource(db: Db): { total: number; synthetic: number } {
  return prepareCached(db, 'SELECT COUNT(*) AS total, COALESCE(SUM(synthetic), 0) AS synthetic FROM draws').get() as { total: number; synthetic: number };
}

/** Deletes every synthetic sample draw; returns how many went. */
export function deleteSyntheticDraws(db: Db): number {
  return prepareCached(db, 'DELETE FROM draws WHERE synthetic = 1').run().changes;
}

/**
 * A writer of draws for one import: each call inserts the draw, or overwrites the stored
 * contest. The statement is prepared once per writer (imports write thousands of rows).
 */
export function createDrawWriter(db: Db): (d: Draw, importId: number | null, importedAt: string, raw: string | null) => void {
  const upsert = db.prepare(UPSERT_DRAW_SQL);
  return (d, importId, importedAt, raw) => void upsert.run(drawToParams(d, importId, importedAt, raw));
}

export function readDrawBounds(db: Db): DrawBounds {
  return db
    .prepare(
      `SELECT COUNT(*) AS count, MIN(contest) AS first_contest, MAX(contest) AS last_contest,
        MIN(draw_date) AS first_date, MAX(draw_date) AS last_date, COALESCE(SUM(synthetic), 0) AS synthetic FROM draws`,
    )
    .get() as DrawBounds;
}

/** Missing contest numbers between the first and last stored contest, as inclusive ranges. */
export function readGaps(db: Db): Array<{ from: number; to: number }> {
  return db
    .prepare(
      `SELECT contest + 1 AS "from", next - 1 AS "to" FROM (
         SELECT contest, LEAD(contest) OVER (ORDER BY contest) AS next FROM draws
       ) WHERE next IS NOT NULL AND next > contest + 1`,
    )
    .all() as Array<{ from: number; to: number }>;
}
