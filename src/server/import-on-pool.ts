/**
 * The server's import service: the whole import (parse and the catalog transaction) runs on a
 * pool thread with its own connection (`importFile` task), so the event loop does neither.
 * Without a pool (a server that runs no simulations) it runs in-process.
 */
import type { PredictPool } from '../engine/pool.js';
import { unwrapImportOutcome } from '../import/import-task.js';
import type { Catalog } from '../store/catalog.js';
import { importDraws } from '../import/import-draws.js';
import type { ImportFileFn } from './context.js';

export function createImportOnPool(catalog: Catalog, pool: PredictPool | undefined, now: () => Date = () => new Date()): ImportFileFn {
  return async (bytes, fileName, opts) => {
    if (!pool?.runTask) return importDraws(catalog.db, bytes, { fileName, replace: opts.replace, dryRun: opts.dryRun, now });
    const task = { dataDir: catalog.dataDir, bytes, fileName, replace: opts.replace, dryRun: opts.dryRun, nowMs: now().getTime() };
    return unwrapImportOutcome(await pool.runTask('importFile', task));
  };
}
