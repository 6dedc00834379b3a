/**
 * The stable JSON shapes of the books' records (snake_case, money as integer `*_cents`), shared
 * by the CLI's `--json` output and the HTTP API so the two never drift apart.
 */
import type { BudgetView } from './budget.js';
import type { LedgerEntryView } from './ledger.js';

/** The JSON shape of one entry. `tickets` is the count; `ticket_numbers` the recorded tickets, if any. */
export function entryJson(e: LedgerEntryView) {
  return {
    id: e.id,
    created_at: e.created_at,
    entry_date: e.entry_date,
    type: e.type,
    amount_cents: e.amount_cents,
    contest: e.contest,
    tickets: e.tickets,
    numbers_per_ticket: e.numbers_per_ticket,
    ticket_numbers: e.tickets_json === null ? null : (JSON.parse(e.tickets_json) as number[][]),
    run_id: e.run_id,
    recipe_hash: e.recipe_hash,
    tier: e.tier,
    idempotency_key: e.idempotency_key,
    reverses_id: e.reverses_id,
    reversed_by: e.reversed_by,
    reason: e.reason,
    note: e.note,
    hash: e.hash,
  };
}

/** One entry as the CLI's `--json` and the API show it. */
export type EntryJson = ReturnType<typeof entryJson>;

/** The JSON shape of a budget: definition plus derived spent_cents, remaining_cents and status. */
export function budgetJson(v: BudgetView) {
  return {
    name: v.name,
    amount_cents: v.amount_cents,
    from_date: v.from_date,
    to_date: v.to_date,
    spent_cents: v.spent_cents,
    remaining_cents: v.remaining_cents,
    status: v.status,
    note: v.note,
    created_at: v.created_at,
  };
}

/** One budget as the CLI's `--json` and the API show it. */
export type BudgetJson = ReturnType<typeof budgetJson>;
