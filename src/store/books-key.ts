/**
 * The books key: the secret that seals the ledger's hash chain and signs backup manifests, kept
 * outside the SQLite files so that whoever can rewrite a catalog or a backup cannot also forge
 * the seal. It comes from `books_key` (LUCKYFIVE_BOOKS_KEY, at least 32 characters) or from a key
 * file (`books_key_file`, LUCKYFIVE_BOOKS_KEY_FILE; default `<data dir>/books.key`, created on
 * first use with mode 0600 and 32 random bytes in hex). The key is the file's text, trimmed, as
 * UTF-8 bytes, the same as an environment key. `luckyfive ledger rotate-key` replaces it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { LuckyError } from '../errors.js';
import type { Db } from './sqlite.js';

export const BOOKS_KEY_FILE = 'books.key';
const MIN_KEY_CHARS = 32;

/** Where the key comes from: a configured key, else a key file (default: beside the catalog). */
export interface BooksKeySource {
  key?: string | undefined;
  file?: string | undefined;
}

export interface BooksKey {
  bytes: Buffer;
  /** a fingerprint that names the key in messages and manifests without revealing it */
  id: string;
  origin: 'env' | 'file' | 'memory';
  /** the key file, when the key came from one */
  file?: string;
}

const SOURCES = new WeakMap<Db, BooksKeySource>();
const KEYS = new WeakMap<Db, BooksKey>();

/** Says where `db`'s books key comes from; `openCatalog` calls it before migrating. */
export function bindBooksKey(db: Db, source: BooksKeySource): void {
  SOURCES.set(db, source);
  KEYS.delete(db);
}

/**
 * The books key of an open catalog. An in-memory database (tests) gets a random key of its own;
 * a file catalog without a bound source uses the key file beside it.
 */
export function readBooksKey(db: Db): BooksKey {
  const cached = KEYS.get(db);
  if (cached) return cached;
  let key: BooksKey;
  const source = SOURCES.get(db);
  if (!source && (db.memory || db.name === '' || db.name === ':memory:')) key = keyFromBytes(Buffer.from(randomBytes(32).toString('hex')), 'memory');
  else key = resolveBooksKey(source ?? {}, dirname(db.name));
  KEYS.set(db, key);
  return key;
}

/** The key for the data dir `dataDir` from `source` (creating the default key file on first use). */
export function resolveBooksKey(source: BooksKeySource, dataDir: string): BooksKey {
  if (source.key !== undefined) {
    if (source.key.length < MIN_KEY_CHARS)
      throw new LuckyError('E_INPUT_INVALID', `the books key (LUCKYFIVE_BOOKS_KEY) must be at least ${MIN_KEY_CHARS} characters`);
    return keyFromBytes(Buffer.from(source.key, 'utf8'), 'env');
  }
  const file = source.file ?? join(dataDir, BOOKS_KEY_FILE);
  return { ...keyFromBytes(readOrCreateKeyFile(file), 'file'), file };
}

/** Reads a key file (the key is its trimmed text); E_NOT_FOUND / E_INPUT_INVALID when unusable. */
export function readKeyFile(file: string): Buffer {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (e) {
    throw new LuckyError('E_NOT_FOUND', `cannot read the books key file ${file}`, [(e as Error).message], { cause: e });
  }
  if (text.length < MIN_KEY_CHARS) throw new LuckyError('E_INPUT_INVALID', `the books key file ${file} must hold at least ${MIN_KEY_CHARS} characters`);
  return Buffer.from(text, 'utf8');
}

/** A new random key as the text a key file holds. */
export function newKeyText(): string {
  return randomBytes(32).toString('hex');
}

/**
 * Writes `text` as a new key file readable by its owner only; fails with EEXIST if `file` exists.
 * The key is written to a private temporary file and hard-linked into place, so a second process
 * starting at the same moment never reads a half-written key.
 */
export function writeKeyFile(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, `${text}\n`, { mode: 0o600, flag: 'wx' });
  try {
    chmodSync(tmp, 0o600);
    linkSync(tmp, file);
  } finally {
    rmSync(tmp, { force: true });
  }
}

export function keyFromBytes(bytes: Buffer, origin: BooksKey['origin']): BooksKey {
  return { bytes, id: createHash('sha256').update('luckyfive books key id\n').update(bytes).digest('hex').slice(0, 16), origin };
}

function readOrCreateKeyFile(file: string): Buffer {
  try {
    writeKeyFile(file, newKeyText());
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST') throw new LuckyError('E_DATA_INVALID', `cannot create the books key file ${file}`, [(e as Error).message], { cause: e });
  }
  return readKeyFile(file);
}
