/**
 * Budgets in the catalog. Only the definition is stored; spent, remaining and status are
 * computed from the ledger each time they are read.
 */
import { type Budget, type BudgetView, buildBudgetView } from '../core/finance/budget.js';
import { LuckyError } from '../errors.js';
import { NOT_REVERSED } from './ledger-repo.js';
import type { Db } from './sqlite.js';

/**
 * SQL: what the bets dated in [from, to] cost, net of reversals (a reversal refunds its bet's
 * window); `to` NULL is open-ended. `from` and `to` are SQL expressions (parameters or columns).
 */
function betSpendSql(from: string, to: string): string {
  return `SELECT COALESCE(SUM(-e.amount_cents), 0) FROM ledger_entries e
    WHERE e.type = 'bet' AND e.entry_date >= ${from} AND (${to} IS NULL OR e.entry_date <= ${to}) AND ${NOT_REVERSED}`;
}

export function insertBudget(db: Db, b: Omit<Budget, 'id'>): Budget {
  if (db.prepare('SELECT 1 FROM budgets WHERE name = ?').get(b.name)) throw new LuckyError('E_CONFLICT', `a budget named "${b.name}" already exists`);
  const info = db
    .prepare('INSERT INTO budgets (name, amount_cents, from_date, to_date, note, created_at) VALUES (?, ?, ?, ?, ?, ?)')
    .run(b.name, b.amount_cents, b.from_date, b.to_date, b.note, b.created_at);
  return { id: Number(info.lastInsertRowid), ...b };
}

export function readBudget(db: Db, name: string): Budget | undefined {
  return db.prepare('SELECT id, name, amount_cents, from_date, to_date, note, created_at FROM budgets WHERE name = ?').get(name) as Budget | undefined;
}

/** Cost of the bets dated in [from, to] that have not been reversed (a reversal refunds its bet's window). */
export function readBetSpend(db: Db, from: string, to: string | null): number {
  const row = db.prepare(`SELECT (${betSpendSql('@from', '@to')}) AS spent`).get({ from, to }) as { spent: number };
  return row.spent;
}

/**
 * Budgets with what each has spent, in (from_date, name) order: one query (the spend is a
 * correlated subquery), optionally one page of them after `after`.
 */
export function readBudgetSpends(
  db: Db,
  page: { after?: { from_date: string; name: string } | undefined; limit?: number | undefined } = {},
): Array<{ budget: Budget; spent_cents: number }> {
  const rows = db
    .prepare(
      `SELECT b.id, b.name, b.amount_cents, b.from_date, b.to_date, b.note, b.created_at,
         (${betSpendSql('b.from_date', 'b.to_date')}) AS spent_cents
       FROM budgets b
       WHERE @after_date IS NULL OR b.from_date > @after_date OR (b.from_date = @after_date AND b.name > @after_name)
       ORDER BY b.from_date, b.name LIMIT @limit`,
    )
    .all({ after_date: page.after?.from_date ?? null, after_name: page.after?.name ?? null, limit: page.limit ?? -1 }) as Array<
    Budget & { spent_cents: number }
  >;
  return rows.map(({ spent_cents, ...budget }) => ({ budget, spent_cents }));
}

/** Budgets as shown to a user, status derived on `today`. */
export function readBudgetViews(db: Db, today: string, page: Parameters<typeof readBudgetSpends>[1] = {}): BudgetView[] {
  return readBudgetSpends(db, page).map(({ budget, spent_cents }) => buildBudgetView(budget, spent_cents, today));
}
