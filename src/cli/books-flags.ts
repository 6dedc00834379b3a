/**
 * What `ledger`, `budget` and `finance` share: flag parsers (every bad value is exit 2 before
 * anything is written) and the deps their use cases are called with.
 */
import { readFileSync } from 'node:fs';
import { parseMoney, type ParseMoneyOptions } from '../core/finance/money.js';
import { BOOKS_ID_PATTERN, MAX_BOOKS_CONTEST } from '../core/finance/ledger.js';
import { parseTicketList } from '../core/finance/tickets.js';
import { MAX_TEXT, textProblem } from '../core/text.js';
import { type Clock, readClock } from '../clock.js';
import { LuckyError } from '../errors.js';
import type { Catalog } from '../store/catalog.js';
import { type CliContext, parseIntFlag } from './context.js';

/** The catalog (opened on first use) and the time, read now: what the books' use cases are given. */
export async function booksDeps(ctx: CliContext): Promise<{ catalog: Catalog; clock: Clock }> {
  return { catalog: await ctx.catalog(), clock: readClock() };
}

/** A contest number the books accept (1..MAX_BOOKS_CONTEST), or undefined when absent. */
export function parseContestFlag(name: string, value: string | undefined): number | undefined {
  return parseIntFlag(name, value, 1, MAX_BOOKS_CONTEST);
}

/** A money flag as integer centavos, or undefined when absent. */
export function parseMoneyFlag(name: string, value: string | undefined, options: Omit<ParseMoneyOptions, 'field'> = {}): number | undefined {
  if (value === undefined) return undefined;
  return parseMoney(value, { ...options, field: `--${name}` });
}

/**
 * Free text and names (notes, reasons, run and sweep names): trimmed, at most `max` characters,
 * no control characters and no lone surrogates (the shared rule of `src/core/text.ts`).
 */
export function parseTextFlag(name: string, value: string | undefined, max: number = MAX_TEXT): string | undefined {
  if (value === undefined) return undefined;
  const t = value.trim();
  const problem = textProblem(t, max);
  if (problem) throw new LuckyError('E_INPUT_INVALID', `--${name} ${problem}`);
  return t;
}

/** Identifiers (run ids, idempotency keys): 1-200 visible ASCII characters, no spaces. */
export function parseIdFlag(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!BOOKS_ID_PATTERN.test(value)) throw new LuckyError('E_INPUT_INVALID', `--${name} must be 1-200 visible characters without spaces, got "${value}"`);
  return value;
}

/** Reads and validates a JSON file holding an array of tickets. */
export function readTicketsFile(file: string): number[][] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new LuckyError('E_NOT_FOUND', `cannot read the tickets file ${file}`, [(e as Error).message], { cause: e });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new LuckyError('E_INPUT_INVALID', `${file} is not valid JSON`, [(e as Error).message], { cause: e });
  }
  return parseTicketList(value);
}
