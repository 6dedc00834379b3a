/**
 * The bundled SYNTHETIC sample: 2,000 generated contests (4883..6882) so a fresh install can run
 * every command before the user imports real results. Every row is stored with `synthetic = 1`;
 * importing a real file removes them (real data always wins).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LuckyError } from '../errors.js';
import type { Db } from '../store/sqlite.js';
import { type ImportResult, importDraws } from './import-draws.js';
import { readResultsFile } from './read-results-file.js';

/** `draws.source` of every sample row; bump the version when the generator changes. */
export const SAMPLE_SOURCE = 'synthetic:sample-v1';

/**
 * Where the sample lives: `data/sample/` at the package root. This module sits two folders below
 * the root both as source (`src/import/`) and built (`dist/import/`), so one relative URL serves both.
 */
export function sampleFile(): string {
  return fileURLToPath(new URL('../../data/sample/quina-sample.csv', import.meta.url));
}

/** Imports the bundled sample into `db`, marking every row synthetic. */
export function importSample(db: Db, options: { dryRun?: boolean } = {}): ImportResult {
  const file = sampleFile();
  if (!existsSync(file)) throw new LuckyError('E_DATA_MISSING', `the bundled sample is missing at ${file}: reinstall luckyfive`);
  return importDraws(db, readResultsFile(file), { fileName: file, synthetic: true, source: SAMPLE_SOURCE, dryRun: options.dryRun === true });
}
