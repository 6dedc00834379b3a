/**
 * Planning a run: turn a range request into the exact contests to simulate and the draws each
 * one may see, with every refusal made before any file is created.
 */
import { createHash } from 'node:crypto';
import { type RangeRequest, resolveRunRange } from '../core/contest-range.js';
import type { Draw } from '../core/draw.js';
import { LuckyError } from '../errors.js';
import { listDraws, readDrawBounds } from '../store/draws-repo.js';
import type { Db } from '../store/sqlite.js';

export { MAX_RANGE, type RangeRequest } from '../core/contest-range.js';

export interface RunPlan {
  first_contest: number;
  last_contest: number;
  /** contests in the range that exist in the catalog, ascending */
  targets: Draw[];
  /** contests in the range missing from the catalog: reported, never silently skipped */
  missing: number[];
  /** every draw a target may see (history) plus the targets, ascending */
  draws: Draw[];
  /** index into `draws` of each target */
  target_index: number[];
  dataset_hash: string;
  synthetic: boolean;
  /** targets that see fewer than `history` draws */
  short_history: number[];
}

/** Resolves `range` against the catalog; throws E_RANGE_INVALID / E_DATA_MISSING before anything is written. */
export function planRun(db: Db, range: RangeRequest, history: number): RunPlan {
  const bounds = readDrawBounds(db);
  if (bounds.count === 0 || bounds.first_contest === null || bounds.last_contest === null) {
    throw new LuckyError('E_DATA_MISSING', 'the catalog has no draws: run `luckyfive import FILE` (or `luckyfive import --sample`)');
  }
  const { from, to } = resolveRunRange(range, bounds.last_contest);
  if (from < bounds.first_contest || to > bounds.last_contest) {
    throw new LuckyError('E_DATA_MISSING', `the range ${from}..${to} is outside the imported data (${bounds.first_contest}..${bounds.last_contest})`);
  }
  if (from <= bounds.first_contest) {
    throw new LuckyError('E_DATA_MISSING', `contest ${from} has no earlier draws to learn from; start at ${bounds.first_contest + 1} or later`);
  }
  // Only the draws a target can see: the range itself plus `history` draws before it (newest
  // first, then reversed). Fewer rows than asked means the catalog starts inside the window.
  const wanted = history + (to - from + 1);
  const upTo = listDraws(db, { to, order: 'desc', limit: wanted }).reverse();
  const fromCatalogStart = upTo.length < wanted;
  const firstTargetIdx = upTo.findIndex((d) => d.contest >= from);
  const start = Math.max(0, firstTargetIdx - history);
  const draws = upTo.slice(start);
  const targets: Draw[] = [];
  const target_index: number[] = [];
  const short_history: number[] = [];
  draws.forEach((d, i) => {
    if (d.contest >= from) {
      targets.push(d);
      target_index.push(i);
      if (fromCatalogStart && start + i < history) short_history.push(d.contest);
    }
  });
  const present = new Set(targets.map((d) => d.contest));
  const missing: number[] = [];
  for (let c = from; c <= to; c++) if (!present.has(c)) missing.push(c);
  if (targets.length === 0) throw new LuckyError('E_DATA_MISSING', `no contest of ${from}..${to} is in the catalog`);
  return {
    first_contest: from,
    last_contest: to,
    targets,
    missing,
    draws,
    target_index,
    dataset_hash: hashDraws(draws),
    synthetic: draws.some((d) => d.synthetic),
    short_history,
  };
}

/** sha256 over every field of the draws a run used that can change its results or money. */
export function hashDraws(draws: readonly Draw[]): string {
  const h = createHash('sha256');
  for (const d of draws) {
    h.update(
      `${d.contest}|${d.date}|${d.balls.join(',')}|${[5, 4, 3, 2].map((t) => `${d.tiers[t as 5].winners}:${d.tiers[t as 5].prize_cents}`).join(',')}|${d.revenue_cents}|${d.synthetic ? 1 : 0}\n`,
    );
  }
  return h.digest('hex');
}
