/** The import history (`imports` table), newest first, one query per page. */
import type { Db } from './sqlite.js';

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
