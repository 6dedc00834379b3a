/**
 * A content digest of a data dir: for every database file, its schema and for every table its
 * row count and a SHA-256 over its rows in a fixed order. Two data dirs with the same digest hold
 * the same data whatever their bytes (page layout, journal mode, ANALYZE statistics differ after
 * a backup and restore); the restore drill compares digests.
 */
import { createHash } from 'node:crypto';
import { type Db, wrapSqliteError } from '../store/sqlite.js';
import { type DbFile, type DbKind, listDbFiles, openMaintenanceDb } from './db-files.js';

export interface TableDigest {
  rows: number;
  sha256: string;
}

export interface FileDigest {
  file: string;
  kind: DbKind;
  user_version: number;
  /** SHA-256 of the schema's SQL (tables, indexes, triggers, views), in name order */
  schema_sha256: string;
  tables: Record<string, TableDigest>;
}

export interface DataDigest {
  files: FileDigest[];
  /** SHA-256 over every file's digest: one value to compare */
  sha256: string;
}

/** Reads every database file of `dataDir` (read-only) and digests its content. */
export function readDataDigest(dataDir: string): DataDigest {
  const files = listDbFiles(dataDir).map((f) => {
    // Read-write only so that closing cleans up the -wal/-shm files; nothing is written.
    const db = openMaintenanceDb(f.abs);
    try {
      return digestFile(db, f);
    } catch (e) {
      // A damaged file is named (E_DATA_INVALID), never an internal error.
      throw wrapSqliteError(e, f.abs);
    } finally {
      db.close();
    }
  });
  return { files, sha256: createHash('sha256').update(JSON.stringify(files)).digest('hex') };
}

function digestFile(db: Db, f: DbFile): FileDigest {
  const schema = db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY type, name").raw().all();
  const tables = db
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")
    .pluck()
    .all() as string[];
  const digests: Record<string, TableDigest> = {};
  for (const t of tables) {
    const q = `"${t.replaceAll('"', '""')}"`;
    const ncol = db.prepare(`SELECT * FROM ${q} LIMIT 0`).columns().length;
    // Ordering by every column gives one order for any table, rowid or not.
    const order = Array.from({ length: ncol }, (_, i) => String(i + 1)).join(', ');
    const hash = createHash('sha256');
    let rows = 0;
    for (const row of db.prepare(`SELECT * FROM ${q} ORDER BY ${order}`).raw().iterate() as Iterable<unknown[]>) {
      hash.update(`${JSON.stringify(row, blobAsHex)}\n`);
      rows++;
    }
    digests[t] = { rows, sha256: hash.digest('hex') };
  }
  return {
    file: f.rel,
    kind: f.kind,
    user_version: db.pragma('user_version', { simple: true }) as number,
    schema_sha256: createHash('sha256').update(JSON.stringify(schema)).digest('hex'),
    tables: digests,
  };
}

function blobAsHex(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && (value as { type?: string }).type === 'Buffer') {
    return `x'${Buffer.from((value as { data: number[] }).data).toString('hex')}'`;
  }
  return typeof value === 'bigint' ? value.toString() : value;
}
