/**
 * Budgets' use cases, shared by `luckyfive budget ...` and the `/budgets` routes: create one, list
 * them, show one, each with what its window has spent and its status on the front-end's today.
 */
import { type BudgetJson, budgetJson } from '../core/finance/books-json.js';
import { buildBudgetView, checkBudgetInput } from '../core/finance/budget.js';
import { LuckyError } from '../errors.js';
import { insertBudget, readBetSpend, readBudget, readBudgetViews } from '../store/budgets-repo.js';
import type { UseCaseDeps } from './deps.js';

/** Where a page of budgets ends: the (from_date, name) the next page starts after. */
export interface BudgetPosition {
  from_date: string;
  name: string;
}

/**
 * Creates a budget: bets dated in [from, to] (`to` null = open-ended) may cost at most
 * `amount_cents`. Refuses a bad name, amount or window (E_INPUT_INVALID) and a name already used
 * (E_CONFLICT). Returns it with what its window has already spent.
 */
export function createBudget(
  deps: Pick<UseCaseDeps, 'catalog' | 'clock'>,
  input: { name: string; amount_cents: number; from: string; to: string | null; note?: string | undefined },
): BudgetJson {
  checkBudgetInput(input.name, input.amount_cents, input.from, input.to);
  const db = deps.catalog.db;
  const b = insertBudget(db, {
    name: input.name,
    amount_cents: input.amount_cents,
    from_date: input.from,
    to_date: input.to,
    note: input.note ?? null,
    created_at: deps.clock.now,
  });
  return budgetJson(buildBudgetView(b, readBetSpend(db, input.from, input.to), deps.clock.today));
}

/**
 * Budgets by start date (then name) with spent, remaining and status, in one query; at most
 * `limit` after `after`. `next` is where the following page starts, or null when there is none.
 */
export function listBudgets(
  deps: Pick<UseCaseDeps, 'catalog' | 'clock'>,
  input: { limit?: number | undefined; after?: BudgetPosition | undefined } = {},
): { budgets: BudgetJson[]; next: BudgetPosition | null } {
  const { limit, after } = input;
  const views = readBudgetViews(deps.catalog.db, deps.clock.today, { after, limit: limit === undefined ? undefined : limit + 1 });
  const page = limit === undefined ? views : views.slice(0, limit);
  const last = page.at(-1);
  return { budgets: page.map(budgetJson), next: views.length > page.length && last ? { from_date: last.from_date, name: last.name } : null };
}

/** One budget with spent, remaining and status. Refuses an unknown name (E_NOT_FOUND). */
export function showBudget(deps: Pick<UseCaseDeps, 'catalog' | 'clock'>, input: { name: string }): BudgetJson {
  const db = deps.catalog.db;
  const b = readBudget(db, input.name);
  if (!b) throw new LuckyError('E_NOT_FOUND', `no budget named "${input.name}"`);
  return budgetJson(buildBudgetView(b, readBetSpend(db, b.from_date, b.to_date), deps.clock.today));
}
