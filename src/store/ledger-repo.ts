/**
 * The real ledger's rows in the catalog. Appends only (the table's triggers refuse UPDATE and
 * DELETE): each row carries the previous row's hash and its own, and the catalog's meta table
 * keeps the chain head so removing the last row is noticed too. Callers append inside an
 * immediate transaction so the chain cannot fork between two writers.
 */
import type { BalanceAssertion, ChainHead } from '../core/finance/books-check.js';
import { GENESIS_HASH, type EntryType, type LedgerEntry, type LedgerEntryView, type NewEntry, chainHash } from '../core/finance/ledger.js';
import { hasUnsafeText } from '../core/text.js';
import { LuckyError } from '../errors.js';
import { readBooksKey } from './books-key.js';
import { readChainState, sealProblem, writeSeal } from './books-seal.js';
import { readMeta, writeMeta } from './catalog.js';
import type { Db } from './sqlite.js';

export const CHAIN_HEAD_KEY = 'ledger_head';

const COLUMNS = `id, created_at, entry_date, type, amount_cents, contest, tickets, numbers_per_ticket, tickets_json, run_id,
  recipe_hash, tier, idempotency_key, reverses_id, reason, note, prev_hash, hash`;
const VIEW = `SELECT e.*, (SELECT r.id FROM ledger_entries r WHERE r.reverses_id = e.id) AS reversed_by FROM ledger_entries e`;

/**
 * SQL: entry `e` has not been reversed. The one condition every sum over the books uses (spent
 * budgets, settleable bets), since a reversal cancels its entry.
 */
export const NOT_REVERSED = 'NOT EXISTS (SELECT 1 FROM ledger_entries r WHERE r.reverses_id = e.id)';

const TEXT_FIELDS = ['entry_date', 'tickets_json', 'run_id', 'recipe_hash', 'idempotency_key', 'reason', 'note'] as const;

/**
 * Appends one entry: assigns the next id, chains its hash to the last row and moves the head.
 * Must run inside the caller's `db.transaction(...).immediate()`.
 */
export function appendEntry(db: Db, entry: NewEntry, now: string): LedgerEntry {
  // Never extend (and so re-seal) books whose seal does not vouch for them: that would launder
  // a rewrite made outside luckyfive.
  const { key, state: before } = verifiedSeal(db);
  const last = before.count === 0 ? undefined : { id: before.head_id, hash: before.head_hash };
  const row: Omit<LedgerEntry, 'prev_hash' | 'hash'> = {
    id: (last?.id ?? 0) + 1,
    created_at: now,
    entry_date: entry.entry_date,
    type: entry.type,
    amount_cents: entry.amount_cents,
    contest: entry.contest ?? null,
    tickets: entry.tickets ?? null,
    numbers_per_ticket: entry.numbers_per_ticket ?? null,
    tickets_json: entry.tickets_json ?? null,
    run_id: entry.run_id ?? null,
    recipe_hash: entry.recipe_hash ?? null,
    tier: entry.tier ?? null,
    idempotency_key: entry.idempotency_key ?? null,
    reverses_id: entry.reverses_id ?? null,
    reason: entry.reason ?? null,
    note: entry.note ?? null,
  };
  // What SQLite stores must be what was hashed: text it would change (a lone surrogate becomes
  // U+FFFD) or that could drive a terminal is refused here, whatever the caller checked.
  for (const field of TEXT_FIELDS) {
    const v = row[field];
    if (typeof v === 'string' && hasUnsafeText(v)) throw new LuckyError('E_INPUT_INVALID', `${field} must not hold control characters or lone surrogates`);
  }
  const prevHash = last?.hash ?? GENESIS_HASH;
  const full: LedgerEntry = { ...row, prev_hash: prevHash, hash: chainHash(prevHash, row) };
  db.prepare(
    `INSERT INTO ledger_entries (${COLUMNS}) VALUES (@id, @created_at, @entry_date, @type, @amount_cents, @contest, @tickets,
      @numbers_per_ticket, @tickets_json, @run_id, @recipe_hash, @tier, @idempotency_key, @reverses_id, @reason, @note, @prev_hash, @hash)`,
  ).run(full);
  writeMeta(db, CHAIN_HEAD_KEY, `${full.id}:${full.hash}`);
  writeSeal(db, key, { ...before, count: before.count + 1, head_id: full.id, head_hash: full.hash });
  return full;
}

export function readEntry(db: Db, id: number): LedgerEntryView | undefined {
  return db.prepare(`${VIEW} WHERE e.id = ?`).get(id) as LedgerEntryView | undefined;
}

export function readEntryByKey(db: Db, key: string): LedgerEntryView | undefined {
  return db.prepare(`${VIEW} WHERE e.idempotency_key = ?`).get(key) as LedgerEntryView | undefined;
}

export interface EntryFilter {
  type?: EntryType | undefined;
  from_contest?: number | undefined;
  to_contest?: number | undefined;
  since?: string | undefined;
  until?: string | undefined;
  run_id?: string | undefined;
  limit?: number | undefined;
  /** keyset pagination: only entries after this one in (entry_date, id) order */
  after?: { entry_date: string; id: number } | undefined;
}

/** Entries matching the filter, oldest first, each with the id of its reversal (if any). */
export function readEntries(db: Db, f: EntryFilter = {}): LedgerEntryView[] {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    if (value === undefined) return;
    where.push(sql);
    params.push(value);
  };
  add('e.type = ?', f.type);
  add('e.contest >= ?', f.from_contest);
  add('e.contest <= ?', f.to_contest);
  add('e.entry_date >= ?', f.since);
  add('e.entry_date <= ?', f.until);
  add('e.run_id = ?', f.run_id);
  if (f.after !== undefined) {
    where.push('(e.entry_date > ? OR (e.entry_date = ? AND e.id > ?))');
    params.push(f.after.entry_date, f.after.entry_date, f.after.id);
  }
  let sql = `${VIEW} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY e.entry_date, e.id`;
  if (f.limit !== undefined) {
    sql += ' LIMIT ?';
    params.push(f.limit);
  }
  return db.prepare(sql).all(...params) as LedgerEntryView[];
}

/** Every row in id (chain) order, as stored, for `ledger check`. */
export function readChain(db: Db): LedgerEntry[] {
  return db.prepare(`SELECT ${COLUMNS} FROM ledger_entries ORDER BY id`).all() as LedgerEntry[];
}

/** The head luckyfive last wrote, or undefined before the first entry. */
export function readChainHead(db: Db): ChainHead | undefined {
  const v = readMeta(db, CHAIN_HEAD_KEY);
  if (v === undefined) return undefined;
  const [id, hash] = v.split(':');
  return { id: Number(id), hash: hash ?? '' };
}

/** Balance of every entry dated on or before `date` (all entries without a date). */
export function readBalance(db: Db, date?: string): number {
  const row = db
    .prepare('SELECT COALESCE(SUM(amount_cents), 0) AS b FROM ledger_entries WHERE ? IS NULL OR entry_date <= ?')
    .get(date ?? null, date ?? null) as { b: number };
  return row.b;
}

/** Bets of one contest that carry their tickets and have not been reversed. */
export function readSettleableBets(db: Db, contest: number): LedgerEntry[] {
  return db
    .prepare(
      `SELECT ${COLUMNS} FROM ledger_entries e WHERE e.type = 'bet' AND e.contest = ? AND e.tickets_json IS NOT NULL
       AND ${NOT_REVERSED} ORDER BY e.id`,
    )
    .all(contest) as LedgerEntry[];
}

/** How many bets of one contest were recorded without their tickets and not reversed (settlement cannot price them). */
export function countBetsWithoutTickets(db: Db, contest: number): number {
  const row = db
    .prepare(`SELECT COUNT(*) AS n FROM ledger_entries e WHERE e.type = 'bet' AND e.contest = ? AND e.tickets_json IS NULL AND ${NOT_REVERSED}`)
    .get(contest) as { n: number };
  return row.n;
}

/** Entries created by settling `betId` (keys `settle:<betId>:<tier>`). */
export function readSettlementsOf(db: Db, betId: number): LedgerEntry[] {
  return db.prepare(`SELECT ${COLUMNS} FROM ledger_entries WHERE idempotency_key LIKE ? ORDER BY id`).all(`settle:${betId}:%`) as LedgerEntry[];
}

/** Refuses to write beside books the seal does not vouch for; returns the key and state to re-seal with. */
function verifiedSeal(db: Db): { key: ReturnType<typeof readBooksKey>; state: ReturnType<typeof readChainState> } {
  const key = readBooksKey(db);
  const state = readChainState(db);
  const problem = sealProblem(db, key, state);
  if (problem) throw new LuckyError('E_BOOKS_UNSOUND', `nothing recorded: ${problem}`, ['run `luckyfive ledger check` for the details']);
  return { key, state };
}

/** Appends a balance assertion and re-seals (inside the caller's immediate transaction). */
export function appendAssertion(db: Db, date: string, balanceCents: number, note: string | null, now: string): BalanceAssertion {
  if (note !== null && hasUnsafeText(note)) throw new LuckyError('E_INPUT_INVALID', 'note must not hold control characters or lone surrogates');
  const { key, state } = verifiedSeal(db);
  const info = db
    .prepare('INSERT INTO ledger_assertions (created_at, assert_date, balance_cents, note) VALUES (?, ?, ?, ?)')
    .run(now, date, balanceCents, note);
  writeSeal(db, key, { ...state, assertions: state.assertions + 1 });
  return { ...(db.prepare('SELECT * FROM ledger_assertions WHERE id = ?').get(info.lastInsertRowid) as BalanceAssertion), retracted_by: null };
}

/** Every assertion, oldest first, with the id of its retraction (null while it stands). */
export function readAssertions(db: Db): BalanceAssertion[] {
  return db
    .prepare('SELECT a.*, (SELECT r.id FROM ledger_assertion_retractions r WHERE r.assertion_id = a.id) AS retracted_by FROM ledger_assertions a ORDER BY a.id')
    .all() as BalanceAssertion[];
}

/** Appends the retraction of an assertion and re-seals (inside the caller's immediate transaction). */
export function appendRetraction(db: Db, assertionId: number, reason: string, now: string): void {
  const { key, state } = verifiedSeal(db);
  db.prepare('INSERT INTO ledger_assertion_retractions (created_at, assertion_id, reason) VALUES (?, ?, ?)').run(now, assertionId, reason);
  writeSeal(db, key, { ...state, retractions: state.retractions + 1 });
}
