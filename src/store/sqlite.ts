/**
 * Opening SQLite files the one way luckyfive does: WAL, foreign keys, busy timeout,
 * synchronous=NORMAL, a sized cache, in-memory temp store and mmap. Schema versions live in
 * `PRAGMA user_version`; each migration runs in its own transaction.
 */
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { LuckyError } from '../errors.js';
import { precreatePrivateFile } from './private-files.js';
import { setDamageProbe, toStorageError, trackOpenDatabase } from './storage-errors.js';

export type Db = Database.Database;

export interface OpenOptions {
  readonly?: boolean;
  /** fail instead of creating a missing file */
  mustExist?: boolean;
  /** milliseconds to wait on a locked database before SQLITE_BUSY */
  busyTimeoutMs?: number;
  /** KiB of page cache (default 64 MiB) */
  cacheKiB?: number;
}

/** Opens (or creates) a database file with luckyfive's pragmas. `close()` it when done. */
/** SQLite's names for a database with no file: ":memory:" and "" (a private temporary one). */
function isInMemory(file: string): boolean {
  return file === ':memory:' || file === '';
}

export function openDatabase(file: string, options: OpenOptions = {}): Db {
  let db: Db;
  try {
    // A new database file is created owner-only (SQLite would make it 0644); its -wal/-shm follow.
    // (not for an in-memory database: that would leave an empty file named ":memory:" in the working directory)
    if (!(options.readonly ?? false) && !(options.mustExist ?? false) && !isInMemory(file)) precreatePrivateFile(file);
    db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.mustExist ?? options.readonly ?? false });
  } catch (e) {
    throw wrapSqliteError(e, file);
  }
  try {
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
    }
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    db.pragma(`cache_size = -${options.cacheKiB ?? 65536}`);
    db.pragma('temp_store = MEMORY');
    db.pragma('mmap_size = 268435456');
    // Touch the schema so a file that is not a database fails here, with a clear message.
    db.pragma('user_version');
  } catch (e) {
    db.close();
    throw wrapSqliteError(e, file);
  }
  trackOpenDatabase(db, file);
  return db;
}

setDamageProbe((file) => {
  if (!existsSync(file)) return false;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.pragma('quick_check(1)', { simple: true }) !== 'ok';
  } finally {
    db.close();
  }
});

/** Maps better-sqlite3 errors on `file` to luckyfive errors (see {@link toStorageError}); anything else is E_INTERNAL. */
export function wrapSqliteError(e: unknown, file: string): LuckyError {
  if (e instanceof LuckyError) return e;
  const mapped = toStorageError(e, file);
  if (mapped) return mapped;
  const code = (e as { code?: string }).code ?? '';
  const message = (e as Error).message ?? String(e);
  if (code === 'SQLITE_CANTOPEN') return new LuckyError('E_NOT_FOUND', `cannot open ${file}`, [message], { cause: e });
  if (code === 'SQLITE_READONLY') return new LuckyError('E_DATA_INVALID', `${file} is read-only`, [message], { cause: e });
  return new LuckyError('E_INTERNAL', `database error on ${file}: ${message}`, [], { cause: e });
}

const STATEMENTS = new WeakMap<Db, Map<string, Database.Statement>>();

/**
 * The prepared statement for `sql` on `db`, prepared once per connection and reused: hot paths
 * (the HTTP API answers thousands of requests a second) should not re-prepare their SQL. Only
 * for SQL text from a bounded set (constants or combinations of fixed clauses), never for text
 * built from input.
 */
export function prepareCached(db: Db, sql: string): Database.Statement {
  let byText = STATEMENTS.get(db);
  if (!byText) {
    byText = new Map();
    STATEMENTS.set(db, byText);
  }
  let stmt = byText.get(sql);
  if (!stmt) {
    stmt = db.prepare(sql);
    byText.set(sql, stmt);
  }
  return stmt;
}

/**
 * Runs `fn` in one `BEGIN IMMEDIATE` transaction: a concurrent writer fails fast with SQLITE_BUSY
 * instead of deadlocking halfway; an exception rolls everything back and is thrown again.
 */
export function inImmediateTransaction<T>(db: Db, fn: () => T): T {
  return db.transaction(fn).immediate();
}

/** Whether the database answers a trivial query (health checks): never throws. */
export function answersQuery(db: Db): boolean {
  try {
    prepareCached(db, 'SELECT 1 FROM sqlite_schema LIMIT 1').get();
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs `fn` with the busy timeout at 0 (and puts it back after): bookkeeping writes that must
 * never wait on another writer's lock fail at once with SQLITE_BUSY instead.
 */
export function withoutBusyWait<T>(db: Db, fn: () => T): T {
  const busyTimeout = db.pragma('busy_timeout', { simple: true }) as number;
  try {
    db.pragma('busy_timeout = 0');
    return fn();
  } finally {
    db.pragma(`busy_timeout = ${busyTimeout}`);
  }
}

/** `PRAGMA data_version` of each connection, read at most once per event-loop turn (see {@link catalogStamp}). */
const DATA_VERSIONS = new WeakMap<Db, { value: number | undefined }>();

/**
 * The database's version as seen by this connection: SQLite's `data_version` (bumped by commits
 * from other connections) plus this connection's `total_changes()` (its own writes). Equal
 * stamps mean nothing was committed in between; caches of query results key on it.
 *
 * This connection's own writes count at once. `data_version` needs a read transaction (about
 * 5 µs, the cost of a whole cached answer), so it is read once per event-loop turn: a commit by
 * another process is seen by requests handled from the next turn on, as if it had landed a
 * moment later. Callers that never yield to the event loop (a CLI loop) must not rely on it
 * to see other processes.
 */
export function catalogStamp(db: Db): string {
  let memo = DATA_VERSIONS.get(db);
  if (!memo) {
    memo = { value: undefined };
    DATA_VERSIONS.set(db, memo);
  }
  if (memo.value === undefined) {
    memo.value = prepareCached(db, 'PRAGMA data_version').pluck().get() as number;
    const m = memo;
    setImmediate(() => {
      m.value = undefined;
    }).unref();
  }
  return `${memo.value}:${totalChanges(db) - (BOOKKEEPING_CHANGES.get(db) ?? 0)}`;
}

function totalChanges(db: Db): number {
  return prepareCached(db, 'SELECT total_changes()').pluck().get() as number;
}

/** Rows changed by {@link asBookkeeping} writes, per connection: left out of {@link catalogStamp}. */
const BOOKKEEPING_CHANGES = new WeakMap<Db, number>();

/**
 * Runs a bookkeeping write (an API key's `last_used_at`, a session's `last_seen_at`) so that it
 * does not change this connection's {@link catalogStamp}: no cached answer shows these columns,
 * and with a thousand keys in use their once-a-minute writes would otherwise empty every
 * response cache many times a second. Other processes' commits still change `data_version`.
 */
export function asBookkeeping<T>(db: Db, fn: () => T): T {
  const before = totalChanges(db);
  try {
    return fn();
  } finally {
    const changed = totalChanges(db) - before;
    if (changed > 0) BOOKKEEPING_CHANGES.set(db, (BOOKKEEPING_CHANGES.get(db) ?? 0) + changed);
  }
}

export interface Migration {
  /** 1, 2, 3...: the `user_version` after this migration */
  version: number;
  name: string;
  up(db: Db): void;
}

export interface MigrationReport {
  from: number;
  to: number;
  applied: string[];
}

/**
 * Brings `db` to the latest version in `migrations`, one transaction per step.
 * A file whose user_version is newer than the code is refused with E_SCHEMA_TOO_NEW.
 */
export function migrate(db: Db, migrations: readonly Migration[], label: string): MigrationReport {
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  sorted.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migrations for ${label} are not numbered 1..n (found ${m.version} at ${i + 1})`);
  });
  const latest = sorted.length;
  const from = db.pragma('user_version', { simple: true }) as number;
  if (from > latest) {
    throw new LuckyError('E_SCHEMA_TOO_NEW', `${label} has schema version ${from}, this luckyfive knows up to ${latest}: upgrade luckyfive`);
  }
  const applied: string[] = [];
  for (const m of sorted.slice(from)) {
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
    applied.push(`${m.version}-${m.name}`);
  }
  return { from, to: latest, applied };
}
