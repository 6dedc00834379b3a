/**
 * Are the books sound? Verifies the hash chain (a row edited, removed or inserted outside
 * luckyfive breaks it), the chain head, the sign of every amount, that every reversal cancels
 * exactly one existing entry, and every balance assertion (beancount style: the balance of all
 * entries dated on or before the assertion's date). Pure: the store hands in every row.
 */
import { ENTRY_TYPES, GENESIS_HASH, type LedgerEntry, chainHash, signProblem } from './ledger.js';
import { formatBRL } from './money.js';

export interface BalanceAssertion {
  id: number;
  created_at: string;
  assert_date: string;
  balance_cents: number;
  note: string | null;
  /** the retraction that withdrew it (`ledger retract`); a retracted assertion is not checked */
  retracted_by: number | null;
}

export interface BookProblem {
  kind: 'hash' | 'chain' | 'head' | 'seal' | 'type' | 'sign' | 'reversal' | 'assertion';
  entry_id: number | null;
  assertion_id: number | null;
  message: string;
  expected_cents?: number;
  actual_cents?: number;
  delta_cents?: number;
}

/** The last entry the store says it wrote, as `id:hash` (kept in the catalog's meta table). */
export interface ChainHead {
  id: number;
  hash: string;
}

/** One line per money difference: expected, actual and delta in R$ and centavos. */
export function describeDifference(expected: number, actual: number): string {
  const delta = actual - expected;
  return `expected ${formatBRL(expected)} (${expected} cents), actual ${formatBRL(actual)} (${actual} cents), delta ${delta >= 0 ? '+' : ''}${formatBRL(delta)} (${delta} cents)`;
}

/** Balance of every entry dated on or before `date`. */
export function balanceOn(entries: ReadonlyArray<Pick<LedgerEntry, 'entry_date' | 'amount_cents'>>, date: string): number {
  let sum = 0;
  for (const e of entries) if (e.entry_date <= date) sum += e.amount_cents;
  return sum;
}

/** Every problem in the books, in entry order then assertion order; empty when they are sound. */
export function findBookProblems(entries: readonly LedgerEntry[], assertions: readonly BalanceAssertion[], head: ChainHead | undefined): BookProblem[] {
  const problems: BookProblem[] = [];
  const entryProblem = (e: LedgerEntry, kind: BookProblem['kind'], message: string, money?: { expected: number; actual: number }): void => {
    problems.push({
      kind,
      entry_id: e.id,
      assertion_id: null,
      message: `entry ${e.id}: ${message}`,
      ...(money ? { expected_cents: money.expected, actual_cents: money.actual, delta_cents: money.actual - money.expected } : {}),
    });
  };
  const sorted = [...entries].sort((a, b) => a.id - b.id);
  const byId = new Map(sorted.map((e) => [e.id, e]));
  const reversedBy = new Map<number, number>();
  let prev: LedgerEntry | undefined;
  for (const e of sorted) {
    const expectedPrev = prev ? prev.hash : GENESIS_HASH;
    if (e.prev_hash !== expectedPrev) {
      entryProblem(
        e,
        'chain',
        prev
          ? `does not follow entry ${prev.id} in the hash chain (an entry before it was removed, inserted or rewritten)`
          : 'the first entry does not start the hash chain (earlier entries were removed)',
      );
    }
    if (chainHash(e.prev_hash, e) !== e.hash)
      entryProblem(
        e,
        'hash',
        `content does not match its hash: the row was edited outside luckyfive (type ${e.type}, amount ${formatBRL(e.amount_cents)}, date ${e.entry_date})`,
      );
    if (!(ENTRY_TYPES as readonly string[]).includes(e.type)) {
      entryProblem(e, 'type', `unknown type "${e.type}"`);
    } else {
      const sign = signProblem(e.type, e.amount_cents);
      if (sign) entryProblem(e, 'sign', sign);
      checkReversal(e, byId, reversedBy, entryProblem);
    }
    prev = e;
  }
  const last = sorted.at(-1);
  if (last && !head)
    problems.push({ kind: 'head', entry_id: last.id, assertion_id: null, message: `the chain head record is missing (last entry is ${last.id})` });
  if (head && (!last || last.id !== head.id || last.hash !== head.hash)) {
    problems.push({
      kind: 'head',
      entry_id: head.id,
      assertion_id: null,
      message: last
        ? `the last entry is ${last.id} but luckyfive last wrote entry ${head.id}: entries were removed or added outside luckyfive`
        : `the ledger is empty but luckyfive last wrote entry ${head.id}: entries were removed`,
    });
  }
  for (const a of [...assertions].sort((x, y) => x.id - y.id)) {
    if ((a.retracted_by ?? null) !== null) continue;
    const actual = balanceOn(sorted, a.assert_date);
    if (actual !== a.balance_cents) {
      problems.push({
        kind: 'assertion',
        entry_id: null,
        assertion_id: a.id,
        message: `assertion ${a.id}: balance on ${a.assert_date}: ${describeDifference(a.balance_cents, actual)}`,
        expected_cents: a.balance_cents,
        actual_cents: actual,
        delta_cents: actual - a.balance_cents,
      });
    }
  }
  return problems;
}

function checkReversal(
  e: LedgerEntry,
  byId: ReadonlyMap<number, LedgerEntry>,
  reversedBy: Map<number, number>,
  report: (e: LedgerEntry, kind: BookProblem['kind'], message: string, money?: { expected: number; actual: number }) => void,
): void {
  const isReversal = e.type === 'reversal';
  if (!isReversal) {
    if (e.reverses_id !== null) report(e, 'reversal', `a ${e.type} must not point at entry ${e.reverses_id} as if it reversed it`);
    return;
  }
  if (e.reverses_id === null) return report(e, 'reversal', 'a reversal that reverses nothing (orphan)');
  const target = byId.get(e.reverses_id);
  if (!target) return report(e, 'reversal', `reverses entry ${e.reverses_id}, which does not exist (orphan reversal)`);
  if (target.id >= e.id) report(e, 'reversal', `reverses entry ${target.id}, which was written after it`);
  if (target.type === 'reversal') report(e, 'reversal', `reverses entry ${target.id}, which is itself a reversal`);
  const earlier = reversedBy.get(target.id);
  if (earlier !== undefined) report(e, 'reversal', `entry ${target.id} is already reversed by entry ${earlier}`);
  else reversedBy.set(target.id, e.id);
  if (e.amount_cents !== -target.amount_cents) {
    report(e, 'reversal', `does not cancel entry ${target.id}: ${describeDifference(-target.amount_cents, e.amount_cents)}`, {
      expected: -target.amount_cents,
      actual: e.amount_cents,
    });
  }
}
