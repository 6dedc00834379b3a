/**
 * `luckyfive ledger rotate-key`: re-seals the books under a new key after verifying the seal
 * with the old one (books whose seal does not verify are never re-sealed: that would launder a
 * rewrite).
 *
 * - Key in a file, no `--old-key-file`: a new random key is written beside the file, the books
 *   are re-sealed with it, then it replaces the file; the old key is kept as `<file>.previous`
 *   (delete it once backups made with it are no longer needed: they verify only with it).
 * - New key already configured (LUCKYFIVE_BOOKS_KEY or another key file): pass the old key's file
 *   with `--old-key-file`; nothing is written but the seal.
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import { LuckyError } from '../errors.js';
import { type BooksKey, type BooksKeySource, bindBooksKey, keyFromBytes, newKeyText, readKeyFile, resolveBooksKey, writeKeyFile } from './books-key.js';
import { readChainState, sealProblem, writeSeal } from './books-seal.js';
import type { Clock } from '../clock.js';
import type { Db } from './sqlite.js';

export interface RotateReport {
  old_key_id: string;
  new_key_id: string;
  entries: number;
  /** the key file now holding the new key (when luckyfive wrote it) */
  key_file: string | null;
  previous_key_file: string | null;
  rotated_at: string;
}

export function rotateBooksKey(db: Db, dataDir: string, source: BooksKeySource, oldKeyFile: string | undefined, clock: Clock): RotateReport {
  if (oldKeyFile !== undefined) {
    const oldKey = keyFromBytes(readKeyFile(oldKeyFile), 'file');
    const newKey = resolveBooksKey(source, dataDir);
    if (newKey.id === oldKey.id)
      throw new LuckyError('E_USAGE', 'the configured books key is the old key: configure the new key first (LUCKYFIVE_BOOKS_KEY or books_key_file)');
    const entries = reseal(db, oldKey, newKey);
    return { old_key_id: oldKey.id, new_key_id: newKey.id, entries, key_file: null, previous_key_file: null, rotated_at: clock.now };
  }
  if (source.key !== undefined) {
    throw new LuckyError('E_USAGE', 'the books key comes from LUCKYFIVE_BOOKS_KEY: set the new key there and pass the old one with --old-key-file FILE');
  }
  const oldKey = resolveBooksKey(source, dataDir);
  const file = oldKey.file!;
  const pending = `${file}.new`;
  const previous = `${file}.previous`;
  rmSync(pending, { force: true });
  const text = newKeyText();
  writeKeyFile(pending, text);
  const newKey = keyFromBytes(Buffer.from(text, 'utf8'), 'file');
  let entries: number;
  try {
    entries = reseal(db, oldKey, newKey);
  } catch (e) {
    rmSync(pending, { force: true });
    throw e;
  }
  // The seal now needs the new key: put it in place (the old one kept beside it).
  if (existsSync(previous)) rmSync(previous);
  renameSync(file, previous);
  renameSync(pending, file);
  bindBooksKey(db, source);
  return { old_key_id: oldKey.id, new_key_id: newKey.id, entries, key_file: file, previous_key_file: previous, rotated_at: clock.now };
}

function reseal(db: Db, oldKey: BooksKey, newKey: BooksKey): number {
  return db
    .transaction(() => {
      const state = readChainState(db);
      const problem = sealProblem(db, oldKey, state);
      if (problem) throw new LuckyError('E_BOOKS_UNSOUND', `the books do not verify with the old key, so they were not re-sealed: ${problem}`);
      writeSeal(db, newKey, state);
      return state.count;
    })
    .immediate();
}
