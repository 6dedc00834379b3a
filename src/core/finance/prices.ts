/**
 * Ticket prices. The base price of a 5-number bet changes on effective dates (FACTS.md); a
 * k-number bet costs C(k,5) times the base price. Integer centavos throughout.
 */

export interface PricePeriod {
  /** first day this price applies, YYYY-MM-DD */
  from: string;
  price_cents: number;
  note?: string;
}

/** The price history from FACTS.md; the catalog seeds its editable table from this. */
export const DEFAULT_PRICE_TABLE: readonly PricePeriod[] = [
  { from: '1994-03-13', price_cents: 50, note: 'documented value from the late 2000s; earlier history is uncertain' },
  { from: '2011-01-27', price_cents: 75 },
  { from: '2014-05-11', price_cents: 100 },
  { from: '2015-05-24', price_cents: 150 },
  { from: '2019-11-10', price_cents: 200 },
  { from: '2023-04-30', price_cents: 250 },
  { from: '2025-07-09', price_cents: 300, note: 'first draw at this price: contest 6770' },
];

export const MIN_NUMBERS = 5;
export const MAX_NUMBERS = 15;

/** Binomial coefficient C(n, k) for the small values used here (exact in doubles). */
export function choose(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
}

/** Base price (centavos) in force on `date` (YYYY-MM-DD); the table need not be sorted. */
export function basePriceOn(table: readonly PricePeriod[], date: string): number {
  let best: PricePeriod | undefined;
  for (const p of table) if (p.from <= date && (!best || p.from > best.from)) best = p;
  if (!best) {
    const first = [...table].sort((a, b) => a.from.localeCompare(b.from))[0];
    if (!first) throw new RangeError('empty price table');
    return first.price_cents;
  }
  return best.price_cents;
}

/**
 * Base price (centavos) a contest drawn on `drawDate` is charged: the price in force on the day
 * BEFORE its draw. A price's `from` is the first day bets are SOLD at it, and a contest's bets are
 * sold up to its draw, so the contest drawn on the effective day itself was sold at the old price
 * (FACTS.md: R$ 3,00 from 2025-07-09, first draw at that price contest 6770 of 2025-07-10; contest
 * 6769, drawn 2025-07-09, cost R$ 2,50). Use {@link basePriceOn} for a day's price (a bet booked
 * today for a contest not drawn yet).
 */
export function contestPriceOn(table: readonly PricePeriod[], drawDate: string): number {
  return basePriceOn(table, dayBefore(drawDate));
}

/** The calendar day before `date` (YYYY-MM-DD). */
export function dayBefore(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d - 1)).toISOString().slice(0, 10);
}

/** Cost of one k-number ticket at a base price: C(k,5) x base. */
export function ticketCost(basePriceCents: number, numbers: number): number {
  if (!Number.isInteger(numbers) || numbers < MIN_NUMBERS || numbers > MAX_NUMBERS) throw new RangeError(`a ticket has 5..15 numbers, got ${numbers}`);
  return choose(numbers, 5) * basePriceCents;
}
