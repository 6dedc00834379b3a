import type { Draw } from '../../src/core/draw.js';
import { createRng } from '../../src/core/rng.js';
import { openCatalog } from '../../src/store/catalog.js';
import { UPSERT_DRAW_SQL, drawToParams } from '../../src/store/draws-repo.js';

/** Uniform random draws for contests from..to, one per day from 2020-01-01, with simple prizes. */
export function makeDraws(from: number, to: number, seed = 99): Draw[] {
  const rng = createRng(seed, 0);
  const out: Draw[] = [];
  for (let c = from; c <= to; c++) {
    const day = new Date(Date.UTC(2020, 0, 1) + (c - from) * 86_400_000).toISOString().slice(0, 10);
    const b = rng.distinct(5, 1, 80);
    out.push({
      contest: c,
      date: day,
      balls: [b[0]!, b[1]!, b[2]!, b[3]!, b[4]!],
      tiers: {
        5: { winners: 0, prize_cents: 0 },
        4: { winners: 40, prize_cents: 800_000 },
        3: { winners: 3000, prize_cents: 10_000 },
        2: { winners: 70_000, prize_cents: 400 },
      },
      accumulated_5_cents: null,
      revenue_cents: 1_500_000_000,
      estimated_next_cents: null,
      accumulated_sao_joao_cents: null,
      winner_locations: null,
      notes: null,
      currency: 'BRL',
      synthetic: true,
      source: 'test',
    });
  }
  return out;
}

/** Writes draws straight into the catalog in `dataDir` (tests only). */
export function seedDraws(dataDir: string, draws: Draw[]): void {
  const c = openCatalog(dataDir);
  const stmt = c.db.prepare(UPSERT_DRAW_SQL);
  c.db.transaction(() => draws.forEach((d) => stmt.run(drawToParams(d, null, '2025-01-01T00:00:00Z', null))))();
  c.close();
}
