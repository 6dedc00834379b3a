/**
 * The server's import service: the upload is parsed on a pool thread (`parseImport` task) and
 * only the catalog transaction runs on the event loop. Without a pool (a server that runs no
 * simulations) the parse runs in-process.
 */
import type { PredictPool } from '../engine/pool.js';
import { importToday, writeImport } from '../import/import-draws.js';
import { runParseImport, unwrapParseImport } from '../import/parse-task.js';
import type { Db } from '../store/sqlite.js';
import type { ImportFileFn } from './context.js';

export function createImportOnPool(db: Db, pool: PredictPool | undefined, now: () => Date = () => new Date()): ImportFileFn {
  return async (bytes, fileName, opts) => {
    const task = { bytes, fileName, today: importToday({ now }) };
    const outcome = pool?.runTask ? await pool.runTask('parseImport', task) : runParseImport(task);
    return writeImport(db, unwrapParseImport(outcome), { fileName, replace: opts.replace, dryRun: opts.dryRun, now });
  };
}
