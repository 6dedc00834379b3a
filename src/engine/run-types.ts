/** The types every run (a lone simulate or a sweep cell) shares: its environment, events and report. */
import type { PricePeriod } from '../core/finance/prices.js';
import type { PayoutRule } from '../core/finance/prizes.js';
import type { Catalog } from '../store/catalog.js';
import type { RunRow } from '../store/runs-repo.js';
import type { PredictPool } from './pool.js';
import type { RunTotals } from './summarize.js';

/** Bumped whenever the engine or predictor changes what a run produces (2: per-contest best-of laws, a price change's own draw day charged the old price). */
export const ENGINE_VERSION = 'luckyfive-engine/2';

export type RunEvent =
  | {
      type: 'run_start';
      run_id: string;
      file: string;
      first_contest: number;
      last_contest: number;
      contests: number;
      remaining: number;
      missing_contests: number[];
      synthetic_data: boolean;
    }
  | {
      type: 'contest';
      run_id: string;
      contest: number;
      draw: number[];
      best_hits: number;
      best_ticket: number;
      hits: number[];
      cost_cents: number;
      prize_cents: number;
    }
  | { type: 'summary'; [key: string]: unknown };

export interface RunEnv {
  catalog: Catalog;
  pool: PredictPool;
  now: () => Date;
  signal?: AbortSignal | undefined;
  onEvent?: ((e: RunEvent) => void) | undefined;
  /** price table and payout rule; default: the catalog's, falling back to FACTS.md */
  prices?: readonly PricePeriod[] | undefined;
  payoutRule?: PayoutRule | undefined;
}

export interface RunReport extends RunTotals {
  run_id: string;
  file: string;
  status: RunRow['status'];
  name: string | null;
  recipe_hash: string;
  strategy: string;
  seed: number;
  first_contest: number;
  last_contest: number;
  missing_contests: number[];
  short_history_contests: number[];
  synthetic_data: boolean;
  dataset_hash: string;
  engine_version: string;
}
