/**
 * The one mapping of storage faults to documented errors, kept free of the SQLite addon so the
 * CLI entry can load it for every command: a full disk is E_DISK_FULL, a damaged database
 * E_DATA_INVALID naming the file, a database locked past the busy timeout E_BUSY.
 */
import { LuckyError } from '../errors.js';

/** The part of a better-sqlite3 connection this module needs. */
interface OpenDb {
  close(): unknown;
  pragma(source: string, options?: { simple?: boolean }): unknown;
}

/** Files of the databases open in this process, so an error raised without one can still name it. */
const OPEN_FILES = new Map<OpenDb, string>();

/** Remembers `db` as open on `file` until it is closed (called by `openDatabase`). */
export function trackOpenDatabase(db: OpenDb, file: string): void {
  OPEN_FILES.set(db, file);
  const close = db.close.bind(db);
  db.close = () => {
    OPEN_FILES.delete(db);
    return close();
  };
}

/**
 * The open database that `e` (a SQLITE_CORRUPT/NOTADB without a file) most likely came from:
 * the only one open, else the first whose `quick_check` fails; undefined when it cannot tell.
 */
function damagedFile(): string | undefined {
  const open = [...OPEN_FILES];
  if (open.length === 1) return open[0]![1];
  for (const [db, file] of open) {
    try {
      const r = db.pragma('quick_check(1)', { simple: true });
      if (r !== 'ok') return file;
    } catch {
      return file;
    }
  }
  return undefined;
}

const BUSY = /^SQLITE_(BUSY|LOCKED)(_|$)/;
const DAMAGED = /^SQLITE_(CORRUPT|NOTADB)(_|$)/;
const DISK_FULL = new Set(['SQLITE_FULL', 'ENOSPC', 'EDQUOT']);

/**
 * The one mapping of storage faults (better-sqlite3 and node:fs errors) to documented codes,
 * used by the CLI entry and the server's error handler: a full disk is E_DISK_FULL, a damaged
 * database E_DATA_INVALID naming the file, a lock held past the busy timeout E_BUSY. Returns
 * undefined for anything else (the caller decides; usually an internal error).
 * `file` names the database or file when the caller knows it.
 */
export function toStorageError(e: unknown, file?: string): LuckyError | undefined {
  if (e instanceof LuckyError) return e.code === 'E_INTERNAL' && e.cause !== undefined ? (toStorageError(e.cause, file) ?? e) : e;
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  const message = (e as Error).message ?? String(e);
  if (DISK_FULL.has(code)) {
    const where = file ?? (e as { path?: unknown }).path;
    return new LuckyError('E_DISK_FULL', `the disk is full${typeof where === 'string' ? ` (writing ${where})` : ''}: free some space and try again`, [message], {
      cause: e,
    });
  }
  if (BUSY.test(code)) return new LuckyError('E_BUSY', `${file ?? 'the database'} is locked by another process; try again when it has finished`, [message], { cause: e });
  if (DAMAGED.test(code)) {
    const where = file ?? damagedFile();
    return new LuckyError(
      'E_DATA_INVALID',
      `${where ?? 'a database'} is damaged or not a SQLite database: restore it from a backup (luckyfive maintain restore)`,
      [message],
      { cause: e },
    );
  }
  return undefined;
}


/** Whether `e` reports a fault of the storage itself (a full disk, a damaged database), not of the input. */
export function isStorageFault(e: LuckyError): boolean {
  if (e.code === 'E_DISK_FULL') return true;
  const causeCode = (e.cause as { code?: unknown } | undefined)?.code;
  return e.code === 'E_DATA_INVALID' && typeof causeCode === 'string' && DAMAGED.test(causeCode);
}

/**
 * The message a stored outcome (a job's or a run's `error`) may show a client: a documented
 * error's message, or a fixed line for anything else. Foreign messages (SQLite's carry table,
 * column and sometimes SQL text) go to the log only.
 */
export function userFacingMessage(e: unknown): string {
  if (e instanceof LuckyError && e.code !== 'E_INTERNAL') return [e.message, ...e.details].join('; ');
  const storage = toStorageError(e);
  if (storage && storage.code !== 'E_INTERNAL') return storage.message;
  return 'internal error (the details are in the server log)';
}
