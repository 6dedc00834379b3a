/**
 * The one CSV cell encoder for every CSV luckyfive writes (CLI `--csv`, `runs export`, the API's
 * `tickets.csv`): RFC 4180 quoting, plus spreadsheet-formula neutralisation as OWASP recommends
 * (CSV injection): a text cell that starts with `=`, `+`, `-`, `@`, tab or carriage return gets a
 * leading `'`, so a spreadsheet shows it as text instead of running it.
 *
 * Numeric cells are exempt: a number (such as `-1250` centavos or `-12.5` %) is not a formula, and
 * quoting it would turn it into text in the spreadsheet. Only values that are JavaScript numbers
 * (or bigints) are exempt; a string that merely looks numeric, like `"-1"`, is prefixed.
 */

const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV cell from its text; `numeric` says the value was a number (exempt from the prefix). */
export function encodeCsvCell(text: string, numeric = false): string {
  const s = !numeric && FORMULA_START.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** One CSV line (with its newline) from cells that are already text or numbers. */
export function csvLine(cells: ReadonlyArray<string | number>): string {
  return `${cells.map((c) => (typeof c === 'number' ? encodeCsvCell(String(c), true) : encodeCsvCell(c))).join(',')}\n`;
}
