/**
 * The real ledger's use cases, shared by `luckyfive ledger ...` and the `/ledger` routes: record an
 * entry, reverse it, settle a contest, balance assertions, check, list, report, balance and the
 * books-key rotation. Each returns the document the CLI prints with `--json` and the API returns.
 */
import { buildBetEntry } from '../core/finance/bet.js';
import type { BookProblem, BalanceAssertion } from '../core/finance/books-check.js';
import { type EntryJson, entryJson } from '../core/finance/books-json.js';
import type { NewEntry, TierName } from '../core/finance/ledger.js';
import { type GroupBy, type LedgerReport, buildLedgerReport } from '../core/finance/report.js';
import { checkBooks, recordAssertion, recordEntry, retractAssertion, reverseEntry, type SettleResult, settleContest } from '../store/books.js';
import { type RotateReport, rotateBooksKey } from '../store/books-rotate.js';
import { getDrawDate, readDrawBounds } from '../store/draws-repo.js';
import { readPriceTable } from '../store/prices-repo.js';
import { readRunRecipeHash } from '../store/roi-repo.js';
import { writeOpsRecord } from '../store/ops-records.js';
import { type EntryFilter, readBalance, readEntries } from '../store/ledger-repo.js';
import type { UseCaseDeps } from './deps.js';

type BooksDeps = Pick<UseCaseDeps, 'catalog' | 'clock'>;

/** Fields every new entry may carry (the CLI's flags, the HTTP body's fields). */
interface EntryCommon {
  /** entry date; the default depends on the type (see {@link recordLedgerEntry}) */
  date?: string | undefined;
  /** idempotency key: the same key records one entry only */
  key?: string | undefined;
  note?: string | undefined;
}

/** A new ledger entry, already parsed by the front-end (money in centavos). */
export type NewEntryInput =
  | (EntryCommon & {
      type: 'bet';
      contest: number;
      tickets?: number | undefined;
      numbers?: number | undefined;
      /** undefined = auto from the price table */
      cost_cents?: number | undefined;
      run_id?: string | undefined;
      ticket_list?: number[][] | undefined;
      /** record it even if it overspends a budget */
      over_budget?: boolean | undefined;
    })
  | (EntryCommon & { type: 'prize'; contest: number; tier: TierName; amount_cents: number; tickets?: number | undefined; run_id?: string | undefined })
  /** `amount_cents` is positive for a withdrawal (the amount taken out) and signed for an adjustment */
  | (EntryCommon & { type: 'deposit' | 'withdrawal' | 'adjustment'; amount_cents: number });

/** What recording an entry returns: the entry, and for a bet how its cost was found. */
export interface RecordedDoc {
  status: 'recorded' | 'already_recorded';
  entry: EntryJson;
  cost_source?: 'auto' | 'given';
  base_price_cents?: number | null;
  price_date?: string | null;
  /** false when the bet's run_id is not in the run index (recorded anyway) */
  run_known?: boolean;
}

/**
 * Records a bet, prize, deposit, withdrawal or adjustment. A bet's cost `auto` is the price table
 * on the contest's draw date x C(k,5) x tickets, and it is booked on the draw date (today for a
 * contest not drawn yet); a prize is booked on the draw date, else today; cash on today. A
 * withdrawal is stored negative.
 *
 * Refuses (LuckyError): a bad sign or reserved key (E_INPUT_INVALID), a key already used for a
 * different entry (E_CONFLICT), a bet that would overspend a budget (E_BUDGET_EXCEEDED, unless
 * `over_budget`), an auto-priced bet of an unknown past contest (E_DATA_MISSING), books whose seal
 * does not verify (E_BOOKS_UNSOUND). A key already used for the very same entry returns it with
 * status `already_recorded`.
 */
export function recordLedgerEntry(deps: BooksDeps, input: NewEntryInput): RecordedDoc {
  const { catalog, clock } = deps;
  const db = catalog.db;
  if (input.type === 'bet') {
    const { over_budget, ...bet } = input;
    const plan = buildBetEntry(bet, {
      draw_date: getDrawDate(db, bet.contest) ?? null,
      last_contest: readDrawBounds(db).last_contest ?? 0,
      prices: readPriceTable(db),
      today: clock.today,
    });
    // a bet linked to a run the index knows records that run's recipe hash
    const recipeHash = bet.run_id === undefined ? undefined : readRunRecipeHash(db, bet.run_id);
    if (recipeHash !== undefined) plan.entry.recipe_hash = recipeHash;
    const r = recordEntry(db, plan.entry, clock, { overBudget: over_budget === true });
    return {
      status: r.status,
      entry: entryJson(r.entry),
      cost_source: plan.cost_source,
      base_price_cents: plan.base_price_cents,
      price_date: plan.price_date,
      run_known: bet.run_id === undefined || recipeHash !== undefined,
    };
  }
  const entry: NewEntry =
    input.type === 'prize'
      ? {
          entry_date: input.date ?? getDrawDate(db, input.contest) ?? clock.today,
          type: 'prize',
          amount_cents: input.amount_cents,
          contest: input.contest,
          tickets: input.tickets ?? null,
          tier: input.tier,
          run_id: input.run_id ?? null,
          idempotency_key: input.key ?? null,
          note: input.note ?? null,
        }
      : {
          entry_date: input.date ?? clock.today,
          type: input.type,
          amount_cents: input.type === 'withdrawal' ? -input.amount_cents : input.amount_cents,
          idempotency_key: input.key ?? null,
          note: input.note ?? null,
        };
  const r = recordEntry(db, entry, clock);
  return { status: r.status, entry: entryJson(r.entry) };
}

/**
 * Cancels entry `id` by appending its reversal (amount negated), dated `date` or today: the only
 * correction the books allow. Refuses an unknown id (E_NOT_FOUND), a reversal or an entry already
 * reversed (E_CONFLICT). Returns the reversal and, for a bet, the ids of its settled prize entries
 * that still stand (reverse them too if they were not won).
 */
export function reverseLedgerEntry(
  deps: BooksDeps,
  input: { id: number; reason: string; date?: string | undefined },
): { status: RecordedDoc['status']; entry: EntryJson; unreversed_settlements: number[] } {
  const r = reverseEntry(deps.catalog.db, input.id, input.reason, deps.clock, input.date);
  return { status: r.status, entry: entryJson(r.entry), unreversed_settlements: r.settlements.map((s) => s.id) };
}

/**
 * Records the prizes won by a contest's bets recorded with their tickets (idempotent: a second call
 * records nothing). Refuses a contest not imported yet (E_DATA_MISSING).
 */
export function settleLedgerContest(deps: BooksDeps, input: { contest: number }): SettleResult {
  return settleContest(deps.catalog.db, input.contest, deps.clock);
}

/**
 * Records a balance assertion: the balance of all entries dated on or before `date`. Refuses one
 * that fails now unless `force`, and always one that contradicts a standing assertion of the same
 * date (E_CONFLICT). Returns it with the actual balance and whether it holds.
 */
export function assertLedgerBalance(
  deps: BooksDeps,
  input: { date: string; balance_cents: number; note?: string | undefined; force?: boolean | undefined },
): { assertion: BalanceAssertion; actual_cents: number; holds: boolean } {
  const r = recordAssertion(deps.catalog.db, input.date, input.balance_cents, input.note ?? null, deps.clock, { force: input.force === true });
  return { assertion: r.assertion, actual_cents: r.actual_cents, holds: r.actual_cents === input.balance_cents };
}

/**
 * Withdraws balance assertion `id` by appending a retraction. Refuses an unknown id (E_NOT_FOUND)
 * or one already retracted (E_CONFLICT). Returns the assertion with its retraction.
 */
export function retractLedgerAssertion(deps: BooksDeps, input: { id: number; reason: string }): { assertion: BalanceAssertion } {
  return { assertion: retractAssertion(deps.catalog.db, input.id, input.reason, deps.clock) };
}

/**
 * Verifies the hash chain, the keyed seal, reversals, signs and standing balance assertions.
 * Never throws for unsound books: it returns every problem (empty and `sound` when none).
 */
export function checkLedger(deps: Pick<UseCaseDeps, 'catalog'>): { sound: boolean; problems: BookProblem[] } {
  const problems = checkBooks(deps.catalog.db);
  return { sound: problems.length === 0, problems };
}

/**
 * `luckyfive ledger check` as an operator or a timer runs it: {@link checkLedger}, then its result
 * and time recorded in the data dir (`ops/ledger-check.json`), which `/metrics` reports as
 * `luckyfive_ledger_check_ok` and `luckyfive_ledger_check_timestamp_seconds`: the scrape never
 * runs the check itself. A record that cannot be written goes to `onWarn`; the check's answer
 * stands. Returns the same document as {@link checkLedger}.
 */
export function recordLedgerCheck(deps: BooksDeps, input: { onWarn: (message: string) => void }): { sound: boolean; problems: BookProblem[] } {
  const r = checkLedger(deps);
  try {
    writeOpsRecord(deps.catalog.dataDir, 'ledger-check', { at: deps.clock.now, ok: r.sound, detail: `${r.problems.length} problem(s)` });
  } catch (e) {
    input.onWarn(`the check's result could not be recorded for /metrics: ${(e as Error).message}`);
  }
  return r;
}

/** Which entries to list or report on (all when empty). */
export type LedgerFilter = Omit<EntryFilter, 'limit' | 'after'>;

/** Where a page of entries ends: the (entry_date, id) the next page starts after. */
export interface EntryPosition {
  entry_date: string;
  id: number;
}

/**
 * Entries matching the filter, oldest first, at most `limit` of them after `after` (keyset order
 * entry_date, id). `next` is where the following page starts, or null when there is none.
 */
export function listLedgerEntries(
  deps: Pick<UseCaseDeps, 'catalog'>,
  input: LedgerFilter & { limit?: number | undefined; after?: EntryPosition | undefined },
): { entries: EntryJson[]; next: EntryPosition | null } {
  const { limit, ...filter } = input;
  const rows = readEntries(deps.catalog.db, { ...filter, limit: limit === undefined ? undefined : limit + 1 });
  const page = limit === undefined ? rows : rows.slice(0, limit);
  const last = page.at(-1);
  return { entries: page.map(entryJson), next: rows.length > page.length && last ? { entry_date: last.entry_date, id: last.id } : null };
}

/** Invested, won, net and ROI per month, week, run or tier (reversals netted out), with the total. */
export function reportLedger(deps: Pick<UseCaseDeps, 'catalog'>, input: LedgerFilter & { group_by: GroupBy }): LedgerReport {
  const { group_by, ...filter } = input;
  return buildLedgerReport(readEntries(deps.catalog.db, filter), group_by);
}

/** The balance of all entries dated on or before `date` (default today, so future-dated entries are not counted). */
export function showLedgerBalance(deps: BooksDeps, input: { date?: string | undefined }): { date: string; balance_cents: number } {
  const date = input.date ?? deps.clock.today;
  return { date, balance_cents: readBalance(deps.catalog.db, date) };
}

/**
 * Re-seals the books under a new books key after verifying them with the old one. With a key
 * file and no `old_key_file`, writes a new random key and keeps the old one as `<file>.previous`;
 * with the new key already configured, `old_key_file` names the old one. Refuses books that do not
 * verify with the old key (E_BOOKS_UNSOUND) and a configuration it cannot rotate (E_USAGE).
 */
export function rotateLedgerKey(deps: Pick<UseCaseDeps, 'catalog' | 'clock' | 'config'>, input: { old_key_file?: string | undefined }): RotateReport {
  const { config } = deps;
  return rotateBooksKey(deps.catalog.db, config.data_dir, { key: config.books_key, file: config.books_key_file }, input.old_key_file, deps.clock);
}
