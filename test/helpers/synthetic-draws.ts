/** Seeded synthetic draws for predictor tests: the balls and dates of `makeDraws`, with no prize data. */
import type { Draw } from '../../src/core/draw.js';
import { makeDraws, seedDraws } from './draws.js';

const NO_TIER = { winners: 0, prize_cents: 0 };

/** `count` synthetic draws for contests first..first+count-1, one per day from 2020-01-01. */
export function syntheticDraws(count: number, options: { first?: number; seed?: number } = {}): Draw[] {
  const first = options.first ?? 1;
  return makeDraws(first, first + count - 1, options.seed ?? 99).map((d) => ({
    ...d,
    tiers: { 5: NO_TIER, 4: NO_TIER, 3: NO_TIER, 2: NO_TIER },
    revenue_cents: null,
  }));
}

/** Writes `draws` into the catalog of `dataDir` (created if needed). */
export function writeDraws(dataDir: string, draws: readonly Draw[]): void {
  seedDraws(dataDir, [...draws]);
}
