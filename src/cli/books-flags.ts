/** Flag parsers shared by `ledger`, `budget` and `finance`: every bad value is exit 2 before anything is written. */
import { readFileSync } from 'node:fs';
import { parseMoney, type ParseMoneyOptions } from '../core/finance/money.js';
import { parseTicketList } from '../core/finance/tickets.js';
import { LuckyError } from '../errors.js';

/** A money flag as integer centavos, or undefined when absent. */
export function parseMoneyFlag(name: string, value: string | undefined, options: Omit<ParseMoneyOptions, 'field'> = {}): number | undefined {
  if (value === undefined) return undefined;
  return parseMoney(value, { ...options, field: `--${name}` });
}

/** Free text (notes, reasons): trimmed, at most 1000 characters, no control characters. */
export function parseTextFlag(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const t = value.trim();
  if (t.length === 0) throw new LuckyError('E_INPUT_INVALID', `--${name} is empty`);
  if (t.length > 1000) throw new LuckyError('E_INPUT_INVALID', `--${name} is longer than 1000 characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(t)) throw new LuckyError('E_INPUT_INVALID', `--${name} holds control characters`);
  return t;
}

/** Identifiers (run ids, idempotency keys): 1-200 visible ASCII characters, no spaces. */
export function parseIdFlag(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^[\x21-\x7e]{1,200}$/.test(value)) throw new LuckyError('E_INPUT_INVALID', `--${name} must be 1-200 visible characters without spaces, got "${value}"`);
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
