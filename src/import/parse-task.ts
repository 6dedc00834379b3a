/**
 * Parsing an uploaded results file on a pool thread (`tasks.worker.ts`), so a zip bomb or a
 * million bad CSV rows never hold the server's event loop: the thread parses (and refuses), the
 * main thread only writes the parsed draws in its one transaction. Errors cross the thread as
 * data and become the same LuckyError again.
 */
import { type ErrorCode, LuckyError } from '../errors.js';
import { type ParsedImport, parseImportBytes } from './import-draws.js';

export interface ParseImportTask {
  bytes: Uint8Array;
  fileName: string;
  /** yyyy-mm-dd from the server's clock: later draw dates are refused */
  today: string;
}

export type ParseImportOutcome = { ok: true; value: ParsedImport } | { ok: false; error: { code: ErrorCode; message: string; details: string[] } };

/** The task: never throws for a user's file (a LuckyError comes back as data). */
export function runParseImport(task: ParseImportTask): ParseImportOutcome {
  try {
    return { ok: true, value: parseImportBytes(task.bytes, { fileName: task.fileName, today: task.today }) };
  } catch (e) {
    if (!(e instanceof LuckyError)) throw e;
    return { ok: false, error: { code: e.code, message: e.message, details: [...e.details] } };
  }
}

/** The parsed file, or the task's LuckyError thrown again. */
export function unwrapParseImport(outcome: ParseImportOutcome): ParsedImport {
  if (outcome.ok) return outcome.value;
  throw new LuckyError(outcome.error.code, outcome.error.message, outcome.error.details);
}
