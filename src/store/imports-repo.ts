/** The import history (`imports` table): the row each import writes, and the history newest first, one query per page. */
import { type Db, prepareCached } from './sqlite.js';

export interface ImportRecord {
  id: number;
  file_name: string;
  sha256: string;
  format: string;
  parser_version: string;
  rows_read: number;
  inserted: number;
  unchanged: number;
  replaced: number;
  conflicts: number;
  rejected: number;
  first_contest: number | null;
  last_contest: number | null;
  synthetic: boolean;
  started_at: string;
  finished_at: string;
}

/** Imports with id below `before` (all when undefined), newest first. */
export function listImports(db: Db, options: { limit: number; before?: number | undefined }): ImportRecord[] {
  const rows = db
    .prepare(
      `SELECT id, file_name, sha256, format, parser_version, rows_read, inserted, unchanged, replaced, conflicts, rejected,
         first_contest, last_contest, synthetic, started_at, finished_at
       FROM imports ${options.before === undefined ? '' : 'WHERE id < ?'} ORDER BY id DESC LIMIT ?`,
    )
    .all(...(options.before === undefined ? [] : [options.before]), options.limit) as Array<Omit<ImportRecord, 'synthetic'> & { synthetic: number }>;
  return rows.map((r) => ({ ...r, synthetic: r.synthetic === 1 }));
}

/** `finished_at` of the latest import of the file with this SHA-256, or undefined when it was never imported. */
export function readLastImportOf(db: Db, sha256: string): string | undefined {
  const row = prepareCached(db, 'SELECT finished_at FROM imports WHERE sha256 = ? ORDER BY id DESC LIMIT 1').get(sha256) as { finished_at: string } | undefined;
  return row?.finished_at;
}

export interface NewImport {
  file_name: string;
  sha256: string;
  format: string;
  parser_version: string;
  synthetic: boolean;
  started_at: string;
}

/** Writes an import's row with zero counts (its draws point at it); {@link finishImportRow} fills them in. Returns its id. */
export function insertImportRow(db: Db, i: NewImport): number {
  const info = prepareCached(
    db,
    `INSERT INTO imports (file_name, sha256, format, parser_version, rows_read, inserted, unchanged, replaced, conflicts, rejected,
       first_contest, last_contest, synthetic, started_at, finished_at) VALUES (?, ?, ?, ?, 0, 0, 0, 0, 0, 0, NULL, NULL, ?, ?, ?)`,
  ).run(i.file_name, i.sha256, i.format, i.parser_version, i.synthetic ? 1 : 0, i.started_at, i.started_at);
  return Number(info.lastInsertRowid);
}

export interface ImportCounts {
  rows_read: number;
  inserted: number;
  unchanged: number;
  replaced: number;
  conflicts: number;
  rejected: number;
  first_contest: number;
  last_contest: number;
  finished_at: string;
}

/** Records an import's counts and contest range once its draws are written. */
export function finishImportRow(db: Db, id: number, c: ImportCounts): void {
  prepareCached(
    db,
    `UPDATE imports SET rows_read = ?, inserted = ?, unchanged = ?, replaced = ?, conflicts = ?, rejected = ?,
       first_contest = ?, last_contest = ?, finished_at = ? WHERE id = ?`,
  ).run(c.rows_read, c.inserted, c.unchanged, c.replaced, c.conflicts, c.rejected, c.first_contest, c.last_contest, c.finished_at, id);
}
