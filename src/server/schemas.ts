/**
 * Request building blocks shared by the resources. Everything from a request is a string
 * checked against a strict pattern before it becomes a number or a date, so `1 OR 1=1`,
 * `0x10` or `../../etc/passwd` never get past validation (and nothing reaches SQL except as a
 * bound parameter anyway).
 */
import { z } from 'zod';
import { fieldNames, parseRangeFilter } from '../core/contest-range.js';
import { MAX_TEXT, textSchema } from '../core/text.js';
import { MAX_CONTEST } from '../core/run-request.js';
import { LuckyError } from '../errors.js';

export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 500;

/** A whole number in [min, max], given as a query or path string. */
export function intParam(min: number, max: number, what = 'a whole number') {
  return z
    .string()
    .regex(/^(0|[1-9][0-9]{0,8})$/, `must be ${what}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be between ${min} and ${max}`)
    .meta({ description: `${what} from ${min} to ${max}` });
}

export const ContestParam = intParam(1, MAX_CONTEST, 'a contest number');

/** `YYYY-MM-DD` that exists on the calendar. */
export const IsoDateParam = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, 'must be a real calendar date')
  .meta({ description: 'date as YYYY-MM-DD' });

export const LimitParam = intParam(1, MAX_PAGE, 'a page size')
  .optional()
  .meta({ description: `page size from 1 to ${MAX_PAGE} (default ${DEFAULT_PAGE})` });

export const CursorParam = z
  .string()
  .max(128)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be a cursor from a previous page')
  .optional()
  .meta({ description: 'opaque cursor: the `next_cursor` of the previous page' });

export const BoolParam = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1')
  .optional();

/**
 * Opaque cursors: base64url of `<tag>:<integer>`, where the tag ties the cursor to the list
 * (and sort order) that issued it, so a cursor from another list is refused, not misread.
 */
export function encodeCursor(tag: string, position: number): string {
  return Buffer.from(`${tag}:${position}`, 'utf8').toString('base64url');
}

export function decodeCursor(tag: string, cursor: string): number {
  const m = /^([a-z.]+):(0|[1-9][0-9]{0,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m || m[1] !== tag) throw new LuckyError('E_INPUT_INVALID', 'invalid cursor', ['query.cursor: not a cursor from this list; start again without it']);
  return Number(m[2]);
}

/** A list page: the items and the cursor of the next page (null on the last). */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), next_cursor: z.string().nullable() });
}

/** Checks a contest range in a query: the one rule of `core/contest-range.ts`, fields named `query.from`/`query.to`. */
export function checkContestRange(from: number | undefined, to: number | undefined): void {
  parseRangeFilter({ from, to }, fieldNames('query'));
}

/** A position in a list ordered by several columns: the sort values of the last item. */
export type KeyPosition = ReadonlyArray<string | number | null>;

/**
 * Keyset cursors for lists ordered by something other than one integer (runs by any metric,
 * ledger entries by date then id, budgets by date then name): base64url of the JSON array
 * `[tag, ...values]`. Decoding checks the tag and the shape of every value.
 */
export function encodeKeyCursor(tag: string, values: KeyPosition): string {
  return Buffer.from(JSON.stringify([tag, ...values]), 'utf8').toString('base64url');
}

/** The values of a cursor from {@link encodeKeyCursor}; `kinds` says what each must be. */
export function decodeKeyCursor(
  tag: string,
  cursor: string,
  kinds: ReadonlyArray<'string' | 'number' | 'nullable-number' | 'nullable-string'>,
): Array<string | number | null> {
  const refuse = () => new LuckyError('E_INPUT_INVALID', 'invalid cursor', ['query.cursor: not a cursor from this list; start again without it']);
  if (cursor.length > 1024 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw refuse();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw refuse();
  }
  if (!Array.isArray(parsed) || parsed.length !== kinds.length + 1 || parsed[0] !== tag) throw refuse();
  const values = parsed.slice(1) as unknown[];
  kinds.forEach((kind, i) => {
    const v = values[i];
    const ok =
      (v === null && kind.startsWith('nullable-')) ||
      (typeof v === 'number' && Number.isFinite(v) && kind.endsWith('number')) ||
      (typeof v === 'string' && v.length <= 200 && kind.endsWith('string'));
    if (!ok) throw refuse();
  });
  return values as Array<string | number | null>;
}

/** A JSON body integer (not a string): money in centavos, contests, counts. */
export function bodyInt(min: number, max: number) {
  return z.int().min(min).max(max);
}

/** Free text in a body (notes, reasons): trimmed, 1 to 1000 characters, no control characters or lone surrogates (`src/core/text.ts`). */
export const TextField = textSchema(MAX_TEXT);

/** `YYYY-MM-DD` that exists on the calendar, in a JSON body. */
export const IsoDateField = IsoDateParam;

/** The query parameter carrying a {@link encodeKeyCursor} cursor (longer than integer cursors). */
export const KeyCursorParam = z
  .string()
  .max(1024)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be a cursor from a previous page')
  .optional()
  .meta({ description: 'opaque cursor: the `next_cursor` of the previous page' });
