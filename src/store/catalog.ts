/**
 * The catalog: one SQLite file in the data dir holding draws, imports, the run index, the
 * real ledger and everything else that is not a per-run file.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { type BooksKeySource, bindBooksKey } from './books-key.js';
import { LuckyError } from '../errors.js';
import { CATALOG_MIGRATIONS } from './catalog-migrations/index.js';
import { makePrivateDir } from './private-files.js';
import { type Db, migrate, openDatabase } from './sqlite.js';

export const CATALOG_FILE = 'catalog.sqlite';

export interface Catalog {
  readonly db: Db;
  readonly file: string;
  readonly dataDir: string;
  close(): void;
}

/**
 * Opens the catalog in `dataDir`, creating the folder and migrating the schema as needed. `books`
 * says where the books key comes from (default: the key file `books.key` in `dataDir`).
 */
export function openCatalog(dataDir: string, options: { readonly?: boolean; books?: BooksKeySource } = {}): Catalog {
  refuseNonFolder(dataDir);
  if (!options.readonly) makePrivateDir(dataDir);
  const file = join(dataDir, CATALOG_FILE);
  const db = openDatabase(file, { readonly: options.readonly ?? false });
  try {
    bindBooksKey(db, options.books ?? {});
    if (!options.readonly) migrate(db, CATALOG_MIGRATIONS, file);
  } catch (e) {
    db.close();
    throw e;
  }
  return {
    db,
    file,
    dataDir,
    close: () => {
      if (db.open) db.close();
    },
  };
}

/** A data dir that is a file (a typo in --data-dir) is an input error, not a stack trace from mkdir. */
function refuseNonFolder(dataDir: string): void {
  let isDir: boolean;
  try {
    isDir = statSync(dataDir).isDirectory();
  } catch {
    return; // missing: created below (or reported by the read-only open)
  }
  if (!isDir)
    throw new LuckyError('E_INPUT_INVALID', `the data dir ${dataDir} is a file, not a folder`, [
      '--data-dir / LUCKYFIVE_DATA_DIR: give a folder (it is created if missing)',
    ]);
}

/** Reads a value from the catalog's key/value `meta` table. */
export function readMeta(db: Db, key: string): string | undefined {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value;
}

/**
 * Sets `key` to `value` unless it already has a value, then returns the stored value: two
 * processes doing this at once still agree on one value.
 */
export function readOrInitMeta(db: Db, key: string, value: string): string {
  db.prepare('INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING').run(key, value);
  return readMeta(db, key)!;
}

export function writeMeta(db: Db, key: string, value: string): void {
  db.prepare('INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
}
