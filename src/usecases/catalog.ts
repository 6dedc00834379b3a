/**
 * Opening the catalog for a configuration: the one place a front-end (the CLI context, and through
 * it `serve`) gets a {@link Catalog}, so no front-end imports `store/catalog.ts` itself.
 */
import type { Config } from '../config.js';
import { type Catalog, openCatalog } from '../store/catalog.js';

/** The catalog's version as this connection sees it (response caches key on it); see the store's `catalogStamp`. */
export { catalogStamp } from '../store/sqlite.js';

/**
 * Opens (creating the data dir and migrating the schema as needed) the catalog in
 * `config.data_dir`, with the books key from `books_key` or `books_key_file`. Refuses a data dir
 * that is a file (E_INPUT_INVALID) and a catalog newer than this version or damaged (the store's
 * errors). Returns the open catalog: the caller `close()`s it.
 */
export function openCatalogFor(config: Readonly<Pick<Config, 'data_dir' | 'books_key' | 'books_key_file'>>): Catalog {
  return openCatalog(config.data_dir, { books: { key: config.books_key, file: config.books_key_file } });
}
