/**
 * The OpenAPI document as committed in `docs/openapi.json`: built from a throwaway app over a
 * temporary catalog with default configuration, so it does not depend on who generates it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildConfig } from '../config.js';
import { openCatalog } from '../store/catalog.js';
import { buildApp } from './app.js';

/** The document as stable, pretty JSON text with a final newline. */
export async function buildOpenApiDocument(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'luckyfive-openapi-'));
  try {
    const config = buildConfig({ flags: { data_dir: dir, log_level: 'silent' }, env: {}, file: undefined }, dir).values;
    const catalog = openCatalog(dir);
    try {
      const app = await buildApp({ catalog, config });
      try {
        return `${JSON.stringify(app.swagger(), null, 2)}\n`;
      } finally {
        await app.close();
      }
    } finally {
      catalog.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
