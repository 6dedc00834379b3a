import { afterEach, beforeEach } from 'vitest';
import type { Balls, Draw } from '../../src/core/draw.js';
import { openCatalog } from '../../src/store/catalog.js';
import { UPSERT_DRAW_SQL, drawToParams } from '../../src/store/draws-repo.js';
import { type CliResult, cli, tempDir } from './cli.js';

type Tier = { winners: number | null; prize_cents: number | null };

/** A minimal draw: the given contest, date and balls, prizes per tier as given (else unknown). */
export function makeDraw(contest: number, date: string, balls: Balls, tiers: Partial<Record<2 | 3 | 4 | 5, Tier>> = {}, revenue: number | null = null): Draw {
  const unknown: Tier = { winners: null, prize_cents: null };
  return {
    contest,
    date,
    balls,
    tiers: { 5: tiers[5] ?? unknown, 4: tiers[4] ?? unknown, 3: tiers[3] ?? unknown, 2: tiers[2] ?? unknown },
    accumulated_5_cents: null,
    revenue_cents: revenue,
    estimated_next_cents: null,
    accumulated_sao_joao_cents: null,
    winner_locations: null,
    notes: null,
    currency: contest <= 28 ? 'CRR' : 'BRL',
    synthetic: false,
    source: 'test',
  };
}

/** Inserts draws into the catalog of `dataDir` (creating and migrating it). */
export function insertDraws(dataDir: string, draws: readonly Draw[]): void {
  const c = openCatalog(dataDir);
  try {
    const stmt = c.db.prepare(UPSERT_DRAW_SQL);
    for (const d of draws) stmt.run(drawToParams(d, null, '2025-01-01T00:00:00.000Z', null));
  } finally {
    c.close();
  }
}

export interface RunFields {
  run_id: string;
  first_contest: number;
  last_contest: number;
  tickets: number;
  numbers_per_ticket?: number;
  cost_cents?: number | null;
  prize_cents?: number | null;
  roi_pct?: number | null;
  status?: string;
  name?: string | null;
}

/** Inserts a minimal row into the run index (what the simulate engine will write). */
export function insertRun(dataDir: string, r: RunFields): void {
  const c = openCatalog(dataDir);
  try {
    const cost = r.cost_cents ?? null;
    const prize = r.prize_cents ?? null;
    c.db
      .prepare(
        `INSERT INTO runs (run_id, name, recipe_hash, recipe_json, strategy, seed, numbers_per_ticket, tickets_per_contest, engine_version,
          first_contest, last_contest, status, contests_planned, contests_done, tickets, cost_cents, prize_cents, net_cents, roi_pct, file, created_at)
         VALUES (?, ?, ?, '{}', 'random', 1, ?, 1, 'test', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'runs/x.sqlite', ?)`,
      )
      .run(
        r.run_id,
        r.name ?? null,
        `hash-${r.run_id}`,
        r.numbers_per_ticket ?? 5,
        r.first_contest,
        r.last_contest,
        r.status ?? 'completed',
        r.last_contest - r.first_contest + 1,
        r.last_contest - r.first_contest + 1,
        r.tickets,
        cost,
        prize,
        cost !== null && prize !== null ? prize - cost : null,
        r.roi_pct ?? null,
        `2025-01-01T00:00:0${c.db.prepare('SELECT COUNT(*) AS n FROM runs').pluck().get() as number}.000Z`,
      );
  } finally {
    c.close();
  }
}

/**
 * The draws most books tests use: 6500 (R$ 2,50 era, before the 6596 pool-share change; no quina
 * or quadra winner, so those tiers are estimates), 6800 (R$ 3,00 era) and 6882 (the last one).
 */
export function insertStandardDraws(dataDir: string): void {
  insertDraws(dataDir, [
    makeDraw(
      6500,
      '2024-06-01',
      [10, 20, 30, 40, 50],
      {
        5: { winners: 0, prize_cents: 0 },
        4: { winners: 0, prize_cents: 0 },
        3: { winners: 100, prize_cents: 12_000 },
        2: { winners: 1000, prize_cents: 400 },
      },
      800_000_000,
    ),
    makeDraw(
      6800,
      '2025-08-15',
      [1, 2, 3, 4, 50],
      {
        5: { winners: 0, prize_cents: 0 },
        4: { winners: 10, prize_cents: 800_000 },
        3: { winners: 200, prize_cents: 11_000 },
        2: { winners: 5000, prize_cents: 400 },
      },
      900_000_000,
    ),
    makeDraw(6882, '2025-11-19', [5, 15, 25, 35, 45]),
  ]);
}

/**
 * For the books' CLI tests: a fresh data dir holding {@link insertStandardDraws} before each
 * test (removed after it), and `run(...args)` for the CLI on it. Call at the top of a file.
 */
export function booksCli(): { readonly dir: string; run: (...args: string[]) => Promise<CliResult> } {
  let dir = '';
  let cleanup = () => {};
  beforeEach(() => {
    ({ dir, cleanup } = tempDir());
    insertStandardDraws(dir);
  });
  afterEach(() => cleanup());
  return {
    get dir() {
      return dir;
    },
    run: (...args: string[]) => cli(args, { dataDir: dir }),
  };
}
