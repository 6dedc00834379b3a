/**
 * How statistical figures read in sentences: the same rounding everywhere, so "p = 0.41" in a
 * simulate report and a leaderboard mean the same thing. Locale-independent (no Intl), so output
 * does not change with the machine.
 */

/** p-values: two decimals down to 0.01, three to 0.001, then one significant digit in e-notation. */
export function formatPValue(p: number): string {
  if (Number.isNaN(p)) return 'n/a';
  if (p >= 0.01) return p.toFixed(2);
  if (p >= 0.001) return p.toFixed(3);
  if (p === 0) return '0';
  return p.toExponential(1);
}

/** Digit grouping with commas: 1234567 -> "1,234,567". */
export function formatInteger(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const neg = n < 0;
  const s = String(Math.round(Math.abs(n)));
  const grouped = s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return neg ? `-${grouped}` : grouped;
}

function trimZeros(s: string): string {
  return s.includes('.') && !s.includes('e') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/** A share as a percentage with up to 3 significant digits: 0.0292 -> "2.92%", 0.031 -> "3.1%". */
export function formatRate(x: number): string {
  if (x === 0) return '0%';
  const pct = x * 100;
  if (Math.abs(pct) >= 100) return `${trimZeros(pct.toFixed(1))}%`;
  return `${trimZeros(pct.toPrecision(3))}%`;
}

/** A fractional expected count: "0.02", "3.4", "1,234". */
export function formatCount(x: number): string {
  if (x === 0) return '0';
  if (Math.abs(x) >= 100) return formatInteger(x);
  if (Math.abs(x) >= 0.01) return trimZeros(x.toPrecision(2));
  return trimZeros(x.toPrecision(1));
}

/** A plain number with `digits` significant digits, trailing zeros kept (0.3125 -> "0.3125"). */
export function formatNumber(x: number, digits = 4): string {
  return x === 0 ? '0' : x.toPrecision(digits);
}

/** Round up to two significant digits for "this needs ~N" estimates: 503,118 -> 510,000. */
export function roundUp2(n: number): number {
  if (!(n > 0) || !Number.isFinite(n)) return n;
  const mag = 10 ** Math.max(0, Math.floor(Math.log10(n)) - 1);
  return Math.ceil(n / mag) * mag;
}
