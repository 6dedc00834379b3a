/**
 * `luckyfive maintain backup DIR`: an online, consistent copy of the catalog and every run file
 * through SQLite's backup API, into `DIR/luckyfive-backup-YYYYMMDD-HHMMSS/` (UTC) with a
 * `manifest.json` (sizes, SHA-256, row counts, integrity). The folder is built under a hidden
 * `.partial` name and renamed at the end, so a backup folder is either whole or absent.
 *
 * Each file is copied in ONE backup step, i.e. inside one read transaction of the source: in WAL
 * mode that snapshot never blocks a running simulate and never restarts when it writes. The
 * catalog is copied first, so a run created during the backup shows up as an orphan file (which
 * `maintain --repair` re-registers), never as a catalog row without its file.
 */
import { existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { LuckyError } from '../errors.js';
import { createHmac } from 'node:crypto';
import { type BooksKey, type BooksKeySource, readBooksKey } from '../store/books-key.js';
import { sealProblem } from '../store/books-seal.js';
import { CATALOG_FILE, openCatalog } from '../store/catalog.js';
import { writeOpsRecord } from '../store/ops-records.js';
import {
  type DbFile,
  type DbKind,
  compactTimestamp,
  freeName,
  listDbFiles,
  listRunFiles,
  openMaintenanceDb,
  readIntegrity,
  readTableCounts,
  sha256File,
} from './db-files.js';
import { PRIVATE_FILE_MODE, makePrivateDir, precreatePrivateFile } from '../store/private-files.js';
import { acquireMaintenanceLock } from './lock.js';

export const MANIFEST_FILE = 'manifest.json';
export const BACKUP_FORMAT = 'luckyfive-backup';
/** 2: the manifest carries `books_key_id` and an HMAC under the books key (version 1 had neither). */
export const BACKUP_FORMAT_VERSION = 2;
export const BACKUP_PREFIX = 'luckyfive-backup-';

export interface ManifestFile {
  /** relative to the backup folder, the same layout as a data dir */
  path: string;
  kind: DbKind;
  bytes: number;
  sha256: string;
  /** PRAGMA user_version: the schema version the file was at */
  user_version: number;
  tables: Record<string, number>;
  integrity: 'ok';
}

export interface Manifest {
  format: typeof BACKUP_FORMAT;
  format_version: number;
  created_at: string;
  luckyfive_version: string;
  source_data_dir: string;
  files: ManifestFile[];
  /** run files found but left out (vanished, or failing their integrity check) */
  excluded: Array<{ path: string; reason: string }>;
  /** fingerprint of the books key that signed the manifest (and sealed the catalog's books) */
  books_key_id: string;
  /** HMAC-SHA256 under the books key of the manifest without this field ({@link manifestMac}) */
  hmac: string;
}

export interface BackupReport {
  /** the finished backup folder */
  dir: string;
  manifest: Manifest;
  bytes: number;
  duration_ms: number;
  /** false when a run file had to be left out because it is damaged (the CLI exits 4) */
  ok: boolean;
}

export interface BackupOptions {
  version: string;
  /** where the books key comes from (default: the key file in the data dir) */
  books?: BooksKeySource;
  now?: () => Date;
  onWarn?: (message: string) => void;
  /** called after each file copied (or left out): files done of the catalog plus the run files found */
  onProgress?: (done: number, total: number) => void;
}

/** Backs up `dataDir` into a new timestamped folder under `destRoot`. */
export async function backupDataDir(dataDir: string, destRoot: string, options: BackupOptions): Promise<BackupReport> {
  const t0 = performance.now();
  const now = options.now ?? (() => new Date());
  const root = resolve(destRoot);
  if (existsSync(root) && !statSync(root).isDirectory()) {
    throw new LuckyError('E_INPUT_INVALID', `the backup destination ${root} is a file, not a folder`, [
      'dir: give a folder; each backup is a new luckyfive-backup-<time> folder inside it',
    ]);
  }
  const files = listDbFiles(dataDir);
  if (files[0]?.kind !== 'catalog') throw new LuckyError('E_NOT_FOUND', `no catalog in ${dataDir}: nothing to back up`);
  const lock = acquireMaintenanceLock(dataDir, { purpose: 'backup', now, onWarn: options.onWarn });
  const created = now();
  let staging: string | undefined;
  try {
    const key = sealedBooksKey(dataDir, options);
    makePrivateDir(root);
    const name = freeName(root, `${BACKUP_PREFIX}${compactTimestamp(created)}`);
    staging = join(root, `.${name}.partial`);
    rmSync(staging, { recursive: true, force: true });
    makePrivateDir(join(staging, 'runs'));
    const manifest: Omit<Manifest, 'hmac'> & { hmac?: string } = {
      format: BACKUP_FORMAT,
      format_version: BACKUP_FORMAT_VERSION,
      created_at: created.toISOString(),
      luckyfive_version: options.version,
      source_data_dir: resolve(dataDir),
      files: [],
      excluded: [],
      books_key_id: key.id,
    };
    // The catalog first (see the module comment), then the run files as they are now.
    try {
      const entry = await backupFile(files[0], staging);
      if (!entry) throw new Error('the catalog vanished during the backup');
      manifest.files.push(entry);
    } catch (e) {
      throw new LuckyError('E_DATA_INVALID', `cannot back up the catalog of ${dataDir}`, [`${CATALOG_FILE}: ${reasonOf(e)}`], { cause: e });
    }
    let damaged = false;
    const runFiles = listRunFiles(dataDir);
    let done = 1;
    options.onProgress?.(done, runFiles.length + 1);
    for (const f of runFiles) {
      try {
        const entry = await backupFile(f, staging);
        if (entry) manifest.files.push(entry);
        else manifest.excluded.push({ path: f.rel, reason: 'deleted during the backup' });
      } catch (e) {
        damaged = true;
        manifest.excluded.push({ path: f.rel, reason: reasonOf(e) });
        rmSync(join(staging, f.rel), { force: true });
        options.onWarn?.(`${f.rel} left out of the backup: ${reasonOf(e)}`);
      }
      options.onProgress?.(++done, runFiles.length + 1);
    }
    manifest.hmac = manifestMac(key.bytes, manifest);
    writeFileSync(join(staging, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`, { mode: PRIVATE_FILE_MODE });
    const dir = join(root, name);
    renameSync(staging, dir);
    staging = undefined;
    if (!damaged) recordBackup(dataDir, now(), dir, options.onWarn);
    return {
      dir,
      manifest: manifest as Manifest,
      bytes: manifest.files.reduce((a, f) => a + f.bytes, 0),
      duration_ms: Math.round(performance.now() - t0),
      ok: !damaged,
    };
  } finally {
    if (staging) rmSync(staging, { recursive: true, force: true });
    lock.release();
  }
}

/**
 * The HMAC of a manifest: over its JSON without `hmac`, keys in the order written. Restore
 * recomputes it from the file as read, so any edit of the manifest (a file's SHA-256 made to
 * match a rewritten catalog) is caught without the key.
 */
export function manifestMac(key: Buffer, manifest: Record<string, unknown>): string {
  const { hmac: _ignored, ...rest } = manifest;
  return createHmac('sha256', key)
    .update(`luckyfive-backup-manifest-v2\n${JSON.stringify(rest)}`)
    .digest('hex');
}

/**
 * The books key, after opening the catalog the normal way once: an older catalog is migrated and
 * its books sealed before they are copied, so every backup holds sealed books. Books whose seal
 * does not verify are backed up anyway (a backup is for recovery), with a warning: restore will
 * refuse them.
 */
function sealedBooksKey(dataDir: string, options: BackupOptions): BooksKey {
  const catalog = openCatalog(dataDir, { books: options.books ?? {} });
  try {
    const key = readBooksKey(catalog.db);
    const problem = sealProblem(catalog.db, key);
    if (problem) options.onWarn?.(`the books do not verify (${problem}): \`maintain restore\` will refuse this backup`);
    return key;
  } finally {
    catalog.close();
  }
}

/**
 * Records a successful backup for `/metrics` (`luckyfive_last_backup_timestamp_seconds`). The
 * backup is whole by then: a record that cannot be written is a warning, not a failed backup.
 */
function recordBackup(dataDir: string, at: Date, dir: string, onWarn: ((message: string) => void) | undefined): void {
  try {
    writeOpsRecord(dataDir, 'backup', { at: at.toISOString(), ok: true, detail: dir });
  } catch (e) {
    onWarn?.(`the backup is whole, but its time could not be recorded for /metrics: ${(e as Error).message}`);
  }
}

function reasonOf(e: unknown): string {
  return e instanceof LuckyError ? [e.message, ...e.details].join('; ') : (e as Error).message;
}

/**
 * Copies one database with the backup API, turns the copy into a plain rollback-journal file (no
 * -wal/-shm beside it), checks it and describes it. Undefined when the file was deleted before
 * it could be opened; throws when the copy is not healthy.
 */
async function backupFile(f: DbFile, staging: string): Promise<ManifestFile | undefined> {
  const dest = join(staging, f.rel);
  if (!existsSync(f.abs)) return undefined;
  // Read-write handle used only for reading: as the last connection to close it checkpoints and
  // removes the -wal/-shm it created, where a read-only one would leave them behind.
  const src = openMaintenanceDb(f.abs);
  try {
    // One step for all pages: one read transaction, one consistent snapshot (see module comment).
    precreatePrivateFile(dest);
    await src.backup(dest, { progress: () => 0x7fffffff });
  } finally {
    src.close();
  }
  const copy = new Database(dest, { fileMustExist: true });
  let entry: Omit<ManifestFile, 'bytes' | 'sha256'>;
  try {
    copy.pragma('journal_mode = DELETE');
    const integrity = readIntegrity(copy, 20);
    if (integrity !== 'ok') throw new LuckyError('E_DATA_INVALID', `${f.rel} fails its integrity check`, integrity);
    entry = {
      path: f.rel,
      kind: f.kind,
      user_version: copy.pragma('user_version', { simple: true }) as number,
      tables: readTableCounts(copy),
      integrity: 'ok',
    };
  } finally {
    copy.close();
  }
  return { ...entry, bytes: statSync(dest).size, sha256: sha256File(dest) };
}
