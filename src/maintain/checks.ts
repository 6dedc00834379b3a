/**
 * `luckyfive maintain`: integrity and foreign-key checks, ANALYZE, `PRAGMA optimize`, a WAL
 * checkpoint and (on request) VACUUM on the catalog and every run file, one report per file.
 * Everything here is safe while other processes read and write: each connection waits at most
 * {@link MAINTENANCE_BUSY_MS} for a lock, and a file that stays locked is "skipped", not failed.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LuckyError } from '../errors.js';
import type { BooksKeySource } from '../store/books-key.js';
import { CATALOG_FILE, openCatalog } from '../store/catalog.js';
import { type DiskSpace, mebibytes, readDiskSpace } from '../store/disk-space.js';
import type { Db } from '../store/sqlite.js';
import { type DbFile, type DbKind, dbBytes, isBusyError, isDbInUse, listDbFiles, openMaintenanceDb, readIntegrity } from './db-files.js';
import { acquireMaintenanceLock } from './lock.js';
import { type OrphanReport, findOrphans, repairOrphans } from './orphans.js';

/**
 * What a step did: `done`; for the checkpoint `truncate` (WAL emptied) or `passive` (readers or a
 * writer were active, so only what was safe was copied back); `skipped: busy` / `skipped: in use`
 * when another process held the file; `not run` after a failed check.
 */
export type StepResult = 'done' | 'truncate' | 'passive' | 'skipped: busy' | 'skipped: in use' | 'not run';

export interface ForeignKeyProblem {
  table: string;
  rowid: number | null;
  parent: string;
}

export interface FileReport {
  file: string;
  kind: DbKind;
  checks: { integrity: 'ok' | string[] | null; foreign_keys: 'ok' | ForeignKeyProblem[] | null };
  steps: { analyze: StepResult; optimize: StepResult; vacuum?: StepResult; checkpoint: StepResult };
  status: 'ok' | 'failed' | 'skipped';
  bytes_before: number;
  bytes_after: number;
  duration_ms: number;
  error?: string;
  note?: string;
}

export interface MaintainOptions {
  vacuum?: boolean;
  only?: 'catalog' | 'runs' | undefined;
  repair?: boolean;
  /** where the books key comes from, for opening (and so migrating) the catalog */
  books?: BooksKeySource;
  /** free bytes under which the disk is reported low (`disk_min_free_mb`; default 100 MiB) */
  minFreeBytes?: number;
  now?: () => Date;
  onWarn?: (message: string) => void;
}

export interface MaintainReport {
  data_dir: string;
  files: FileReport[];
  /** false when any file failed (the CLI then exits 4) */
  ok: boolean;
  /** null when the catalog could not be read */
  orphans: OrphanReport | null;
  /** free space under the data dir; `low`/`full` is also warned about */
  disk: DiskSpace;
  duration_ms: number;
}

/** Rows ANALYZE samples per index: bounds how long it holds the write lock on a big run file. */
const ANALYSIS_LIMIT = 2000;

/** Runs maintenance over the data dir under the maintenance lock (E_BUSY when it is held). */
export function runMaintenance(dataDir: string, options: MaintainOptions = {}): MaintainReport {
  const t0 = performance.now();
  if (!existsSync(join(dataDir, CATALOG_FILE))) throw new LuckyError('E_NOT_FOUND', `no catalog in ${dataDir}: nothing to maintain`);
  const disk = readDiskSpace(dataDir, options.minFreeBytes ?? mebibytes(100));
  if (disk.status !== 'ok') {
    options.onWarn?.(
      `the disk under ${dataDir} is ${disk.status}: ${disk.free_bytes} bytes free (threshold ${disk.min_free_bytes}); checkpoints and VACUUM need room`,
    );
  }
  const lock = acquireMaintenanceLock(dataDir, { purpose: 'maintain', now: options.now, onWarn: options.onWarn });
  try {
    const files = listDbFiles(dataDir).filter((f) => options.only === undefined || (options.only === 'catalog') === (f.kind === 'catalog'));
    const reports = files.map((f) => maintainFile(f, { vacuum: options.vacuum ?? false }));
    const catalogReport = reports.find((r) => r.kind === 'catalog');
    let orphans: OrphanReport | null = null;
    if (catalogReport?.status !== 'failed') {
      try {
        const catalog = openCatalog(dataDir, { books: options.books ?? {} });
        try {
          orphans = findOrphans(catalog);
          if (options.repair) orphans = repairOrphans(catalog, orphans, { now: options.now });
        } finally {
          catalog.close();
        }
      } catch (e) {
        options.onWarn?.(`orphan check skipped: ${(e as Error).message}`);
      }
    }
    return {
      data_dir: dataDir,
      files: reports,
      ok: reports.every((r) => r.status !== 'failed'),
      orphans,
      disk,
      duration_ms: Math.round(performance.now() - t0),
    };
  } finally {
    lock.release();
  }
}

/** Checks and tidies one database file; never throws (problems go into the report). */
export function maintainFile(f: DbFile, options: { vacuum: boolean }): FileReport {
  const t0 = performance.now();
  const report: FileReport = {
    file: f.rel,
    kind: f.kind,
    checks: { integrity: null, foreign_keys: null },
    steps: { analyze: 'not run', optimize: 'not run', ...(options.vacuum ? { vacuum: 'not run' as const } : {}), checkpoint: 'not run' },
    status: 'ok',
    bytes_before: dbBytes(f.abs),
    bytes_after: 0,
    duration_ms: 0,
  };
  // Probe before our own connection exists: our connection would itself count as a user.
  const inUse = options.vacuum && isDbInUse(f.abs);
  let db: Db | undefined;
  try {
    db = openMaintenanceDb(f.abs);
    try {
      report.checks.integrity = readIntegrity(db);
    } catch (e) {
      // SQLite gives up on a badly damaged file instead of listing problems: that is the answer.
      const code = (e as { code?: string }).code ?? '';
      if (code !== 'SQLITE_CORRUPT' && code !== 'SQLITE_NOTADB') throw e;
      report.checks.integrity = [(e as Error).message];
    }
    const fk = db.pragma('foreign_key_check') as Array<{ table: string; rowid: number | null; parent: string }>;
    report.checks.foreign_keys = fk.length === 0 ? 'ok' : fk.slice(0, 100).map((r) => ({ table: r.table, rowid: r.rowid, parent: r.parent }));
    if (report.checks.integrity !== 'ok' || report.checks.foreign_keys !== 'ok') {
      report.status = 'failed';
      report.error = report.checks.integrity !== 'ok' ? 'integrity_check found problems' : 'foreign_key_check found rows pointing nowhere';
    } else {
      tidy(db, report, inUse);
    }
  } catch (e) {
    if (isBusyError(e)) {
      report.status = 'skipped';
      report.note = `busy: ${(e as Error).message}`;
    } else {
      report.status = 'failed';
      report.error = (e as Error).message;
    }
  } finally {
    try {
      db?.close();
    } catch {
      // closing a broken handle must not hide the report
    }
  }
  if (report.status === 'ok' && Object.values(report.steps).some((s) => s.startsWith('skipped'))) {
    report.status = 'skipped';
    report.note = 'another process held the file; the checks passed, some steps were left for next time';
  }
  report.bytes_after = dbBytes(f.abs);
  report.duration_ms = Math.round(performance.now() - t0);
  return report;
}

/** The write steps, each allowed to find the file busy. */
function tidy(db: Db, report: FileReport, inUse: boolean): void {
  report.steps.analyze = attempt(() => {
    db.pragma(`analysis_limit = ${ANALYSIS_LIMIT}`);
    db.exec('ANALYZE');
  });
  report.steps.optimize = attempt(() => db.pragma('optimize'));
  if (report.steps.vacuum !== undefined) {
    // VACUUM holds the write lock for as long as it takes: never while a simulate or server has
    // the file open, or that process could time out waiting.
    report.steps.vacuum = inUse ? 'skipped: in use' : attempt(() => db.exec('VACUUM'));
  }
  report.steps.checkpoint = checkpoint(db);
}

function attempt(fn: () => unknown): StepResult {
  try {
    fn();
    return 'done';
  } catch (e) {
    if (isBusyError(e)) return 'skipped: busy';
    throw e;
  }
}

/** TRUNCATE when nobody is in the way, otherwise PASSIVE (copies what it can, waits for nobody). */
function checkpoint(db: Db): StepResult {
  try {
    const [r] = db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
    if (r?.busy === 0) return 'truncate';
  } catch (e) {
    if (!isBusyError(e)) throw e;
  }
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    return 'passive';
  } catch (e) {
    if (isBusyError(e)) return 'skipped: busy';
    throw e;
  }
}
