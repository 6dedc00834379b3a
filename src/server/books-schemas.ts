/**
 * Schemas of the books for the HTTP API: ledger entries, budgets, reports, settlements and the
 * request bodies that record them (the CLI's names; money as integer `*_cents`).
 */
import { z } from 'zod';
import { BUDGET_NAME_PATTERN } from '../core/finance/budget.js';
import { BOOKS_ID_PATTERN, ENTRY_TYPES, MAX_BOOKS_CONTEST, TIER_NAMES } from '../core/finance/ledger.js';
import { MAX_MONEY_CENTS } from '../core/finance/money.js';
import { PAYOUT_RULES } from '../core/finance/prizes.js';
import { GROUP_BYS } from '../core/finance/report.js';
import { IsoDateField, TextField, bodyInt } from './schemas.js';

/** Run ids, idempotency keys: 1-200 visible ASCII characters, no spaces (the CLI's rule). */
export const IdField = z.string().regex(BOOKS_ID_PATTERN, 'must be 1-200 visible characters without spaces');

const Money = bodyInt(1, MAX_MONEY_CENTS);
/** A contest number the books accept. */
export const BooksContestField = bodyInt(1, MAX_BOOKS_CONTEST);

export const LedgerEntrySchema = z
  .object({
    id: z.int(),
    created_at: z.string(),
    entry_date: z.string(),
    type: z.enum(ENTRY_TYPES),
    amount_cents: z.int(),
    contest: z.int().nullable(),
    tickets: z.int().nullable(),
    numbers_per_ticket: z.int().nullable(),
    ticket_numbers: z.array(z.array(z.int())).nullable(),
    run_id: z.string().nullable(),
    recipe_hash: z.string().nullable(),
    tier: z.enum(TIER_NAMES).nullable(),
    idempotency_key: z.string().nullable(),
    reverses_id: z.int().nullable(),
    reversed_by: z.int().nullable(),
    reason: z.string().nullable(),
    note: z.string().nullable(),
    hash: z.string(),
  })
  .meta({ id: 'LedgerEntry', description: 'One append-only ledger row, as `luckyfive ledger list --json` prints it.' });

export const RecordedSchema = z
  .object({
    status: z.enum(['recorded', 'already_recorded']),
    entry: LedgerEntrySchema,
    cost_source: z.enum(['auto', 'given']).optional(),
    base_price_cents: z.int().nullable().optional(),
    price_date: z.string().nullable().optional(),
    run_known: z.boolean().optional().meta({ description: 'false when run_id is not in the run index (recorded anyway)' }),
    unreversed_settlements: z
      .array(z.int())
      .optional()
      .meta({ description: 'prize entries settled from a reversed bet: reverse them too if they were not won' }),
  })
  .meta({ id: 'RecordedEntry' });

const common = {
  date: IsoDateField.optional().meta({ description: 'booking date (default: the draw date, or today)' }),
  idempotency_key: IdField.optional().meta({ description: 'the same key records one entry only (also the Idempotency-Key header)' }),
  note: TextField.optional(),
};

export const NewEntryBodySchema = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('bet'),
      contest: BooksContestField,
      tickets: bodyInt(1, 100_000).optional().meta({ description: 'ticket count (default: how many ticket_numbers)' }),
      numbers: bodyInt(5, 15).optional().meta({ description: 'numbers per ticket (default 5, or the size of ticket_numbers)' }),
      cost_cents: Money.optional().meta({ description: 'total cost; default auto: price on the draw date x C(k,5) x tickets' }),
      run_id: IdField.optional(),
      ticket_numbers: z.array(z.array(z.int())).max(100_000).optional().meta({ description: 'the actual tickets (needed to settle)' }),
      over_budget: z.boolean().optional().meta({ description: 'record even if it overspends a budget' }),
      ...common,
    }),
    z.strictObject({
      type: z.literal('prize'),
      contest: BooksContestField,
      tier: z.enum(TIER_NAMES),
      amount_cents: Money,
      tickets: bodyInt(1, 1_000_000).optional().meta({ description: 'winning tickets (combinations) this amount covers' }),
      run_id: IdField.optional(),
      ...common,
    }),
    z.strictObject({ type: z.literal('deposit'), amount_cents: Money, ...common }),
    z.strictObject({ type: z.literal('withdrawal'), amount_cents: Money.meta({ description: 'the amount taken out, positive' }), ...common }),
    z.strictObject({
      type: z.literal('adjustment'),
      amount_cents: bodyInt(-MAX_MONEY_CENTS, MAX_MONEY_CENTS)
        .refine((v) => v !== 0, 'must not be zero')
        .meta({ description: 'signed correction' }),
      ...common,
    }),
  ])
  .meta({ id: 'NewLedgerEntry', description: 'A bet, prize, deposit, withdrawal or adjustment (the `luckyfive ledger add` flags).' });

export type NewEntryBody = z.infer<typeof NewEntryBodySchema>;

const TierCounts = z.object(Object.fromEntries(TIER_NAMES.map((t) => [t, z.int()])) as Record<(typeof TIER_NAMES)[number], z.ZodInt>);

const ReportRowSchema = z.object({
  key: z.string(),
  invested_cents: z.int(),
  won_cents: z.int(),
  net_cents: z.int(),
  roi_pct: z.number().nullable(),
  bets: z.int(),
  tickets: z.int(),
  prizes: z.int(),
  tier_counts: TierCounts,
  deposits_cents: z.int(),
  withdrawals_cents: z.int(),
  adjustments_cents: z.int(),
  balance_change_cents: z.int(),
  cumulative_net_cents: z.int(),
});

export const LedgerReportSchema = z
  .object({ group_by: z.enum(GROUP_BYS), rows: z.array(ReportRowSchema), total: ReportRowSchema })
  .meta({ id: 'LedgerReport', description: 'Invested, won, net and ROI per group (reversals netted out).' });

export const SettleResultSchema = z
  .object({
    contest: z.int(),
    draw_date: z.string(),
    payout_rule: z.enum(PAYOUT_RULES),
    bets: z.int(),
    bets_without_tickets: z.int(),
    lines: z.array(
      z.object({
        bet_id: z.int(),
        tier: z.int(),
        combinations: z.int(),
        prize_per_combination_cents: z.int(),
        amount_cents: z.int(),
        source: z.string(),
        entry_id: z.int(),
        status: z.enum(['recorded', 'already_recorded']),
      }),
    ),
    recorded_cents: z.int(),
  })
  .meta({ id: 'Settlement' });

export const BooksCheckSchema = z
  .object({
    sound: z.boolean(),
    problems: z.array(
      z.object({
        kind: z.string(),
        entry_id: z.int().nullable(),
        assertion_id: z.int().nullable(),
        message: z.string(),
        expected_cents: z.int().optional(),
        actual_cents: z.int().optional(),
        delta_cents: z.int().optional(),
      }),
    ),
  })
  .meta({ id: 'BooksCheck' });

export const AssertionSchema = z
  .object({
    id: z.int(),
    created_at: z.string(),
    assert_date: z.string(),
    balance_cents: z.int(),
    note: z.string().nullable(),
    retracted_by: z.int().nullable(),
  })
  .meta({ id: 'BalanceAssertion', description: 'A balance assertion; retracted_by is the retraction that withdrew it.' });

export const AssertionResultSchema = z.object({ assertion: AssertionSchema, actual_cents: z.int(), holds: z.boolean() }).meta({ id: 'AssertionResult' });

export const BudgetSchema = z
  .object({
    name: z.string(),
    amount_cents: z.int(),
    from_date: z.string(),
    to_date: z.string().nullable(),
    spent_cents: z.int(),
    remaining_cents: z.int(),
    status: z.enum(['upcoming', 'active', 'exhausted', 'expired']),
    note: z.string().nullable(),
    created_at: z.string(),
  })
  .meta({ id: 'Budget', description: 'A budget with what its window has spent (derived from the ledger).' });

export const BudgetBodySchema = z
  .strictObject({
    name: z.string().regex(BUDGET_NAME_PATTERN, 'must be 1-64 letters, digits, dots, dashes or underscores, starting with a letter or digit'),
    amount_cents: Money,
    from: IsoDateField.meta({ description: 'first day' }),
    to: IsoDateField.optional().meta({ description: 'last day, inclusive (default open-ended)' }),
    note: TextField.optional(),
  })
  .meta({ id: 'NewBudget' });
