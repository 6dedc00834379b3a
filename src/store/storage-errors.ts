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

/** Databases open in this process, and the files opened most recently (closed or not, newest first). */
const OPEN_FILES = new Map<OpenDb, string>();
const RECENT_FILES: string[] = [];
const RECENT_MAX = 8;
/** Opens `file` on its own and says whether it fails `quick_check` (set by sqlite.ts, which owns the addon). */
let probeDamaged: ((file: string) => boolean) | undefined;

export function setDamageProbe(probe: (file: string) => boolean): void {
  probeDamaged = probe;
}

/** Remembers `db` as open on `file` until it is closed (called when a database is opened). */
export function trackOpenDatabase(db: OpenDb, file: string): void {
  OPEN_FILES.set(db, file);
  const i = RECENT_FILES.indexOf(file);
  if (i >= 0) RECENT_FILES.splice(i, 1);
  RECENT_FILES.unshift(file);
  RECENT_FILES.length = Math.min(RECENT_FILES.length, RECENT_MAX);
  const close = db.close.bind(db);
  db.close = () => {
    OPEN_FILES.delete(db);
    return close();
  };
}

/**
 * The file a SQLITE_CORRUPT/NOTADB raised without one most likely came from: errors often reach
 * the CLI entry or the error handler after the failing file was closed, so the files opened
 * recently are checked, newest first (`quick_check` stops at its first problem; this runs only
 * on the error path). A verdict is kept for {@link VERDICT_TTL_MS}, so a server whose every
 * request meets the same damaged catalog checks it once, not per request. Undefined when none
 * is found damaged.
 */
function damagedFile(): string | undefined {
  if (RECENT_FILES.length === 1) return RECENT_FILES[0];
  const now = Date.now();
  for (const file of RECENT_FILES) {
    const known = VERDICTS.get(file);
    if (known && now - known.at < VERDICT_TTL_MS) {
      if (known.damaged) return file;
      continue;
    }
    const open = [...OPEN_FILES].find(([, f]) => f === file)?.[0];
    let damaged: boolean;
    try {
      damaged = open ? open.pragma('quick_check(1)', { simple: true }) !== 'ok' : (probeDamaged?.(file) ?? false);
    } catch {
      damaged = true;
    }
    if (VERDICTS.size >= 64) VERDICTS.clear(); // bounded: only recent files matter
    VERDICTS.set(file, { damaged, at: now });
    if (damaged) return file;
  }
  return undefined;
}

const VERDICT_TTL_MS = 60_000;
const VERDICTS = new Map<string, { damaged: boolean; at: number }>();

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
  if (e instanceof LuckyError) {
    if (e.code === 'E_INTERNAL' && e.cause !== undefined) return toStorageError(e.cause, file) ?? e;
    // A documented error caused by a full disk (say, "cannot back up the catalog") is a full disk.
    const causeCode = (e.cause as { code?: unknown } | undefined)?.code;
    if (e.code !== 'E_DISK_FULL' && typeof causeCode === 'string' && DISK_FULL.has(causeCode)) {
      return new LuckyError('E_DISK_FULL', `${e.message}: the disk is full; free some space and try again`, e.details, { cause: e.cause });
    }
    return e;
  }
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  const message = (e as Error).message ?? String(e);
  if (DISK_FULL.has(code)) {
    const where = file ?? (e as { path?: unknown }).path;
    return new LuckyError(
      'E_DISK_FULL',
      `the disk is full${typeof where === 'string' ? ` (writing ${where})` : ''}: free some space and try again`,
      [message],
      {
        cause: e,
      },
    );
  }
  if (BUSY.test(code))
    return new LuckyError('E_BUSY', `${file ?? 'the database'} is locked by another process; try again when it has finished`, [message], { cause: e });
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
