/**
 * The seal of the books: an HMAC-SHA256, under the books key (see `./books-key.ts`), of the
 * ledger's row count and chain head (and the number of balance assertions and retractions), kept in the catalog's meta table and rewritten in the same
 * transaction as every append. Row hashes are plain SHA-256, so anyone who can write the file can
 * rewrite an amount and recompute every hash after it; without the key they cannot recompute
 * the seal, and `ledger check`, every append and `maintain restore` verify it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { GENESIS_HASH } from '../core/finance/ledger.js';
import type { BooksKey } from './books-key.js';
import type { Db } from './sqlite.js';

export const SEAL_META_KEY = 'ledger_seal';

/** What the seal covers: how many rows, the id and hash of the last one, and how many balance assertions and retractions. */
export interface ChainState {
  count: number;
  head_id: number;
  head_hash: string;
  assertions: number;
  retractions: number;
}

interface StoredSeal extends ChainState {
  v: 1;
  key_id: string;
  mac: string;
}

export function sealMac(key: Buffer, s: ChainState): string {
  return createHmac('sha256', key)
    .update(`luckyfive-ledger-seal-v1\n${s.count}\n${s.head_id}\n${s.head_hash}\n${s.assertions}\n${s.retractions}`)
    .digest('hex');
}

/** The ledger as it is now (count, last id and hash; the genesis hash when empty). */
export function readChainState(db: Db): ChainState {
  const count = (db.prepare('SELECT COUNT(*) FROM ledger_entries').pluck().get() as number) ?? 0;
  const last = db.prepare('SELECT id, hash FROM ledger_entries ORDER BY id DESC LIMIT 1').get() as { id: number; hash: string } | undefined;
  const assertions = db.prepare('SELECT COUNT(*) FROM ledger_assertions').pluck().get() as number;
  const retractions = db.prepare('SELECT COUNT(*) FROM ledger_assertion_retractions').pluck().get() as number;
  return { count, head_id: last?.id ?? 0, head_hash: last?.hash ?? GENESIS_HASH, assertions, retractions };
}

/** Seals `state` under `key` (inside the caller's transaction). */
export function writeSeal(db: Db, key: BooksKey, state: ChainState): void {
  const seal: StoredSeal = { v: 1, key_id: key.id, ...state, mac: sealMac(key.bytes, state) };
  db.prepare('INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(SEAL_META_KEY, JSON.stringify(seal));
}

/**
 * Why the seal does not vouch for the ledger as it is now, or undefined when it does: missing,
 * unreadable, made with another key, forged, or for other rows than those stored.
 */
export function sealProblem(db: Db, key: BooksKey, state: ChainState = readChainState(db)): string | undefined {
  const raw = (db.prepare('SELECT value FROM meta WHERE key = ?').get(SEAL_META_KEY) as { value: string } | undefined)?.value;
  if (raw === undefined) return 'the books seal is missing: the catalog was changed outside luckyfive';
  let seal: Partial<StoredSeal>;
  try {
    seal = JSON.parse(raw) as Partial<StoredSeal>;
  } catch {
    return 'the books seal is unreadable: the catalog was changed outside luckyfive';
  }
  if (
    seal.v !== 1 ||
    typeof seal.mac !== 'string' ||
    typeof seal.count !== 'number' ||
    typeof seal.head_id !== 'number' ||
    typeof seal.head_hash !== 'string' ||
    typeof seal.assertions !== 'number' ||
    typeof seal.retractions !== 'number'
  ) {
    return 'the books seal is unreadable: the catalog was changed outside luckyfive';
  }
  const claimed: ChainState = {
    count: seal.count,
    head_id: seal.head_id,
    head_hash: seal.head_hash,
    assertions: seal.assertions,
    retractions: seal.retractions,
  };
  const expected = Buffer.from(sealMac(key.bytes, claimed), 'hex');
  const given = Buffer.from(seal.mac, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return seal.key_id !== key.id
      ? `the books seal was made with another key (key ${String(seal.key_id)}, this one is ${key.id}): set the books key that sealed this catalog (LUCKYFIVE_BOOKS_KEY or the key file)`
      : 'the books seal does not verify: the seal or the rows were forged outside luckyfive';
  }
  if (claimed.count !== state.count || claimed.head_id !== state.head_id || claimed.head_hash !== state.head_hash) {
    return `the books seal vouches for ${claimed.count} entries ending with entry ${claimed.head_id}, but the ledger holds ${state.count} ending with entry ${state.head_id}${
      claimed.head_id === state.head_id ? ' whose hash differs' : ''
    }: rows were rewritten, added or removed outside luckyfive`;
  }
  if (claimed.assertions !== state.assertions || claimed.retractions !== state.retractions) {
    return `the books seal vouches for ${claimed.assertions} balance assertions and ${claimed.retractions} retractions, but the catalog holds ${state.assertions} and ${state.retractions}: they were added or removed outside luckyfive`;
  }
  return undefined;
}
