/**
 * Turning one cell's raw text into a value: whole numbers, calendar dates and money. Each
 * parser returns the value or throws {@link CellProblem} with a reason a human can act on.
 * Money becomes integer centavos by string arithmetic, so `R$1.234.567,89` is exactly 123456789.
 */

/** A cell that does not hold what its column promises; `parse-rows.ts` turns it into a rejected row. */
export class CellProblem extends Error {}

/** Empty, or only whitespace (the operator's workbook writes `"\n"` in empty cells). */
export function isBlank(text: string | undefined): boolean {
  return text === undefined || text.trim() === '';
}

/** Numeric cells from spreadsheets may read `12.0`; leading zeros (`04`) are fine. */
const WHOLE = /^\d+(?:\.0+)?$/;

/** A non-negative whole number, or null when blank. */
export function parseCount(text: string | undefined, what: string): number | null {
  if (isBlank(text)) return null;
  const t = text!.trim();
  if (/^-\s*\d/.test(t)) throw new CellProblem(`${what} is negative: "${t}"`);
  if (!WHOLE.test(t)) throw new CellProblem(`${what} is not a whole number: "${t}"`);
  const n = Number(t);
  if (!Number.isSafeInteger(n)) throw new CellProblem(`${what} is too large: "${t}"`);
  return n;
}

/** A required whole number within [min, max]. */
export function parseRequiredInt(text: string | undefined, what: string, min: number, max: number): number {
  const n = parseCount(text, what);
  if (n === null) throw new CellProblem(`${what} is empty`);
  if (n < min || n > max) throw new CellProblem(`${what} is ${n}, outside ${min}..${max}`);
  return n;
}

function isoDate(y: number, m: number, d: number): string | undefined {
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) return undefined;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Excel's day 0 in the 1900 date system is 1899-12-30 (Excel counts a 29 Feb 1900 that never was). */
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);

/**
 * A real calendar date as ISO `YYYY-MM-DD`, from `dd/mm/yyyy` (also `d/m/yyyy`, `dd-mm-yyyy`,
 * `dd.mm.yyyy`) or ISO `yyyy-mm-dd` (a midnight time suffix is allowed). With `excelSerial`, a
 * plain number is an Excel date serial, as ordinary workbooks store dates. `31/02/2020` is refused.
 */
export function parseDate(text: string | undefined, options: { excelSerial?: boolean } = {}): string {
  if (isBlank(text)) throw new CellProblem('date is empty');
  const t = text!.trim();
  let iso: string | undefined;
  let m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(t);
  if (m) iso = isoDate(Number(m[3]), Number(m[2]), Number(m[1]));
  else if ((m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ]00:00(?::00(?:\.0+)?)?Z?)?$/.exec(t))) iso = isoDate(Number(m[1]), Number(m[2]), Number(m[3]));
  else if (options.excelSerial && /^\d{4,6}(?:\.0+)?$/.test(t)) {
    const days = Number(t);
    const dt = new Date(EXCEL_EPOCH_MS + days * 86_400_000);
    iso = days >= 61 ? dt.toISOString().slice(0, 10) : undefined;
  } else throw new CellProblem(`date "${t}" is not dd/mm/yyyy or yyyy-mm-dd`);
  if (iso === undefined) throw new CellProblem(`date "${t}" is not a real calendar date`);
  if (iso < '1900-01-01' || iso > '2999-12-31') throw new CellProblem(`date "${t}" is out of range`);
  return iso;
}

/** Brazilian style first (`.` groups, `,` decimals), then the international one. */
const MONEY_STYLES = [
  { group: '.', re: /^(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d{1,2}))?$/ },
  { group: ',', re: /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/ },
] as const;

/**
 * Money as integer centavos, or null when blank. Accepts `R$1.234,56`, `1.234,56`, `1234,56`,
 * `1234.56`, `1,234.56`, `1234`: a separator followed by 1-2 digits at the end is the decimal
 * mark; the other one may only group thousands in threes. Anything else (negative amounts,
 * three decimals, stray text) is refused rather than guessed.
 */
export function parseMoneyCents(text: string | undefined, what: string): number | null {
  if (isBlank(text)) return null;
  const original = text!.trim();
  const t = original.replace(/^R\$/i, '').replace(/[\s\u00a0]/g, '');
  if (t.startsWith('-')) throw new CellProblem(`${what} is negative: "${original}"`);
  let whole: string | undefined;
  let frac = '';
  for (const { group, re } of MONEY_STYLES) {
    const m = re.exec(t);
    if (m) {
      whole = m[1]!.replaceAll(group, '');
      frac = m[2] ?? '';
      break;
    }
  }
  if (whole === undefined) throw new CellProblem(`${what} is not a money amount: "${original}"`);
  const cents = Number(`${whole}${frac.padEnd(2, '0')}`);
  if (!Number.isSafeInteger(cents)) throw new CellProblem(`${what} is too large: "${original}"`);
  return cents;
}

/** Money already in integer centavos (luckyfive's own `*_cents` columns), or null when blank. */
export function parseCentsCell(text: string | undefined, what: string): number | null {
  return parseCount(text, what);
}

/** Trimmed text, or null when blank. */
export function parseText(text: string | undefined): string | null {
  return isBlank(text) ? null : text!.trim();
}
