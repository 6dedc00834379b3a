/**
 * The catalog's price and prize rules: the editable base-price table (with an append-only audit
 * of every change) and the payout rule for k>5 tickets. The simulate engine reads both here.
 */
import { type PricePeriod, basePriceOn, dayBefore } from '../core/finance/prices.js';
import { DEFAULT_PAYOUT_RULE, type PayoutRule, isPayoutRule } from '../core/finance/prizes.js';
import { LuckyError } from '../errors.js';
import { readMeta, writeMeta } from './catalog.js';
import type { Db } from './sqlite.js';

/** The meta key that holds the payout rule. */
export const PAYOUT_RULE_KEY = 'payout_rule';

/** The price periods, oldest first. Falls back to nothing: the migration seeds the table. */
export function readPriceTable(db: Db): PricePeriod[] {
  const rows = db.prepare('SELECT from_date, price_cents, note FROM prices ORDER BY from_date').all() as Array<{
    from_date: string;
    price_cents: number;
    note: string | null;
  }>;
  return rows.map((r) => ({ from: r.from_date, price_cents: r.price_cents, ...(r.note !== null ? { note: r.note } : {}) }));
}

export interface PriceRow {
  from: string;
  /** last day of the period (the day before the next one), null for the current price */
  to: string | null;
  price_cents: number;
  note: string | null;
  /** first imported contest drawn at this price, when there is one */
  first_contest: number | null;
}

/** The price table with each period's end and first imported contest. */
export function readPriceRows(db: Db): PriceRow[] {
  const table = readPriceTable(db);
  // A contest is charged the price in force the day before its draw (contestPriceOn), so a period
  // covers the contests drawn AFTER its first day, up to and including its next period's first day.
  const first = db.prepare('SELECT MIN(contest) AS c FROM draws WHERE draw_date > ? AND (? IS NULL OR draw_date <= ?)');
  return table.map((p, i) => {
    const next = table[i + 1]?.from ?? null;
    const c = (first.get(p.from, next, next) as { c: number | null }).c;
    return { from: p.from, to: next === null ? null : dayBefore(next), price_cents: p.price_cents, note: p.note ?? null, first_contest: c };
  });
}

export interface PriceChange {
  id: number;
  changed_at: string;
  from_date: string;
  old_price_cents: number | null;
  new_price_cents: number;
  note: string | null;
}

/**
 * Adds a price period starting `from`, or replaces the price of the period that starts on exactly
 * that day; either way the change is appended to `price_changes`. Returns the audit row.
 */
export function writePrice(db: Db, from: string, priceCents: number, note: string | null, now: string): PriceChange {
  if (!Number.isSafeInteger(priceCents) || priceCents <= 0) throw new LuckyError('E_INPUT_INVALID', 'a price must be more than zero');
  return db
    .transaction(() => {
      const old = db.prepare('SELECT price_cents, note FROM prices WHERE from_date = ?').get(from) as { price_cents: number; note: string | null } | undefined;
      db.prepare(
        `INSERT INTO prices (from_date, price_cents, note, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(from_date) DO UPDATE SET price_cents = excluded.price_cents, note = COALESCE(excluded.note, prices.note), updated_at = excluded.updated_at`,
      ).run(from, priceCents, note, now);
      const info = db
        .prepare('INSERT INTO price_changes (changed_at, from_date, old_price_cents, new_price_cents, note) VALUES (?, ?, ?, ?, ?)')
        .run(now, from, old?.price_cents ?? null, priceCents, note);
      return db.prepare('SELECT * FROM price_changes WHERE id = ?').get(info.lastInsertRowid) as PriceChange;
    })
    .immediate();
}

/** Every price change, oldest first (the seed rows included). */
export function readPriceChanges(db: Db): PriceChange[] {
  return db.prepare('SELECT * FROM price_changes ORDER BY id').all() as PriceChange[];
}

/** Base price in force on `date` according to the catalog's table. */
export function readBasePriceOn(db: Db, date: string): number {
  const table = readPriceTable(db);
  if (table.length === 0) throw new LuckyError('E_DATA_MISSING', 'the price table is empty: add a price with `luckyfive finance prices set`');
  return basePriceOn(table, date);
}

/** Base price a contest drawn on `drawDate` is charged (the price of the day before; see contestPriceOn). */
export function readContestPrice(db: Db, drawDate: string): number {
  return readBasePriceOn(db, dayBefore(drawDate));
}

/** The payout rule for k>5 tickets (catalog meta key `payout_rule`; default subcombinations). */
export function readPayoutRule(db: Db): PayoutRule {
  const value = readMeta(db, PAYOUT_RULE_KEY);
  if (value === undefined) return DEFAULT_PAYOUT_RULE;
  if (!isPayoutRule(value))
    throw new LuckyError('E_DATA_INVALID', `the catalog's payout rule "${value}" is not one luckyfive knows`, [
      'set it again with `luckyfive finance payout-rule subcombinations|highest-tier`',
    ]);
  return value;
}

export function writePayoutRule(db: Db, rule: PayoutRule): void {
  writeMeta(db, PAYOUT_RULE_KEY, rule);
}
