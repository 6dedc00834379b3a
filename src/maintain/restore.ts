/**
 * `luckyfive maintain restore BACKUP` and `--rollback`. A restore verifies everything first, on
 * a staged copy inside the data dir (so the files checked are the files installed): every file of
 * the manifest is present with its size and SHA-256, passes integrity_check and is not newer than
 * this luckyfive; the manifest is signed under the books key; the catalog has the schema luckyfive
 * makes (append-only triggers included), books whose keyed seal verifies and an intact hash chain. Only then is the current catalog and `runs/` moved aside into
 * `.restore-previous-<timestamp>/` and the staged copy moved in; `--rollback` swaps the most
 * recent set-aside data back. Nothing is deleted; every move is a rename within the data dir.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { LuckyError, formatIssues } from '../errors.js';
import { timingSafeEqual } from 'node:crypto';
import { findBookProblems } from '../core/finance/books-check.js';
import { BOOKS_KEY_FILE, type BooksKey, type BooksKeySource, resolveBooksKey } from '../store/books-key.js';
import { sealProblem } from '../store/books-seal.js';
import { CATALOG_FILE, openCatalog } from '../store/catalog.js';
import { readChain, readChainHead } from '../store/ledger-repo.js';
import { CATALOG_MIGRATIONS } from '../store/catalog-migrations/index.js';
import { RUN_ID_PATTERN, RUN_MIGRATIONS, openRunFile, runsDir } from '../store/run-file.js';
import { BACKUP_FORMAT, BACKUP_FORMAT_VERSION, MANIFEST_FILE, manifestMac } from './backup.js';
import { schemaProblems } from './schema-check.js';
import { compactTimestamp, freeName, isDbInUse, listDbFiles, openMaintenanceDb, readIntegrity, sha256File } from './db-files.js';
import { PRIVATE_DIR_MODE, makePrivate, makePrivateDir } from '../store/private-files.js';
import { acquireMaintenanceLock } from './lock.js';

export const PREVIOUS_PREFIX = '.restore-previous-';
export const ROLLED_BACK_PREFIX = '.restore-rolledback-';
const NOTE_FILE = 'restore.json';

const PATH_PATTERN = new RegExp(`^(${CATALOG_FILE.replace('.', '\\.')}|runs/${RUN_ID_PATTERN.source.slice(1, -1)}\\.sqlite)$`);

const ManifestSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  format_version: z.number().int().min(1).max(BACKUP_FORMAT_VERSION),
  books_key_id: z.string().optional(),
  hmac: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  created_at: z.string(),
  luckyfive_version: z.string(),
  files: z
    .array(
      z.object({
        path: z.string().regex(PATH_PATTERN, 'must be catalog.sqlite or runs/<run id>.sqlite'),
        kind: z.enum(['catalog', 'run']),
        bytes: z.number().int().min(0),
        sha256: z.string().regex(/^[0-9a-f]{64}$/),
        user_version: z.number().int().min(0),
        tables: z.record(z.string(), z.number().int().min(0)),
        integrity: z.literal('ok'),
      }),
    )
    .refine((files) => files.filter((f) => f.path === CATALOG_FILE).length === 1, 'must list catalog.sqlite exactly once')
    .refine((files) => new Set(files.map((f) => f.path)).size === files.length, 'lists a file twice'),
});

export interface RestoreReport {
  restored_from: string;
  backup_created_at: string;
  data_dir: string;
  files: number;
  bytes: number;
  /** where the data that was here went (`maintain restore --rollback` brings it back) */
  previous: string;
  /** runs the backup caught mid-simulate: now `cancelled`, resumable with `simulate --resume` */
  interrupted_runs: string[];
  duration_ms: number;
}

export interface RollbackReport {
  data_dir: string;
  /** the set-aside folder whose data is now back in place (the folder itself is removed) */
  restored_previous: string;
  /** where the data that was in place went */
  set_aside: string;
}

interface Options {
  /** where the data dir's books key comes from (default: its key file); it must be the key that made the backup */
  books?: BooksKeySource;
  now?: () => Date;
  onWarn?: (message: string) => void;
}

/** Restores a backup folder into `dataDir`; E_DATA_INVALID (nothing touched) when it does not verify. */
export function restoreBackup(dataDir: string, backupDir: string, options: Options = {}): RestoreReport {
  const t0 = performance.now();
  const now = options.now ?? (() => new Date());
  const from = resolve(backupDir);
  const manifest = readManifest(from);
  const key = restoreKey(dataDir, options.books ?? {});
  verifyManifestMac(from, manifest, key);
  makePrivateDir(dataDir);
  const lock = acquireMaintenanceLock(dataDir, { purpose: 'restore', now, onWarn: options.onWarn });
  try {
    refuseIfInUse(dataDir);
    const stamp = compactTimestamp(now(), true);
    const staging = join(dataDir, `.restore-staging-${stamp}-${process.pid}`);
    rmSync(staging, { recursive: true, force: true });
    makePrivateDir(join(staging, 'runs'));
    let previous: string | undefined;
    try {
      const problems: string[] = [];
      for (const f of manifest.files) problems.push(...stageAndVerify(join(from, f.path), join(staging, f.path), f));
      if (!problems.length) problems.push(...verifyStagedBooks(join(staging, CATALOG_FILE), key));
      if (problems.length) {
        throw new LuckyError('E_DATA_INVALID', `backup ${from} is damaged or was changed: nothing restored, the current data is untouched`, problems);
      }
      previous = join(dataDir, freeName(dataDir, `${PREVIOUS_PREFIX}${stamp}`));
      swapIn(dataDir, staging, previous, { restored_from: from, restored_at: now().toISOString(), backup_created_at: manifest.created_at });
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
    const interrupted = settleRestoredCatalog(dataDir, options.books ?? {});
    return {
      restored_from: from,
      backup_created_at: manifest.created_at,
      data_dir: dataDir,
      files: manifest.files.length,
      bytes: manifest.files.reduce((a, f) => a + f.bytes, 0),
      previous,
      interrupted_runs: interrupted,
      duration_ms: Math.round(performance.now() - t0),
    };
  } finally {
    lock.release();
  }
}

/** Puts the most recent set-aside data back in place, and the current data aside. */
export function rollbackRestore(dataDir: string, options: Options = {}): RollbackReport {
  const now = options.now ?? (() => new Date());
  if (!existsSync(dataDir)) throw new LuckyError('E_NOT_FOUND', `no data dir at ${dataDir}`);
  const lock = acquireMaintenanceLock(dataDir, { purpose: 'restore --rollback', now, onWarn: options.onWarn });
  try {
    const candidates = readdirSync(dataDir)
      .filter((n) => n.startsWith(PREVIOUS_PREFIX) && statSync(join(dataDir, n)).isDirectory())
      .sort();
    const latest = candidates.at(-1);
    if (!latest) throw new LuckyError('E_NOT_FOUND', `nothing to roll back: no ${PREVIOUS_PREFIX}* folder in ${dataDir}`);
    refuseIfInUse(dataDir);
    const previous = join(dataDir, latest);
    const aside = join(dataDir, freeName(dataDir, `${ROLLED_BACK_PREFIX}${compactTimestamp(now(), true)}`));
    swapIn(dataDir, previous, aside, { rolled_back_at: now().toISOString(), rolled_back_to: previous });
    // The previous folder now holds only its note: keep the note with the data it describes.
    if (existsSync(join(previous, NOTE_FILE))) renameSync(join(previous, NOTE_FILE), join(aside, `previous-${NOTE_FILE}`));
    rmdirSync(previous);
    return { data_dir: dataDir, restored_previous: previous, set_aside: aside };
  } finally {
    lock.release();
  }
}

/** Reads and validates `manifest.json`: E_NOT_FOUND without one, E_DATA_INVALID when malformed. */
export function readManifest(backupDir: string): z.infer<typeof ManifestSchema> {
  const file = join(backupDir, MANIFEST_FILE);
  if (!existsSync(file)) throw new LuckyError('E_NOT_FOUND', `${backupDir} is not a luckyfive backup (no ${MANIFEST_FILE})`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new LuckyError('E_DATA_INVALID', `${file} is not valid JSON: nothing restored`, [(e as Error).message], { cause: e });
  }
  const parsed = ManifestSchema.safeParse(raw);
  if (!parsed.success) throw new LuckyError('E_DATA_INVALID', `${file} is not a valid backup manifest: nothing restored`, formatIssues(parsed.error.issues));
  return parsed.data;
}

/**
 * The books key of the data dir being restored into. Never created here: a restore that is
 * refused touches nothing, and a fresh key could not verify a backup anyway.
 */
function restoreKey(dataDir: string, books: BooksKeySource): BooksKey {
  const file = books.file ?? join(dataDir, BOOKS_KEY_FILE);
  if (books.key === undefined && !existsSync(file)) {
    throw new LuckyError('E_DATA_INVALID', `no books key to verify the backup with: nothing restored`, [
      `${file}: missing; copy the books key of the data dir the backup came from there (or set LUCKYFIVE_BOOKS_KEY / books_key_file)`,
    ]);
  }
  return resolveBooksKey(books, dataDir);
}

/** The manifest must be signed by the books key (format 2); an unsigned or forged one is refused. */
function verifyManifestMac(from: string, manifest: z.infer<typeof ManifestSchema>, key: BooksKey): void {
  const file = join(from, MANIFEST_FILE);
  if (manifest.format_version < 2 || manifest.hmac === undefined) {
    throw new LuckyError('E_DATA_INVALID', `${file} is not signed (a backup made before the books were keyed): nothing restored`, [
      'its books cannot be verified; restore it with the luckyfive that made it, open the data once with this version, and back up again',
    ]);
  }
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const expected = Buffer.from(manifestMac(key.bytes, raw), 'hex');
  const given = Buffer.from(manifest.hmac, 'hex');
  if (!timingSafeEqual(expected, given)) {
    throw new LuckyError(
      'E_DATA_INVALID',
      `${file} does not verify under the books key: nothing restored, the current data is untouched`,
      manifest.books_key_id !== undefined && manifest.books_key_id !== key.id
        ? [`the backup was signed with books key ${manifest.books_key_id}, this data dir's key is ${key.id}: configure the key that made the backup`]
        : ['the manifest was changed after the backup was made'],
    );
  }
}

/**
 * The staged catalog's books and schema: the schema luckyfive makes (append-only triggers
 * included), the keyed seal, and an intact hash chain. Balance assertions that fail are not
 * tampering and do not stop a restore.
 */
function verifyStagedBooks(file: string, key: BooksKey): string[] {
  const problems: string[] = [];
  try {
    const db = openMaintenanceDb(file, { readonly: true });
    try {
      problems.push(...schemaProblems(db, CATALOG_MIGRATIONS, CATALOG_FILE));
      if (!problems.length) {
        const seal = sealProblem(db, key);
        if (seal) problems.push(`${CATALOG_FILE}: ${seal}`);
        const rows = findBookProblems(readChain(db), [], readChainHead(db)).filter((p) => p.kind !== 'assertion');
        problems.push(...rows.slice(0, 10).map((p) => `${CATALOG_FILE}: ${p.message}`));
      }
    } finally {
      db.close();
    }
  } catch (e) {
    problems.push(`${CATALOG_FILE}: ${(e as Error).message}`);
  }
  for (const s of ['-wal', '-shm']) rmSync(`${file}${s}`, { force: true });
  return problems;
}

/** Copies one backed-up file into staging and checks the copy; returns `path: problem` lines. */
function stageAndVerify(src: string, dest: string, f: z.infer<typeof ManifestSchema>['files'][number]): string[] {
  if (!existsSync(src)) return [`${f.path}: missing from the backup`];
  copyFileSync(src, dest);
  makePrivate(dest);
  const problems: string[] = [];
  const bytes = statSync(dest).size;
  if (bytes !== f.bytes) problems.push(`${f.path}: ${bytes} bytes, the manifest says ${f.bytes}`);
  if (sha256File(dest) !== f.sha256) problems.push(`${f.path}: SHA-256 differs from the manifest`);
  if (problems.length) return problems;
  try {
    const db = openMaintenanceDb(dest, { readonly: true });
    try {
      const integrity = readIntegrity(db, 10);
      if (integrity !== 'ok') problems.push(...integrity.map((l) => `${f.path}: ${l}`));
      const version = db.pragma('user_version', { simple: true }) as number;
      if (f.kind === 'catalog' && version > CATALOG_MIGRATIONS.length)
        problems.push(`${f.path}: schema version ${version} is newer than this luckyfive (${CATALOG_MIGRATIONS.length}): upgrade luckyfive`);
      if (f.kind === 'run' && version <= RUN_MIGRATIONS.length) problems.push(...schemaProblems(db, RUN_MIGRATIONS, f.path));
    } finally {
      db.close();
    }
    if (f.kind === 'run') openRunFile(dest, { mustExist: true, readonly: true }).close();
  } catch (e) {
    problems.push(`${f.path}: ${(e as Error).message}`);
  }
  // A read-only open may leave side files in staging; they must not be installed.
  for (const s of ['-wal', '-shm']) rmSync(`${dest}${s}`, { force: true });
  return problems;
}

/** A restore must not pull files from under a running simulate or server. */
function refuseIfInUse(dataDir: string): void {
  const busy = listDbFiles(dataDir).filter((f) => isDbInUse(f.abs));
  if (busy.length) {
    throw new LuckyError(
      'E_BUSY',
      `${busy.length} database file(s) in ${dataDir} are open by another process (a simulate or the server?): stop it first`,
      busy.slice(0, 10).map((f) => `${f.rel}: in use`),
    );
  }
}

/** The names a swap moves: the catalog with its side files, and the runs folder. */
function swapNames(dir: string): string[] {
  return [CATALOG_FILE, `${CATALOG_FILE}-wal`, `${CATALOG_FILE}-shm`, 'runs'].filter((n) => existsSync(join(dir, n)));
}

/**
 * Moves the data dir's current catalog and runs into `aside` (with a note), then `incoming`'s
 * into the data dir. If a move fails half way, the moves done so far are undone.
 */
function swapIn(dataDir: string, incoming: string, aside: string, note: Record<string, string>): void {
  mkdirSync(aside, { mode: PRIVATE_DIR_MODE });
  const done: Array<[string, string]> = [];
  const move = (a: string, b: string) => {
    renameSync(a, b);
    done.push([a, b]);
  };
  try {
    const current = swapNames(dataDir);
    for (const n of current) move(join(dataDir, n), join(aside, n));
    writeFileSync(join(aside, NOTE_FILE), `${JSON.stringify({ ...note, set_aside: current }, null, 2)}\n`);
    for (const n of swapNames(incoming)) move(join(incoming, n), join(dataDir, n));
  } catch (e) {
    for (const [a, b] of done.reverse()) renameSync(b, a);
    rmSync(join(aside, NOTE_FILE), { force: true });
    rmdirSync(aside);
    throw new LuckyError('E_DATA_INVALID', `could not swap the data in ${dataDir}; every move was undone`, [(e as Error).message], { cause: e });
  }
}

/**
 * Opens the restored catalog the normal way (WAL, migrations of an older backup) and marks runs
 * the backup caught mid-simulate as cancelled: no process is running them here.
 */
function settleRestoredCatalog(dataDir: string, books: BooksKeySource): string[] {
  const catalog = openCatalog(dataDir, { books });
  try {
    const running = catalog.db.prepare("SELECT run_id FROM runs WHERE status = 'running' ORDER BY run_id").pluck().all() as string[];
    const mark = catalog.db.prepare("UPDATE runs SET status = 'cancelled', error = 'interrupted: restored from a backup taken while it ran' WHERE run_id = ?");
    catalog.db.transaction(() => running.forEach((id) => mark.run(id)))();
    catalog.db.pragma('wal_checkpoint(TRUNCATE)');
    makePrivateDir(runsDir(dataDir));
    return running;
  } finally {
    catalog.close();
  }
}
