/**
 * Money from text, exactly: amounts become integer centavos by string arithmetic, never through
 * a float. Both Brazilian (`1.234,56`) and English (`1,234.56`) grouping are accepted when the
 * text can only mean one thing; anything ambiguous (`1.234`, `3.001`) is refused rather than guessed.
 */
import { LuckyError } from '../../errors.js';

/** The largest amount accepted: R$ 100.000.000.000,00 (1e13 centavos), far from 2^53 so sums stay exact. */
export const MAX_MONEY_CENTS = 10_000_000_000_000;

export interface ParseMoneyOptions {
  /** accept a leading minus (adjustments, balance assertions); the command decides */
  allowNegative?: boolean;
  /** refuse 0 (a price, a bet cost) */
  allowZero?: boolean;
  /** the flag or field name for the error message, e.g. `--amount` */
  field?: string;
}

// Plain digits with an optional 1-2 digit decimal part after `.` or `,`: 3, 3.5, 3,00, 1234.56
const PLAIN = /^(\d+)(?:[.,](\d{1,2}))?$/;
// Grouped thousands, Brazilian: 1.234,56 / 1.234.567 (without decimals only with 2+ groups)
const GROUPED_BR = /^(\d{1,3}(?:\.\d{3})+)(?:,(\d{1,2}))?$/;
// Grouped thousands, English: 1,234.56 / 1,234,567
const GROUPED_EN = /^(\d{1,3}(?:,\d{3})+)(?:\.(\d{1,2}))?$/;

/**
 * Parses an amount of money into integer centavos. Accepts `3`, `3.00`, `3,00`, `1234.56`,
 * `1.234,56`, `1,234.56`, `R$ 1.234,56` and, with `allowNegative`, `-5.00` or `-R$ 5,00`.
 * Throws E_INPUT_INVALID (exit 2) for anything else, with the reason.
 * @example parseMoney('R$ 1.234,56') === 123456
 */
export function parseMoney(text: string, options: ParseMoneyOptions = {}): number {
  const field = options.field ?? 'amount';
  const fail = (why: string): never => {
    throw new LuckyError('E_INPUT_INVALID', `${field} "${text}" is not a valid amount: ${why}`, [
      `${field}: write reais like 3, 3.00, 3,00, 1234.56, 1.234,56 or R$ 1.234,56`,
    ]);
  };
  if (typeof text !== 'string') return fail('not text');
  let s = text.trim();
  if (s === '') return fail('it is empty');
  let negative = false;
  if (s.startsWith('-')) {
    negative = true;
    s = s.slice(1).trimStart();
  }
  if (/^R\$/i.test(s)) s = s.slice(2).trimStart();
  if (!negative && s.startsWith('-')) {
    negative = true;
    s = s.slice(1).trimStart();
  }
  if (s === '') return fail('no digits');
  if (!/^[\d.,]+$/.test(s)) return fail('only digits, one decimal separator and thousands separators are allowed');

  let whole: string;
  let frac = '';
  const plain = PLAIN.exec(s);
  const br = GROUPED_BR.exec(s);
  const en = GROUPED_EN.exec(s);
  if (plain) {
    whole = plain[1]!;
    frac = plain[2] ?? '';
  } else if (br && (br[2] !== undefined || br[1]!.split('.').length > 2)) {
    whole = br[1]!.replaceAll('.', '');
    frac = br[2] ?? '';
  } else if (en && (en[2] !== undefined || en[1]!.split(',').length > 2)) {
    whole = en[1]!.replaceAll(',', '');
    frac = en[2] ?? '';
  } else if (/^\d{1,3}[.,]\d{3}$/.test(s)) {
    return fail(`ambiguous: write ${s.replace(/[.,]/, '')} for thousands or at most 2 decimals for centavos`);
  } else if (/[.,]\d{3,}$/.test(s) && !/[.,].*[.,]/.test(s)) {
    return fail('centavos have at most 2 decimals');
  } else {
    return fail('misplaced separators');
  }
  // Exact: both parts are short digit strings, so Number() of each is exact below 2^53.
  if (whole.replace(/^0+/, '').length > 14) return fail(`more than the maximum of ${MAX_MONEY_CENTS / 100} reais`);
  const cents = Number(whole) * 100 + Number(frac.padEnd(2, '0'));
  if (!Number.isSafeInteger(cents) || cents > MAX_MONEY_CENTS) return fail(`more than the maximum of ${MAX_MONEY_CENTS / 100} reais`);
  if (negative && cents !== 0 && !options.allowNegative) {
    throw new LuckyError('E_INPUT_INVALID', `${field} must not be negative, got "${text}"`);
  }
  if (cents === 0 && options.allowZero === false) throw new LuckyError('E_INPUT_INVALID', `${field} must be more than zero, got "${text}"`);
  return negative && cents !== 0 ? -cents : cents;
}

/** Centavos as a plain decimal string (`-1234.56`), for CSV cells and messages that must round-trip. */
export function centsToDecimal(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.trunc(abs / 100)}.${(abs % 100).toString().padStart(2, '0')}`;
}

/** Formats integer centavos for humans: `R$ 1.234,56`. JSON carries plain `*_cents` integers. */
export function formatBRL(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const reais = Math.trunc(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `${sign}R$ ${reais},${(abs % 100).toString().padStart(2, '0')}`;
}

/** The currencies a draw's money can be in: the Real, and the Cruzeiro Real of contests 1..28. */
export type Currency = 'BRL' | 'CRR';

/**
 * Formats integer centavos in their own currency: `R$ 1.234,56` for the Real, `CR$ 1.234,56` for
 * the Cruzeiro Real (contests 1..28, until 1994-06-26; FACTS.md), whose amounts are not Reais.
 */
export function formatMoney(cents: number, currency: Currency): string {
  return currency === 'BRL' ? formatBRL(cents) : formatBRL(cents).replace('R$', 'CR$');
}
