/**
 * Budgets: an amount to spend on bets within a date window. Spent and status are derived every
 * time they are read (never stored, so never stale): spent is the cost of the window's bets net
 * of reversals, and the status follows from the window, today and what is left.
 */
import { LuckyError } from '../../errors.js';
import { formatBRL } from './money.js';

export interface Budget {
  id: number;
  name: string;
  amount_cents: number;
  from_date: string;
  /** last day of the window, inclusive; null = open-ended */
  to_date: string | null;
  note: string | null;
  created_at: string;
}

/**
 * `upcoming` (window not started), `active`, `exhausted` (nothing left) or `expired` (window over).
 * `upcoming` is a fourth state beyond active/exhausted/expired so a future budget is not called active.
 */
export type BudgetStatus = 'upcoming' | 'active' | 'exhausted' | 'expired';

export interface BudgetView extends Budget {
  spent_cents: number;
  remaining_cents: number;
  status: BudgetStatus;
}

/** Status on `today` (YYYY-MM-DD, passed in: the core has no clock). */
export function budgetStatus(b: Pick<Budget, 'amount_cents' | 'from_date' | 'to_date'>, spentCents: number, today: string): BudgetStatus {
  if (b.to_date !== null && today > b.to_date) return 'expired';
  if (spentCents >= b.amount_cents) return 'exhausted';
  if (today < b.from_date) return 'upcoming';
  return 'active';
}

export function buildBudgetView(b: Budget, spentCents: number, today: string): BudgetView {
  return { ...b, spent_cents: spentCents, remaining_cents: b.amount_cents - spentCents, status: budgetStatus(b, spentCents, today) };
}

/** True when a bet dated `date` counts against the budget. */
export function budgetCovers(b: Pick<Budget, 'from_date' | 'to_date'>, date: string): boolean {
  return date >= b.from_date && (b.to_date === null || date <= b.to_date);
}

/**
 * Refuses a bet of `costCents` dated in the window of budgets it would overspend, unless forced.
 * Every budget whose window holds the bet's date counts, whatever today is: a backdated bet still
 * spends that period's money.
 */
export function checkBudgets(budgets: ReadonlyArray<{ budget: Budget; spent_cents: number }>, date: string, costCents: number, force: boolean): void {
  if (force) return;
  const over = budgets.filter(({ budget, spent_cents }) => budgetCovers(budget, date) && spent_cents + costCents > budget.amount_cents);
  if (over.length === 0) return;
  throw new LuckyError(
    'E_BUDGET_EXCEEDED',
    `this bet of ${formatBRL(costCents)} would overspend ${over.length === 1 ? 'budget' : 'budgets'} ${over.map((o) => `"${o.budget.name}"`).join(', ')}`,
    [
      ...over.map(
        ({ budget, spent_cents }) =>
          `${budget.name}: amount ${formatBRL(budget.amount_cents)}, spent ${formatBRL(spent_cents)}, remaining ${formatBRL(budget.amount_cents - spent_cents)}, ` +
          `this bet ${formatBRL(costCents)}, over by ${formatBRL(spent_cents + costCents - budget.amount_cents)} (${spent_cents + costCents - budget.amount_cents} cents)`,
      ),
      'pass --over-budget to record it anyway',
    ],
  );
}

/** A budget's name: 1-64 letters, digits, dots, dashes or underscores, starting with a letter or digit. */
export const BUDGET_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Validates a new budget's fields. */
export function checkBudgetInput(name: string, amountCents: number, from: string, to: string | null): void {
  if (!BUDGET_NAME_PATTERN.test(name)) {
    throw new LuckyError('E_INPUT_INVALID', `budget name "${name}" must be 1-64 letters, digits, dots, dashes or underscores, starting with a letter or digit`);
  }
  if (amountCents <= 0) throw new LuckyError('E_INPUT_INVALID', 'a budget amount must be more than zero');
  if (to !== null && to < from) throw new LuckyError('E_INPUT_INVALID', `--to ${to} is before --from ${from}`);
}
