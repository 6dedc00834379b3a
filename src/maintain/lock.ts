/**
 * The maintenance lock: one file in the data dir, so maintain, backup and restore never run at
 * the same time. It holds the owner's pid, host and start time, and appears whole or not at
 * all: the content is written to a private temp file first, then hard-linked to the lock's name
 * (`link` fails with EEXIST when the lock exists, like O_EXCL). So a lock that is empty or
 * garbled was not written by a live luckyfive (a full disk used to leave a 0-byte lock that
 * blocked maintenance for good) and is stale at once, like a lock whose process is gone (same
 * host, `kill(pid, 0)` says ESRCH); both are taken over with a warning.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { LuckyError } from '../errors.js';
import { PRIVATE_FILE_MODE } from '../store/private-files.js';
import { toStorageError } from '../store/storage-errors.js';
import { isProcessAlive } from '../store/process-owner.js';

export const LOCK_FILE = 'maintain.lock';

export interface LockOwner {
  pid: number;
  host: string;
  started_at: string;
  purpose: string;
}

export interface MaintenanceLock {
  readonly file: string;
  readonly owner: LockOwner;
  /** Removes the lock file if it is still ours. Safe to call twice. */
  release(): void;
}

export interface LockOptions {
  purpose: string;
  now?: () => Date;
  onWarn?: (message: string) => void;
}

/** Takes the data dir's maintenance lock or throws E_BUSY naming the holder. */
export function acquireMaintenanceLock(dataDir: string, options: LockOptions): MaintenanceLock {
  const file = join(dataDir, LOCK_FILE);
  const owner: LockOwner = { pid: process.pid, host: hostname(), started_at: (options.now ?? (() => new Date()))().toISOString(), purpose: options.purpose };
  // Two attempts: the second one after removing a stale lock.
  for (let attempt = 0; attempt < 2; attempt++) {
    if (tryCreate(file, owner)) return createHandle(file, owner);
    const raw = readLockText(file);
    if (raw === undefined) continue; // vanished between our open and read: try again
    const held = parseLockOwner(raw);
    if (held && isAlive(held)) throw busyError(file, held);
    takeOverStale(file, raw);
    options.onWarn?.(
      held
        ? `removed a stale maintenance lock left by pid ${held.pid} (${held.purpose}, started ${held.started_at}), which is no longer running`
        : 'removed an empty or unreadable maintenance lock (locks are written whole, so its writer died or the disk was full)',
    );
  }
  throw busyError(file, parseLockOwner(readLockText(file) ?? ''));
}

/**
 * Writes the owner to a temp file beside the lock, then links it to the lock's name: the lock
 * never exists half written. False when a lock is already there; E_DISK_FULL when the disk is.
 */
function tryCreate(file: string, owner: LockOwner): boolean {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(temp, `${JSON.stringify(owner)}\n`, { flag: 'wx', mode: PRIVATE_FILE_MODE });
    linkSync(temp, file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw toStorageError(e, file) ?? new LuckyError('E_DATA_INVALID', `cannot create the maintenance lock ${file}`, [(e as Error).message], { cause: e });
  } finally {
    rmSync(temp, { force: true });
  }
}

function createHandle(file: string, owner: LockOwner): MaintenanceLock {
  let released = false;
  return {
    file,
    owner,
    release() {
      if (released) return;
      released = true;
      // Only remove the file if it still names us (never someone else's lock).
      const now = parseLockOwner(readLockText(file) ?? '');
      if (now && now.pid === owner.pid && now.started_at === owner.started_at && now.host === owner.host) rmSync(file, { force: true });
    },
  };
}

function readLockText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Parses a lock file's content; undefined when it is not a lock we wrote. */
export function parseLockOwner(raw: string): LockOwner | undefined {
  try {
    const v = JSON.parse(raw) as Partial<LockOwner>;
    if (typeof v.pid === 'number' && Number.isInteger(v.pid) && v.pid > 0 && typeof v.host === 'string' && typeof v.started_at === 'string') {
      return { pid: v.pid, host: v.host, started_at: v.started_at, purpose: typeof v.purpose === 'string' ? v.purpose : 'maintenance' };
    }
  } catch {
    // fall through
  }
  return undefined;
}

/** A holder on another host cannot be checked, so it counts as alive (see process-owner.ts). */
function isAlive(owner: LockOwner): boolean {
  return isProcessAlive(owner.pid, owner.host);
}

/**
 * Moves the stale lock aside atomically (rename), then checks it is the one we judged stale: if
 * another process replaced it meanwhile, the fresh lock is put back (link fails if yet another
 * appeared) and we report busy instead of stealing it.
 */
function takeOverStale(file: string, staleText: string): void {
  const aside = `${file}.stale-${process.pid}`;
  try {
    renameSync(file, aside);
  } catch {
    return; // someone else took it over first; the next attempt decides
  }
  const moved = readLockText(aside);
  if (moved !== staleText) {
    try {
      linkSync(aside, file);
    } catch {
      // a third process already holds a new lock; ours goes away either way
    }
    rmSync(aside, { force: true });
    throw busyError(file, parseLockOwner(moved ?? ''));
  }
  rmSync(aside, { force: true });
}

function busyError(file: string, held: LockOwner | undefined): LuckyError {
  const who = held ? `pid ${held.pid} on ${held.host} (${held.purpose}, started ${held.started_at})` : 'another process';
  return new LuckyError('E_BUSY', `another maintenance is running: ${who} holds ${file}`, [`${file}: remove it only if that process is gone`]);
}
