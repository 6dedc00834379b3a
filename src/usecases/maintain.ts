/**
 * Maintenance of the data dir: the checks (with `--repair` of orphan run files), the online
 * backup, the verified restore and its rollback, and the digest. Each works on the data dir's
 * files under the maintenance lock, not on an open catalog; `luckyfive maintain` calls them.
 */
import type { Config } from '../config.js';
import { type BackupReport, backupDataDir } from '../maintain/backup.js';
import { type MaintainReport, runMaintenance } from '../maintain/checks.js';
import { type DataDigest, readDataDigest } from '../maintain/digest.js';
import { type RestoreReport, type RollbackReport, restoreBackup, rollbackRestore } from '../maintain/restore.js';
import { mebibytes } from '../store/disk-space.js';
import { readPackageVersion } from '../version.js';
import type { UseCaseDeps } from './deps.js';

export type { FileReport, MaintainReport } from '../maintain/checks.js';
export type { BackupReport } from '../maintain/backup.js';
export type { RestoreReport, RollbackReport } from '../maintain/restore.js';
export type { DataDigest } from '../maintain/digest.js';

/** What maintenance needs: the configuration, the front-end's clock, and where warnings go as they happen. */
export type MaintainDeps = Pick<UseCaseDeps, 'config' | 'clock'> & { onWarn: (message: string) => void };

const booksOf = (c: Readonly<Config>) => ({ key: c.books_key, file: c.books_key_file });

/**
 * Integrity and foreign-key checks, ANALYZE, optimize and a WAL checkpoint on the catalog and
 * every run file (`only` one kind), optionally VACUUM; `repair` re-registers orphan run files
 * and marks runs whose file is missing as failed. Refuses a data dir without a catalog
 * (E_NOT_FOUND) and a held maintenance lock (E_BUSY). Returns the report: a file that failed its
 * checks is in it with `status: "failed"` (not thrown), and `ok` is false.
 */
export function maintainData(deps: MaintainDeps, input: { vacuum: boolean; only?: 'catalog' | 'runs' | undefined; repair: boolean }): MaintainReport {
  const c = deps.config;
  return runMaintenance(c.data_dir, {
    books: booksOf(c),
    minFreeBytes: mebibytes(c.disk_min_free_mb),
    vacuum: input.vacuum,
    only: input.only,
    repair: input.repair,
    now: () => new Date(deps.clock.now),
    onWarn: deps.onWarn,
  });
}

/**
 * Online, consistent backup of the catalog and every run file into `<dest>/luckyfive-backup-<UTC
 * time>/`, with a manifest signed by the books key. Refuses a destination that is a file
 * (E_INPUT_INVALID). Returns the report; damaged run files are left out with `ok: false`.
 * `onProgress` hears the files done of the total after each one.
 */
export function backupData(deps: MaintainDeps, input: { dest: string; onProgress?: (done: number, total: number) => void }): Promise<BackupReport> {
  const c = deps.config;
  return backupDataDir(c.data_dir, input.dest, {
    version: readPackageVersion(),
    books: booksOf(c),
    now: () => new Date(deps.clock.now),
    onWarn: deps.onWarn,
    onProgress: input.onProgress,
  });
}

/**
 * Verifies a backup folder, sets the current data aside and restores the backup. Refuses a
 * backup that does not verify (E_DATA_INVALID, nothing touched) and a held lock (E_BUSY).
 * Returns what was restored and where the previous data went.
 */
export function restoreData(deps: MaintainDeps, input: { backup: string }): RestoreReport {
  const c = deps.config;
  return restoreBackup(c.data_dir, input.backup, { books: booksOf(c), now: () => new Date(deps.clock.now), onWarn: deps.onWarn });
}

/** Puts back the data set aside by the last restore. Refuses when there is none (E_NOT_FOUND). Returns what moved where. */
export function rollbackData(deps: MaintainDeps): RollbackReport {
  return rollbackRestore(deps.config.data_dir, { now: () => new Date(deps.clock.now), onWarn: deps.onWarn });
}

/** Per-table row counts and SHA-256 of the data (compare two data dirs). Refuses nothing but unreadable files. */
export function digestData(deps: Pick<UseCaseDeps, 'config'>): DataDigest {
  return readDataDigest(deps.config.data_dir);
}
