/**
 * How the dashboard writes numbers: hit figures with four decimals, p-values with two
 * significant digits (tiny ones as "< 0.0001"), money in reais from integer cents, percentages,
 * and counts with thousands separators.
 */

/** A hit figure (mean hits, a rate): four decimals; "–" when absent. */
export function fig(x: number | null | undefined, digits = 4): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  return x.toFixed(digits);
}

/** A p-value: two significant digits; below 0.0001 as "< 0.0001". */
export function pval(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '–';
  if (p < 0.0001) return '< 0.0001';
  return p.toPrecision(2);
}

/** Integer cents as reais: `R$ 1.234,50` (negative with a minus sign). */
export function brl(cents: number | null | undefined): string {
  if (cents === null || cents === undefined) return '–';
  const sign = cents < 0 ? '−' : '';
  return `${sign}R$ ${(Math.abs(cents) / 100).toLocaleString('pt-BR', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** A percentage already in percent units (ROI): two decimals and a % sign. */
export function pct(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  return `${x.toFixed(2)}%`;
}

/** A count with thousands separators. */
export function count(n: number): string {
  return n.toLocaleString('en');
}
