/**
 * Who owns a long-running piece of work (a run, a sweep, a job): the owner is recorded as
 * `pid@host`, the same pair the maintenance lock keeps. An owner is dead when it is on this host
 * and `kill(pid, 0)` says ESRCH; an owner on another host cannot be checked and counts as alive.
 * Work this very process owns is alive only while it is registered here ({@link holdOwnership}),
 * so a second claim from the same process (the server, a test) is refused too, and work this
 * process abandoned (an exception, a closed catalog) is not mistaken for live work.
 */
import { hostname } from 'node:os';

const held = new Set<string>();

/** This process's owner tag, `pid@host`. */
export function ownerTag(): string {
  return `${process.pid}@${hostname()}`;
}

/** Splits `pid@host`; undefined for anything else. */
export function parseOwnerTag(tag: string): { pid: number; host: string } | undefined {
  const at = tag.indexOf('@');
  const pid = Number(tag.slice(0, at));
  if (at <= 0 || !Number.isInteger(pid) || pid <= 0) return undefined;
  return { pid, host: tag.slice(at + 1) };
}

/** True unless `pid` is on this host and gone (EPERM: it exists under another user). */
export function isProcessAlive(pid: number, host: string): boolean {
  if (host !== hostname()) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * True when the owner recorded for `key` (say `run:<id>`) is alive. A null or unreadable owner
 * is dead; this process is alive for `key` only while it holds it.
 */
export function isOwnerAlive(owner: string | null | undefined, key: string): boolean {
  const o = owner ? parseOwnerTag(owner) : undefined;
  if (!o) return false;
  if (o.pid === process.pid && o.host === hostname()) return held.has(key);
  return isProcessAlive(o.pid, o.host);
}

/** Marks `key` as worked on by this process (until {@link releaseOwnership}). */
export function holdOwnership(key: string): void {
  held.add(key);
}

export function releaseOwnership(key: string): void {
  held.delete(key);
}
