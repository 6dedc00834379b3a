/**
 * The database files of a data dir as maintenance sees them: the catalog plus one file per run,
 * opened with a short busy timeout so maintenance never makes a running simulate wait for more
 * than a moment.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { trackOpenDatabase } from '../store/storage-errors.js';
import { CATALOG_FILE } from '../store/catalog.js';
import { RUN_ID_PATTERN, runsDir } from '../store/run-file.js';
import type { Db } from '../store/sqlite.js';

/** Milliseconds a maintenance connection waits on a lock before it calls the file busy. */
export const MAINTENANCE_BUSY_MS = 200;

export type DbKind = 'catalog' | 'run';

export interface DbFile {
  /** path relative to the data dir, with forward slashes: `catalog.sqlite`, `runs/<id>.sqlite` */
  rel: string;
  abs: string;
  kind: DbKind;
  /** the run id for run files */
  run_id?: string;
}

/** The catalog (when present) and every `runs/<id>.sqlite` with a valid run id, in name order. */
export function listDbFiles(dataDir: string): DbFile[] {
  const out: DbFile[] = [];
  const catalog = join(dataDir, CATALOG_FILE);
  if (existsSync(catalog)) out.push({ rel: CATALOG_FILE, abs: catalog, kind: 'catalog' });
  return [...out, ...listRunFiles(dataDir)];
}

export function listRunFiles(dataDir: string): DbFile[] {
  const dir = runsDir(dataDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => n.endsWith('.sqlite') && RUN_ID_PATTERN.test(n.slice(0, -'.sqlite'.length)))
    .sort()
    .map((n) => ({ rel: `runs/${n}`, abs: join(dir, n), kind: 'run' as const, run_id: n.slice(0, -'.sqlite'.length) }));
}

/** Names in `runs/` that are neither a run file nor one of SQLite's side files. */
export function listUnknownRunDirEntries(dataDir: string): string[] {
  const dir = runsDir(dataDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => {
      const base = n.replace(/\.sqlite(-wal|-shm|-journal)?$/, '');
      return !(n !== base && RUN_ID_PATTERN.test(base));
    })
    .sort()
    .map((n) => `runs/${n}`);
}

/** Bytes of a database file plus its write-ahead log (what the file really occupies). */
export function dbBytes(file: string): number {
  let n = 0;
  for (const f of [file, `${file}-wal`]) {
    try {
      n += statSync(f).size;
    } catch {
      // a missing WAL is zero bytes
    }
  }
  return n;
}

/** A maintenance connection: no journal-mode change, no migration, a short busy timeout. */
export function openMaintenanceDb(file: string, options: { readonly?: boolean } = {}): Db {
  const db = new Database(file, { fileMustExist: true, readonly: options.readonly ?? false });
  try {
    db.pragma(`busy_timeout = ${MAINTENANCE_BUSY_MS}`);
  } catch (e) {
    db.close();
    throw e;
  }
  // Known as open, so a damaged-database error raised later can name this file.
  trackOpenDatabase(db, file);
  return db;
}

/**
 * True when another connection (a running simulate, a server) has the file open. In WAL mode
 * every open connection keeps a shared lock, so an exclusive lock is only granted to a lone user.
 * The probe holds that lock for an instant only.
 */
export function isDbInUse(file: string): boolean {
  if (!existsSync(file)) return false;
  let db: Db | undefined;
  try {
    db = new Database(file, { fileMustExist: true });
    db.pragma(`busy_timeout = ${MAINTENANCE_BUSY_MS}`);
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('COMMIT');
    return false;
  } catch (e) {
    const code = (e as { code?: string }).code ?? '';
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return true;
    // Not a database or corrupt: nobody can be using it as one; the caller's checks say more.
    return false;
  } finally {
    db?.close();
  }
}

/** True when the error is SQLite saying another connection holds the lock. */
export function isBusyError(e: unknown): boolean {
  const code = (e as { code?: string }).code ?? '';
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code.startsWith('SQLITE_BUSY_') || code.startsWith('SQLITE_LOCKED_');
}

/** SHA-256 of a file, read in 1 MiB chunks so big run files never sit in memory whole. */
export function sha256File(file: string): string {
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(1 << 20);
  const fd = openSync(file, 'r');
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      hash.update(buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/** `integrity_check` as "ok" or its first problems (at most `max`). */
export function readIntegrity(db: Db, max = 100): 'ok' | string[] {
  const rows = db.pragma(`integrity_check(${max})`) as Array<{ integrity_check: string }>;
  const lines = rows.map((r) => r.integrity_check);
  return lines.length === 1 && lines[0] === 'ok' ? 'ok' : lines;
}

/** Row counts of every user table (SQLite's own `sqlite_*` tables left out), by table name. */
export function readTableCounts(db: Db): Record<string, number> {
  const tables = db
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")
    .pluck()
    .all() as string[];
  return Object.fromEntries(
    tables.map((t) => [
      t,
      db
        .prepare(`SELECT COUNT(*) FROM "${t.replaceAll('"', '""')}"`)
        .pluck()
        .get() as number,
    ]),
  );
}

/** UTC timestamp for folder names: `20250131-235959`, with `-mmm` milliseconds when asked. */
export function compactTimestamp(d: Date, withMillis = false): string {
  const iso = d.toISOString();
  const base = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
  return withMillis ? `${base}-${iso.slice(20, 23)}` : base;
}

/** `base` itself when free, else `base-2`, `base-3`... (never reuses an existing name). */
export function freeName(dir: string, base: string): string {
  if (!existsSync(join(dir, base))) return base;
  for (let i = 2; ; i++) if (!existsSync(join(dir, `${base}-${i}`))) return `${base}-${i}`;
}
