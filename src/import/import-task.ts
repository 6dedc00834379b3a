/**
 * A whole import on a pool thread (`tasks.worker.ts`): the thread opens the catalog itself,
 * parses the upload (a zip bomb or a million bad CSV rows are refused there) and writes it in
 * the import's one transaction, so the server's event loop does neither. SQLite (WAL) lets the
 * thread's connection write while the server's reads go on. Errors cross the thread as data and
 * become the same LuckyError again.
 */
import { type ErrorCode, LuckyError } from '../errors.js';
import { openCatalog } from '../store/catalog.js';
import { type ImportResult, importDraws } from './import-draws.js';

export interface ImportTask {
  /** the catalog's data dir */
  dataDir: string;
  bytes: Uint8Array;
  fileName: string;
  replace: boolean;
  dryRun: boolean;
  /** the server's clock (ms since the epoch): imported_at, and later draw dates are refused */
  nowMs: number;
}

export type ImportOutcome = { ok: true; value: ImportResult } | { ok: false; error: { code: ErrorCode; message: string; details: string[] } };

/** The task: never throws for a user's file (a LuckyError comes back as data). */
export function runImportTask(task: ImportTask): ImportOutcome {
  try {
    const catalog = openCatalog(task.dataDir);
    try {
      const now = () => new Date(task.nowMs);
      return { ok: true, value: importDraws(catalog.db, task.bytes, { fileName: task.fileName, replace: task.replace, dryRun: task.dryRun, now }) };
    } finally {
      catalog.close();
    }
  } catch (e) {
    if (!(e instanceof LuckyError)) throw e;
    return { ok: false, error: { code: e.code, message: e.message, details: [...e.details] } };
  }
}

/** The import's report, or the task's LuckyError thrown again. */
export function unwrapImportOutcome(outcome: ImportOutcome): ImportResult {
  if (outcome.ok) return outcome.value;
  throw new LuckyError(outcome.error.code, outcome.error.message, outcome.error.details);
}
