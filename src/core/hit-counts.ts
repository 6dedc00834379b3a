/**
 * The hit counts a run yields (per ticket and per contest): the input of the baseline report.
 */
import { LuckyError } from '../errors.js';
import { BALLS_PER_DRAW } from './draw.js';

/** What a backtest counted, enough to compare it with the exact odds. */
export interface HitCounts {
  tickets: number;
  numbers_per_ticket: number;
  /** tickets with 0..5 hits */
  distribution: number[];
  contests: number;
  /** contests whose best ticket reached >= h hits */
  best_at_least: { 2: number; 3: number; 4: number; 5: number };
  tickets_per_contest: number;
}

function nonNegInt(x: unknown, path: string, problems: string[]): void {
  if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < 0) problems.push(`${path}: must be a non-negative integer, got ${String(x)}`);
}

/**
 * Checks that counts are consistent (the distribution sums to the tickets, best-of counts shrink
 * as h grows and never exceed the contests); throws E_INPUT_INVALID with `path: problem` lines.
 */
export function validateHitCounts(c: HitCounts): void {
  const p: string[] = [];
  nonNegInt(c.tickets, 'tickets', p);
  nonNegInt(c.contests, 'contests', p);
  if (!Number.isInteger(c.numbers_per_ticket) || c.numbers_per_ticket < 5 || c.numbers_per_ticket > 15)
    p.push(`numbers_per_ticket: must be 5..15, got ${c.numbers_per_ticket}`);
  if (!Number.isInteger(c.tickets_per_contest) || c.tickets_per_contest < 1)
    p.push(`tickets_per_contest: must be a positive integer, got ${c.tickets_per_contest}`);
  if (!Array.isArray(c.distribution) || c.distribution.length !== BALLS_PER_DRAW + 1) p.push('distribution: must list tickets with 0..5 hits (6 counts)');
  else {
    c.distribution.forEach((d, i) => nonNegInt(d, `distribution[${i}]`, p));
    const sum = c.distribution.reduce((s, d) => s + d, 0);
    if (sum !== c.tickets) p.push(`distribution: sums to ${sum}, expected tickets = ${c.tickets}`);
  }
  let prev = c.contests;
  for (const h of [2, 3, 4, 5] as const) {
    const v = c.best_at_least?.[h];
    nonNegInt(v, `best_at_least.${h}`, p);
    if (typeof v === 'number' && v > prev) p.push(`best_at_least.${h}: ${v} exceeds ${h === 2 ? 'contests' : `best_at_least.${h - 1}`} (${prev})`);
    if (typeof v === 'number') prev = v;
  }
  if (c.tickets < 1 || c.contests < 1) p.push('tickets, contests: a baseline needs at least one ticket in one contest');
  if (p.length) throw new LuckyError('E_INPUT_INVALID', 'invalid hit counts', p);
}
