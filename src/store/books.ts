/**
 * Writing the books: every operation that reads rules or balances and then appends runs in one
 * immediate transaction, so a budget check, an idempotency check or a "not reversed yet" check
 * cannot be raced by a second writer. Validation happens before anything is written.
 */
import { type BookProblem, balanceOn, describeDifference, findBookProblems } from '../core/finance/books-check.js';
import { formatBRL } from '../core/finance/money.js';
import { MAX_TEXT, textProblem } from '../core/text.js';
import type { BalanceAssertion } from '../core/finance/books-check.js';
import { checkBudgets } from '../core/finance/budget.js';
import {
  type LedgerEntry,
  type LedgerEntryView,
  type NewEntry,
  buildReversal,
  idempotencyDifferences,
  reservedKeyProblem,
  signProblem,
} from '../core/finance/ledger.js';
import { buildSettlement, type SettlementLine } from '../core/finance/settle.js';
import type { Clock } from '../clock.js';
import { LuckyError } from '../errors.js';
import { readBooksKey } from './books-key.js';
import { sealProblem } from './books-seal.js';
import { readBudgetSpends } from './budgets-repo.js';
import { getDraw } from './draws-repo.js';
import {
  appendAssertion,
  appendEntry,
  appendRetraction,
  countBetsWithoutTickets,
  readAssertions,
  readChain,
  readChainHead,
  readEntry,
  readEntryByKey,
  readSettleableBets,
  readSettlementsOf,
} from './ledger-repo.js';
import { readPayoutRule } from './prices-repo.js';
import type { Db } from './sqlite.js';

export interface RecordResult {
  status: 'recorded' | 'already_recorded';
  entry: LedgerEntryView;
}

/**
 * Appends `entry` after checking its sign, its idempotency key (reserved namespaces are refused;
 * a key already used for the very same entry returns the stored entry, for an entry that differs
 * in any field it is E_CONFLICT) and, for bets, every budget whose window holds its date
 * (E_BUDGET_EXCEEDED unless `overBudget`).
 */
export function recordEntry(db: Db, entry: NewEntry, clock: Clock, options: { overBudget?: boolean } = {}): RecordResult {
  const sign = signProblem(entry.type, entry.amount_cents);
  if (sign) throw new LuckyError('E_INPUT_INVALID', sign);
  const reserved = entry.idempotency_key ? reservedKeyProblem(entry.idempotency_key) : undefined;
  if (reserved) throw new LuckyError('E_INPUT_INVALID', reserved);
  return db
    .transaction((): RecordResult => {
      if (entry.idempotency_key) {
        const existing = readEntryByKey(db, entry.idempotency_key);
        if (existing) {
          const differs = idempotencyDifferences(entry, existing);
          if (differs.length) {
            throw new LuckyError('E_CONFLICT', `idempotency key "${entry.idempotency_key}" was already used for entry ${existing.id}, a different entry`, [
              ...differs.map((k) => `${k}: stored ${shortValue(existing[k])}, now ${shortValue(entry[k])}`),
              'use a new key for a new entry',
            ]);
          }
          return { status: 'already_recorded', entry: existing };
        }
      }
      if (entry.type === 'bet') checkBudgets(readBudgetSpends(db), entry.entry_date, -entry.amount_cents, options.overBudget === true);
      const stored = appendEntry(db, entry, clock.now);
      return { status: 'recorded', entry: { ...stored, reversed_by: null } };
    })
    .immediate();
}

/** A stored or given field for a conflict message: JSON, cut at 80 characters. */
function shortValue(v: unknown): string {
  const text = JSON.stringify(v ?? null);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * Appends the reversal of entry `id` (amount negated): the only way to correct the books.
 * A reversal cannot itself be reversed and an entry is reversed at most once (E_CONFLICT).
 */
export function reverseEntry(db: Db, id: number, reason: string, clock: Clock, date?: string): RecordResult & { settlements: LedgerEntry[] } {
  if (!reason.trim()) throw new LuckyError('E_INPUT_INVALID', 'a reversal needs a --reason');
  return db
    .transaction(() => {
      const original = readEntry(db, id);
      if (!original) throw new LuckyError('E_NOT_FOUND', `ledger entry ${id} does not exist`);
      if (original.type === 'reversal') {
        throw new LuckyError('E_CONFLICT', `entry ${id} is a reversal and cannot be reversed`, ['to restore the original, record it again as a new entry']);
      }
      if (original.reversed_by !== null) throw new LuckyError('E_CONFLICT', `entry ${id} is already reversed by entry ${original.reversed_by}`);
      const stored = appendEntry(db, buildReversal(original, date ?? clock.today, reason.trim()), clock.now);
      const settlements = original.type === 'bet' ? readSettlementsOf(db, id).filter((s) => readEntry(db, s.id)?.reversed_by === null) : [];
      return { status: 'recorded' as const, entry: { ...stored, reversed_by: null }, settlements };
    })
    .immediate();
}

export interface SettleResult {
  contest: number;
  draw_date: string;
  payout_rule: ReturnType<typeof readPayoutRule>;
  /** bets of the contest with their tickets (settled) */
  bets: number;
  /** bets of the contest recorded without tickets: they cannot be settled */
  bets_without_tickets: number;
  lines: Array<Omit<SettlementLine, 'entry'> & { entry_id: number; status: RecordResult['status'] }>;
  recorded_cents: number;
}

/**
 * Records the prizes earned by the contest's bets that carry their tickets (reversed bets
 * excluded). Idempotent: each (bet, tier) has a fixed key, so a second run records nothing.
 * The draw must be imported (E_DATA_MISSING otherwise).
 */
export function settleContest(db: Db, contest: number, clock: Clock): SettleResult {
  const draw = getDraw(db, contest);
  if (!draw) throw new LuckyError('E_DATA_MISSING', `contest ${contest} is not imported yet: import its result before settling`);
  return db
    .transaction((): SettleResult => {
      const rule = readPayoutRule(db);
      const bets = readSettleableBets(db, contest);
      const withoutTickets = countBetsWithoutTickets(db, contest);
      const lines: SettleResult['lines'] = [];
      let recorded = 0;
      for (const line of buildSettlement(draw, bets, rule)) {
        const { entry, ...rest } = line;
        const slot = findSettlementSlot(db, line);
        if (slot.existing) {
          lines.push({ ...rest, entry_id: slot.existing.id, status: 'already_recorded' });
          continue;
        }
        const stored = appendEntry(db, { ...entry, idempotency_key: slot.key }, clock.now);
        recorded += stored.amount_cents;
        lines.push({ ...rest, entry_id: stored.id, status: 'recorded' });
      }
      return { contest, draw_date: draw.date, payout_rule: rule, bets: bets.length, bets_without_tickets: withoutTickets, lines, recorded_cents: recorded };
    })
    .immediate();
}

/**
 * Where a settlement line goes: the entry already recorded for it (then nothing is recorded), or
 * the free key to record it under. The key `settle:<bet>:<tier>` counts as recorded only if its
 * entry really is that bet's prize at that tier (a prize of the same contest and tier written by
 * settlement); an entry that merely took the key (possible before keys were reserved) is passed
 * over and the prize is recorded under `settle:<bet>:<tier>:2` (then `:3`...).
 */
function findSettlementSlot(db: Db, line: SettlementLine): { existing?: LedgerEntryView; key: string } {
  const base = line.entry.idempotency_key!;
  for (let n = 1; n <= 100; n++) {
    const key = n === 1 ? base : `${base}:${n}`;
    const existing = readEntryByKey(db, key);
    if (!existing) return { key };
    if (isSettlementOf(existing, line)) return { existing, key };
  }
  throw new LuckyError('E_CONFLICT', `too many entries hold the settlement keys of bet ${line.bet_id}: check the ledger`);
}

/** Is `e` the prize that settlement recorded for this bet and tier? */
function isSettlementOf(e: LedgerEntry, line: SettlementLine): boolean {
  return (
    e.type === 'prize' &&
    e.contest === line.entry.contest &&
    e.tier === line.entry.tier &&
    e.reverses_id === null &&
    (e.note ?? '').startsWith(`settled bet ${line.bet_id} against contest ${line.entry.contest} `)
  );
}

/**
 * Records a balance assertion. One that fails right now is refused (E_CONFLICT) unless `force`;
 * one that contradicts a standing assertion of the same date (another balance) is always
 * refused: retract the old one first ({@link retractAssertion}).
 */
export function recordAssertion(
  db: Db,
  date: string,
  balanceCents: number,
  note: string | null,
  clock: Clock,
  options: { force?: boolean } = {},
): { assertion: BalanceAssertion; actual_cents: number } {
  return db
    .transaction(() => {
      const actual = balanceOn(readChain(db), date);
      const clash = readAssertions(db).find((a) => a.assert_date === date && a.balance_cents !== balanceCents && a.retracted_by === null);
      if (clash) {
        throw new LuckyError('E_CONFLICT', `assertion ${clash.id} already says the balance on ${date} is ${formatBRL(clash.balance_cents)}: both cannot hold`, [
          `retract it first if it is wrong: luckyfive ledger retract ${clash.id} --reason TEXT`,
        ]);
      }
      if (actual !== balanceCents && options.force !== true) {
        throw new LuckyError('E_CONFLICT', `the assertion fails now, so it was not recorded: ${describeDifference(balanceCents, actual)}`, [
          'an assertion states a balance that holds; to record one that does not hold yet, force it (--force, or "force": true)',
        ]);
      }
      const assertion = appendAssertion(db, date, balanceCents, note, clock.now);
      return { assertion, actual_cents: actual };
    })
    .immediate();
}

/**
 * Withdraws assertion `id` by appending a retraction (assertions are never edited or deleted);
 * `ledger check` no longer tests it. E_NOT_FOUND for an unknown id, E_CONFLICT when already retracted.
 */
export function retractAssertion(db: Db, id: number, reason: string, clock: Clock): BalanceAssertion {
  const problem = textProblem(reason.trim(), MAX_TEXT);
  if (problem) throw new LuckyError('E_INPUT_INVALID', `the reason ${problem}`);
  return db
    .transaction(() => {
      const a = readAssertions(db).find((x) => x.id === id);
      if (!a) throw new LuckyError('E_NOT_FOUND', `balance assertion ${id} does not exist`);
      if (a.retracted_by !== null) throw new LuckyError('E_CONFLICT', `assertion ${id} is already retracted`);
      appendRetraction(db, id, reason.trim(), clock.now);
      return readAssertions(db).find((x) => x.id === id)!;
    })
    .immediate();
}

/** Every problem in the books (empty when sound), the keyed seal included. */
export function checkBooks(db: Db): BookProblem[] {
  const key = readBooksKey(db);
  return db.transaction(() => {
    const problems = findBookProblems(readChain(db), readAssertions(db), readChainHead(db));
    const seal = sealProblem(db, key);
    if (seal) problems.push({ kind: 'seal', entry_id: null, assertion_id: null, message: seal });
    return problems;
  })();
}
