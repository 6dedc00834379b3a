import type { Draw } from '../../src/core/draw.js';
import { createRng } from '../../src/core/rng.js';
import type { Db } from '../../src/store/sqlite.js';
import { UPSERT_DRAW_SQL, drawToParams } from '../../src/store/draws-repo.js';

/** A deterministic synthetic draw for `contest` (flagged synthetic). */
export function syntheticDraw(contest: number): Draw {
  const balls = createRng(20_240_101, contest)
    .distinct(5, 1, 80)
    .sort((a, b) => a - b) as unknown as Draw['balls'];
  const day = new Date(Date.UTC(1994, 2, 13) + (contest - 1) * 2 * 86_400_000).toISOString().slice(0, 10);
  const tier = (w: number, p: number) => ({ winners: w, prize_cents: p });
  return {
    contest,
    date: day,
    balls,
    tiers: { 5: tier(0, 0), 4: tier(12, 850_000), 3: tier(900, 12_000), 2: tier(20_000, 300) },
    accumulated_5_cents: 1_000_000,
    revenue_cents: 50_000_000,
    estimated_next_cents: null,
    accumulated_sao_joao_cents: null,
    winner_locations: null,
    notes: null,
    currency: 'BRL',
    synthetic: true,
    source: 'synthetic-test',
  };
}

/** Inserts contests 1..n in one transaction. */
export function insertSyntheticDraws(db: Db, n: number): void {
  const stmt = db.prepare(UPSERT_DRAW_SQL);
  const at = '2026-01-01T00:00:00.000Z';
  db.transaction(() => {
    for (let c = 1; c <= n; c++) stmt.run(drawToParams(syntheticDraw(c), null, at, null));
  })();
}
