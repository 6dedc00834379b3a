/**
 * The OpenAPI document as committed in `docs/openapi.json`: built from a throwaway app with
 * default configuration and no catalog (assembling the app reads and writes nothing), so it does
 * not depend on who generates it, or where.
 */
import { buildConfig } from '../config.js';
import type { Catalog } from '../store/catalog.js';
import type { Db } from '../store/sqlite.js';
import { buildApp } from './app.js';

/** Where the document's app would keep its data: never touched (the app is not started). */
const NO_DATA_DIR = '/nonexistent/luckyfive-openapi';

/** A catalog that fails loudly if assembling the app ever touches the database. */
function noCatalog(): Catalog {
  const db = new Proxy({} as Db, {
    get: (_target, name) => {
      throw new Error(`building the OpenAPI document must not use the database (it asked for db.${String(name)})`);
    },
  });
  return { db, file: `${NO_DATA_DIR}/catalog.sqlite`, dataDir: NO_DATA_DIR, close: () => undefined };
}

/** The document as stable, pretty JSON text with a final newline. */
export async function buildOpenApiDocument(): Promise<string> {
  const config = buildConfig({ flags: { data_dir: NO_DATA_DIR, log_level: 'silent' }, env: {}, file: undefined }, NO_DATA_DIR).values;
  const app = await buildApp({ catalog: noCatalog(), config, serverSecret: Buffer.alloc(32) });
  try {
    return `${JSON.stringify(app.swagger(), null, 2)}\n`;
  } finally {
    await app.close();
  }
}
