/**
 * Orphans: run files in `runs/` that the catalog does not know, catalog rows whose file is
 * gone, and runs left `running` by a process that died (shown `interrupted`). Repair
 * re-registers a healthy orphan file (through the same validation as `runs import`), marks a row
 * without a file `failed` and an interrupted run `cancelled` (resumable); nothing is ever deleted.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { importRunFile } from '../engine/runs.js';
import type { Catalog } from '../store/catalog.js';
import { runFilePath } from '../store/run-file.js';
import { listRuns, updateRun } from '../store/runs-repo.js';
import { compactTimestamp, isBusyError, isDbInUse, listRunFiles, listUnknownRunDirEntries, openMaintenanceDb } from './db-files.js';

export const RUN_FILE_MISSING = 'run file missing';

export interface OrphanRepair {
  run_id: string;
  action: 'registered' | 'marked_failed' | 'marked_cancelled' | 'skipped';
  error?: string;
}

export interface OrphanReport {
  /** run files with no catalog row */
  files_without_row: Array<{ run_id: string; file: string }>;
  /** catalog rows whose run file is missing */
  rows_without_file: Array<{ run_id: string; status: string }>;
  /** names in runs/ that are not run files (reported, never touched) */
  unknown_files: string[];
  /** runs stored `running` whose process is gone (`owner` is its `pid@host`, null when unknown) */
  interrupted_runs: Array<{ run_id: string; owner: string | null }>;
  /** what --repair did, one entry per orphan */
  repaired: OrphanRepair[];
}

/** Compares the catalog's run index with the files in `runs/`. */
export function findOrphans(catalog: Catalog): OrphanReport {
  const rows = catalog.db.prepare('SELECT run_id, status FROM runs ORDER BY run_id').all() as Array<{ run_id: string; status: string }>;
  const known = new Set(rows.map((r) => r.run_id));
  const files = listRunFiles(catalog.dataDir);
  return {
    files_without_row: files.filter((f) => !known.has(f.run_id!)).map((f) => ({ run_id: f.run_id!, file: f.rel })),
    rows_without_file: rows.filter((r) => !existsSync(runFilePath(catalog.dataDir, r.run_id))),
    unknown_files: listUnknownRunDirEntries(catalog.dataDir),
    interrupted_runs: listRuns(catalog.db, { status: 'interrupted', order_by: 'created_at', desc: false }).map((r) => ({ run_id: r.run_id, owner: r.owner })),
    repaired: [],
  };
}

/** Re-registers orphan files and marks rows without a file failed; returns the report with `repaired`. */
export function repairOrphans(catalog: Catalog, report: OrphanReport, options: { now?: (() => Date) | undefined } = {}): OrphanReport {
  const repaired: OrphanRepair[] = [];
  for (const o of report.files_without_row) repaired.push(registerOrphanFile(catalog, o.run_id, options.now ?? (() => new Date())));
  const mark = catalog.db.prepare('SELECT status, error FROM runs WHERE run_id = ?');
  for (const r of report.rows_without_file) {
    const now = mark.get(r.run_id) as { status: string; error: string | null } | undefined;
    if (!now) continue;
    // Re-check: the file may have appeared since the scan (a run being imported meanwhile).
    if (existsSync(runFilePath(catalog.dataDir, r.run_id))) {
      repaired.push({ run_id: r.run_id, action: 'skipped', error: 'the file appeared meanwhile' });
      continue;
    }
    if (now.status !== 'failed' || now.error !== RUN_FILE_MISSING) updateRun(catalog.db, r.run_id, { status: 'failed', error: RUN_FILE_MISSING });
    repaired.push({ run_id: r.run_id, action: 'marked_failed' });
  }
  // Only if it is still the same dead owner's: a resume may have claimed the run since the scan.
  const cancel = catalog.db.prepare("UPDATE runs SET status = 'cancelled', owner = NULL, error = ? WHERE run_id = ? AND status = 'running' AND owner IS ?");
  for (const r of report.interrupted_runs) {
    const missing = report.rows_without_file.some((x) => x.run_id === r.run_id);
    if (missing) continue;
    const done = cancel.run(`interrupted: its process (${r.owner ?? 'unknown'}) is gone`, r.run_id, r.owner).changes === 1;
    repaired.push(
      done ? { run_id: r.run_id, action: 'marked_cancelled' } : { run_id: r.run_id, action: 'skipped', error: 'claimed by another process meanwhile' },
    );
  }
  return { ...report, repaired };
}

/**
 * `importRunFile` copies a file into `runs/` and indexes it; an orphan is already there, so it
 * is moved into a private folder first and moved back if the import refuses it. A file some
 * process has open (a simulate that is creating it right now) is left alone.
 */
function registerOrphanFile(catalog: Catalog, runId: string, now: () => Date): OrphanRepair {
  const file = runFilePath(catalog.dataDir, runId);
  if (isDbInUse(file)) return { run_id: runId, action: 'skipped', error: 'the file is open by another process (a run being created?)' };
  try {
    // Fold the WAL into the file so moving the one file moves everything.
    const db = openMaintenanceDb(file);
    try {
      const [r] = db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
      if (r?.busy) return { run_id: runId, action: 'skipped', error: 'busy' };
    } finally {
      db.close();
    }
  } catch (e) {
    return { run_id: runId, action: 'skipped', error: isBusyError(e) ? 'busy' : (e as Error).message };
  }
  const work = join(catalog.dataDir, `.repair-${compactTimestamp(now(), true)}-${process.pid}`);
  mkdirSync(work, { recursive: true });
  const moved = join(work, `${runId}.sqlite`);
  const sides = ['', '-wal', '-shm'].filter((s) => existsSync(`${file}${s}`));
  for (const s of sides) renameSync(`${file}${s}`, `${moved}${s}`);
  let id: string;
  try {
    id = importRunFile(catalog, moved).run_id;
  } catch (e) {
    // Put the file back exactly where it was; if that is impossible keep it in `work`, never delete it.
    const stuck = sides.filter((s) => {
      if (existsSync(`${file}${s}`)) return true;
      renameSync(`${moved}${s}`, `${file}${s}`);
      return false;
    });
    if (stuck.length === 0) rmSync(work, { recursive: true, force: true });
    return { run_id: runId, action: 'skipped', error: `${(e as Error).message}${stuck.length ? ` (the file is kept in ${work})` : ''}` };
  }
  // The import copied the file into runs/: the moved original is now a duplicate.
  rmSync(work, { recursive: true, force: true });
  return id === runId
    ? { run_id: runId, action: 'registered' }
    : { run_id: runId, action: 'registered', error: `registered as ${id} (the id inside the file)` };
}
