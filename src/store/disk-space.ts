/**
 * Free space under the data dir, for `/health` and `maintain`: a data dir with less than the
 * configured minimum (`disk_min_free_mb`) is "low", with none left "full". `statfs` is one
 * system call, cheap enough for every health check.
 */
import { statfsSync } from 'node:fs';

export interface DiskSpace {
  status: 'ok' | 'low' | 'full';
  /** bytes an unprivileged writer may still use; null when the file system cannot tell */
  free_bytes: number | null;
  /** the configured threshold */
  min_free_bytes: number;
}

/** Below this, SQLite cannot even grow its WAL by a page or two: the disk counts as full. */
const FULL_BELOW_BYTES = 64 * 1024;

export function readDiskSpace(dir: string, minFreeBytes: number): DiskSpace {
  const usage = readDiskUsage(dir);
  if (!usage) return { status: 'ok', free_bytes: null, min_free_bytes: minFreeBytes };
  const free = usage.free_bytes;
  const status = free < FULL_BELOW_BYTES ? 'full' : free < minFreeBytes ? 'low' : 'ok';
  return { status, free_bytes: free, min_free_bytes: minFreeBytes };
}

/**
 * The file system under `dir`: bytes an unprivileged writer may still use and its whole size
 * (`/metrics`); undefined when it cannot tell.
 */
export function readDiskUsage(dir: string): { free_bytes: number; size_bytes: number } | undefined {
  try {
    const s = statfsSync(dir);
    return { free_bytes: s.bavail * s.bsize, size_bytes: s.blocks * s.bsize };
  } catch {
    return undefined;
  }
}

/** `disk_min_free_mb` in bytes. */
export const mebibytes = (mb: number): number => mb * 1024 * 1024;
