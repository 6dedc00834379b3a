/**
 * The one rule for contest ranges, shared by every command and route (simulate, sweep, draws
 * list/stats, the HTTP bodies and queries): a range is `from`..`to` or the `last` N contests,
 * never both; it is not empty or reversed; it spans at most {@link MAX_RANGE} contests. Every
 * refusal is E_RANGE_INVALID (exit 2, HTTP 400) and names the fields as the caller spells them
 * (`--from`, `body.from`, `query.from`).
 */
import { LuckyError } from '../errors.js';

/** Longest range one command or request may ask for. */
export const MAX_RANGE = 10_000;

/** A range as asked: explicit contests, or the last N of the catalog. */
export type RangeRequest = { from: number; to: number } | { last: number };

/** A filter range: either end may be open, or the last N contests. */
export type RangeFilter = { from?: number | undefined; to?: number | undefined } | { last: number };

/** The three fields as given (undefined when absent). */
export interface RangeFields {
  from?: number | undefined;
  to?: number | undefined;
  last?: number | undefined;
}

/** How the caller names the fields in messages; `details` adds one `name: problem` line (HTTP). */
export interface RangeNames {
  from: string;
  to: string;
  last: string;
  details?: boolean;
}

export const FLAG_NAMES: RangeNames = { from: '--from', to: '--to', last: '--last' };
/** A sweep's holdout range has no `last` form. */
export const HOLDOUT_FLAGS: RangeNames = { from: '--holdout-from', to: '--holdout-to', last: '--holdout-last' };

/** Field names under a request part: `fieldNames('body')` names `body.from`, `body.to`, `body.last`. */
export function fieldNames(prefix: string): RangeNames {
  return { from: `${prefix}.from`, to: `${prefix}.to`, last: `${prefix}.last`, details: true };
}

const COUNT = new Intl.NumberFormat('en-US');

function refuse(names: RangeNames, field: 'from' | 'to' | 'last', message: string): LuckyError {
  const detail = message.startsWith(names[field]) ? message : `${names[field]}: ${message}`;
  return new LuckyError('E_RANGE_INVALID', message, names.details ? [detail] : []);
}

function checkContest(names: RangeNames, field: 'from' | 'to', v: number): void {
  if (!Number.isSafeInteger(v) || v < 1) throw refuse(names, field, `${names[field]} must be a contest number (a whole number from 1), got ${v}`);
}

function checkLast(names: RangeNames, last: number): void {
  if (!Number.isSafeInteger(last) || last < 1) throw refuse(names, 'last', `${names.last} ${last} is an empty range: give at least 1 contest`);
  if (last > MAX_RANGE) throw refuse(names, 'last', `${names.last} ${last}: at most ${COUNT.format(MAX_RANGE)} contests`);
}

function checkSpan(names: RangeNames, from: number, to: number): void {
  if (from > to) throw refuse(names, 'from', `the range ${from}..${to} is empty: ${names.from} must not be after ${names.to}`);
  const n = to - from + 1;
  if (n > MAX_RANGE) throw refuse(names, 'to', `the range ${from}..${to} has ${COUNT.format(n)} contests: at most ${COUNT.format(MAX_RANGE)} contests`);
}

function refuseMix(names: RangeNames, f: RangeFields): void {
  if (f.last !== undefined && (f.from !== undefined || f.to !== undefined)) {
    throw refuse(names, 'last', `give ${names.from}/${names.to} or ${names.last}, not both`);
  }
}

/**
 * A run's range (simulate, sweep, `POST /simulations`): `from` and `to` together, or `last`.
 * Returns undefined when nothing was given and `optional` (a sweep spec may hold the range).
 */
export function parseRunRange(f: RangeFields, names: RangeNames = FLAG_NAMES, optional = false): RangeRequest | undefined {
  refuseMix(names, f);
  if (f.last !== undefined) {
    checkLast(names, f.last);
    return { last: f.last };
  }
  if (f.from === undefined && f.to === undefined) {
    if (optional) return undefined;
    throw refuse(names, 'from', `give a contest range: ${names.from} A ${names.to} B, or ${names.last} N`);
  }
  if (f.from === undefined || f.to === undefined) throw refuse(names, f.from === undefined ? 'from' : 'to', `${names.from} and ${names.to} go together`);
  checkContest(names, 'from', f.from);
  checkContest(names, 'to', f.to);
  checkSpan(names, f.from, f.to);
  return { from: f.from, to: f.to };
}

/** A filter range (draws list/stats, list queries): either end may be open, or `last`; never both forms. */
export function parseRangeFilter(f: RangeFields, names: RangeNames = FLAG_NAMES): RangeFilter {
  refuseMix(names, f);
  if (f.last !== undefined) {
    checkLast(names, f.last);
    return { last: f.last };
  }
  if (f.from !== undefined) checkContest(names, 'from', f.from);
  if (f.to !== undefined) checkContest(names, 'to', f.to);
  if (f.from !== undefined && f.to !== undefined) checkSpan(names, f.from, f.to);
  return { from: f.from, to: f.to };
}

/** The contests of a checked run range, `last` counted back from the catalog's last contest. */
export function resolveRunRange(range: RangeRequest, lastContest: number, names: RangeNames = FLAG_NAMES): { from: number; to: number } {
  const checked = 'last' in range ? parseRunRange({ last: range.last }, names)! : parseRunRange(range, names)!;
  if ('last' in checked) return { from: lastContest - checked.last + 1, to: lastContest };
  return checked;
}
