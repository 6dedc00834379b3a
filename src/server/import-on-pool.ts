/**
 * The server's import service: `POST /imports` calls the same import use case as `luckyfive
 * import` (`usecases/draws.ts` `importResults`), given the server's pool so the whole import
 * (parse and the catalog transaction) runs on a pool thread and the event loop does neither.
 * Without a pool (a server that runs no simulations) it runs in-process.
 */
import { readClock } from '../clock.js';
import type { PredictPool } from '../engine/pool.js';
import type { Catalog } from '../store/catalog.js';
import { importResults } from '../usecases/draws.js';
import type { ImportFileFn } from './context.js';

export function createImportOnPool(catalog: Catalog, pool: PredictPool | undefined, now: () => Date = () => new Date()): ImportFileFn {
  return (bytes, fileName, opts) =>
    importResults({ catalog, clock: readClock(now()), pool }, { source: { bytes, name: fileName }, replace: opts.replace, dryRun: opts.dryRun });
}
