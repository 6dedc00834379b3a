/**
 * The real ledger's rules: entry types and their signs, the canonical content that the hash
 * chain covers, and which entries count once reversals are netted out. Pure: the store appends
 * rows, this module says what a row must look like and what it hashes to.
 */
import { createHash } from 'node:crypto';
import { TIERS, type TierHits } from '../draw.js';

export const ENTRY_TYPES = ['bet', 'prize', 'deposit', 'withdrawal', 'adjustment', 'reversal'] as const;
export type EntryType = (typeof ENTRY_TYPES)[number];

/** Identifiers the books store (run ids, idempotency keys): 1-200 visible ASCII characters, no spaces. */
export const BOOKS_ID_PATTERN = /^[\x21-\x7e]{1,200}$/;

/** The highest contest number the books accept (the CLI's flags and the HTTP bodies alike). */
export const MAX_BOOKS_CONTEST = 1_000_000;

export const TIER_NAMES = ['quina', 'quadra', 'terno', 'duque'] as const;
export type TierName = (typeof TIER_NAMES)[number];

export function tierName(hits: TierHits): TierName {
  return TIERS[hits];
}

/**
 * Idempotency-key namespaces luckyfive writes itself (`settle:<bet>:<tier>` for settled prizes).
 * A key a user or client gives may not start with one of them: otherwise an entry recorded under
 * `settle:12:quina` would make settlement believe bet 12's quina prize was already recorded.
 */
export const RESERVED_KEY_PREFIXES = ['settle:', 'luckyfive:'] as const;

/** Why a user-supplied idempotency key is refused, or undefined when it may be used. */
export function reservedKeyProblem(key: string): string | undefined {
  const prefix = RESERVED_KEY_PREFIXES.find((p) => key.toLowerCase().startsWith(p));
  return prefix === undefined ? undefined : `idempotency keys starting with "${prefix}" are reserved for luckyfive's own entries; choose another key`;
}

/**
 * Every field of a new entry that an idempotency key stands for: a key used again with any of
 * them different is a conflict, never "already recorded" (which would drop the new data).
 */
export const IDEMPOTENT_FIELDS = [
  'entry_date',
  'type',
  'amount_cents',
  'contest',
  'tickets',
  'numbers_per_ticket',
  'tickets_json',
  'run_id',
  'recipe_hash',
  'tier',
  'reverses_id',
  'reason',
  'note',
] as const satisfies ReadonlyArray<keyof NewEntry & keyof LedgerEntry>;

/** The fields of `entry` that differ from the stored row `stored` (see {@link IDEMPOTENT_FIELDS}). */
export function idempotencyDifferences(entry: NewEntry, stored: LedgerEntry): Array<(typeof IDEMPOTENT_FIELDS)[number]> {
  return IDEMPOTENT_FIELDS.filter((k) => (entry[k] ?? null) !== stored[k]);
}

/** The hash every chain starts from (the "previous hash" of entry 1). */
export const GENESIS_HASH = '0'.repeat(64);

/** What a caller supplies; id, created_at and the hashes are assigned when the row is appended. */
export interface NewEntry {
  entry_date: string;
  type: EntryType;
  amount_cents: number;
  contest?: number | null;
  tickets?: number | null;
  numbers_per_ticket?: number | null;
  /** the actual tickets, JSON array of sorted number arrays */
  tickets_json?: string | null;
  run_id?: string | null;
  recipe_hash?: string | null;
  tier?: TierName | null;
  idempotency_key?: string | null;
  reverses_id?: number | null;
  reason?: string | null;
  note?: string | null;
}

/** One stored ledger row. */
export interface LedgerEntry {
  id: number;
  created_at: string;
  entry_date: string;
  type: EntryType;
  amount_cents: number;
  contest: number | null;
  tickets: number | null;
  numbers_per_ticket: number | null;
  tickets_json: string | null;
  run_id: string | null;
  recipe_hash: string | null;
  tier: TierName | null;
  idempotency_key: string | null;
  reverses_id: number | null;
  reason: string | null;
  note: string | null;
  prev_hash: string;
  hash: string;
}

/**
 * The sign an amount must have for its type: money out (bets, withdrawals) is negative, money in
 * (prizes, deposits) positive; adjustments and reversals may go either way but are never zero.
 * Returns a problem sentence, or undefined when the amount is fine.
 */
export function signProblem(type: EntryType, amountCents: number): string | undefined {
  if (!Number.isSafeInteger(amountCents)) return `amount ${amountCents} is not a whole number of centavos`;
  if (amountCents === 0) return `a ${type} of zero records nothing`;
  if ((type === 'bet' || type === 'withdrawal') && amountCents > 0) return `a ${type} takes money out, so its amount must be negative (got ${amountCents})`;
  if ((type === 'prize' || type === 'deposit') && amountCents < 0) return `a ${type} brings money in, so its amount must be positive (got ${amountCents})`;
  return undefined;
}

/** Every field the chain covers, in a fixed order: changing any of them changes the row's hash. */
export function canonicalEntry(e: Omit<LedgerEntry, 'prev_hash' | 'hash'>): string {
  return JSON.stringify([
    e.id,
    e.created_at,
    e.entry_date,
    e.type,
    e.amount_cents,
    e.contest,
    e.tickets,
    e.numbers_per_ticket,
    e.tickets_json,
    e.run_id,
    e.recipe_hash,
    e.tier,
    e.idempotency_key,
    e.reverses_id,
    e.reason,
    e.note,
  ]);
}

/** sha256(previous hash, newline, canonical content): a row's hash depends on every row before it. */
export function chainHash(prevHash: string, e: Omit<LedgerEntry, 'prev_hash' | 'hash'>): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalEntry(e)).digest('hex');
}

/** Ids of entries that a reversal cancels. */
export function reversedIds(entries: ReadonlyArray<Pick<LedgerEntry, 'reverses_id'>>): Set<number> {
  const out = new Set<number>();
  for (const e of entries) if (e.reverses_id !== null) out.add(e.reverses_id);
  return out;
}

/** A stored row as lists show it: with the id of the entry that reversed it, if any. */
export interface LedgerEntryView extends LedgerEntry {
  reversed_by: number | null;
}

/**
 * The entries that count in reports and budgets: neither reversed nor a reversal. A reversal
 * is -original, so dropping both changes no total, and a report grouped by month, run or tier
 * cannot show the pair in two different groups. An entry is known to be reversed by a reversal
 * in the same list or by its `reversed_by` (so a date filter that keeps only one of the pair
 * still nets it out).
 */
export function effectiveEntries<T extends Pick<LedgerEntry, 'id' | 'type' | 'reverses_id'> & { reversed_by?: number | null }>(entries: readonly T[]): T[] {
  const reversed = reversedIds(entries);
  return entries.filter((e) => e.type !== 'reversal' && !reversed.has(e.id) && (e.reversed_by ?? null) === null);
}

/** The reversal entry for `original` (amount negated, context copied so filters still find it). */
export function buildReversal(original: LedgerEntry, entryDate: string, reason: string): NewEntry {
  return {
    entry_date: entryDate,
    type: 'reversal',
    amount_cents: -original.amount_cents,
    contest: original.contest,
    run_id: original.run_id,
    recipe_hash: original.recipe_hash,
    tier: original.tier,
    reverses_id: original.id,
    reason,
  };
}
