/**
 * Permissions of what luckyfive writes: the catalog, run files (and their -wal/-shm, which
 * SQLite creates with the mode of their database), backups and secrets are readable by their
 * owner only (0600, folders 0700). The umask can only take bits away, never add them.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { LuckyError } from '../errors.js';
import { toStorageError } from './storage-errors.js';

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/** `mkdir -p` with 0700 for the folders it creates (existing ones are left as they are). */
export function makePrivateDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // A path through a file, or a folder we may not write: the user's to fix, not a bug.
    if (code === 'ENOTDIR' || code === 'EEXIST' || code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
      throw new LuckyError('E_INPUT_INVALID', `cannot create the folder ${dir}`, [`${dir}: ${(e as Error).message}`], { cause: e });
    }
    throw toStorageError(e, dir) ?? e;
  }
}

/**
 * Creates `file` empty with mode 0600 unless it exists, so SQLite (which would create it 0644)
 * opens it as a new database with the owner-only mode, and gives its -wal/-shm the same.
 */
export function precreatePrivateFile(file: string): void {
  if (existsSync(file)) return;
  try {
    closeSync(openSync(file, 'wx', PRIVATE_FILE_MODE));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
}

/** Sets a file we just wrote (a copy, a backup) to 0600. */
export function makePrivate(file: string): void {
  chmodSync(file, PRIVATE_FILE_MODE);
}
