/** Seeded synthetic draws for predictor tests: uniform 5-of-80 balls from createRng. */
import type { Balls, Draw } from '../../src/core/draw.js';
import { createRng } from '../../src/core/rng.js';
import { openCatalog } from '../../src/store/catalog.js';
import { UPSERT_DRAW_SQL, drawToParams } from '../../src/store/draws-repo.js';

/** `count` synthetic draws for contests first..first+count-1, one per day from 2020-01-01. */
export function syntheticDraws(count: number, options: { first?: number; seed?: number } = {}): Draw[] {
  const rng = createRng(options.seed ?? 99, 0);
  const first = options.first ?? 1;
  return Array.from({ length: count }, (_, i) => {
    const date = new Date(Date.UTC(2020, 0, 1 + i)).toISOString().slice(0, 10);
    return {
      contest: first + i,
      date,
      balls: rng.distinct(5, 1, 80) as unknown as Balls,
      tiers: { 5: { winners: 0, prize_cents: 0 }, 4: { winners: 0, prize_cents: 0 }, 3: { winners: 0, prize_cents: 0 }, 2: { winners: 0, prize_cents: 0 } },
      accumulated_5_cents: null,
      revenue_cents: null,
      estimated_next_cents: null,
      accumulated_sao_joao_cents: null,
      winner_locations: null,
      notes: null,
      currency: 'BRL',
      synthetic: true,
      source: 'test',
    };
  });
}

/** Writes `draws` into the catalog of `dataDir` (created if needed). */
export function writeDraws(dataDir: string, draws: readonly Draw[]): void {
  const catalog = openCatalog(dataDir);
  try {
    const stmt = catalog.db.prepare(UPSERT_DRAW_SQL);
    catalog.db.transaction(() => {
      for (const d of draws) stmt.run(drawToParams(d, null, '2020-01-01T00:00:00Z', null));
    })();
  } finally {
    catalog.close();
  }
}
