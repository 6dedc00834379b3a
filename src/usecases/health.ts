/**
 * The health document of `GET /health`: each database answers a trivial query, the data dir has
 * at least `disk_min_free_mb` free, and no request met a full disk or a damaged database lately.
 */
import { type DiskSpace, mebibytes, readDiskSpace } from '../store/disk-space.js';
import { answersQuery } from '../store/sqlite.js';
import type { UseCaseDeps } from './deps.js';

export interface HealthDoc {
  status: 'ok' | 'unhealthy';
  version: string;
  uptime_seconds: number;
  databases: Record<string, 'ok' | 'error'>;
  disk: DiskSpace;
  last_fault: { code: string; message: string; at: string } | null;
}

/** What the process knows about itself: its version, when it started, the last storage fault it met (if recent). */
export interface HealthInput {
  version: string;
  startedAtMs: number;
  lastFault: { code: string; message: string; at_ms: number } | undefined;
}

/**
 * Checks the catalog, the free space under the data dir and the last storage fault. Refuses
 * nothing: a failed check makes `status` "unhealthy" (the server answers 503 with the same body).
 * Returns the {@link HealthDoc}.
 */
export function readHealth(deps: Pick<UseCaseDeps, 'catalog' | 'config' | 'clock'>, input: HealthInput): HealthDoc {
  const databases = { catalog: answersQuery(deps.catalog.db) ? ('ok' as const) : ('error' as const) };
  const disk = readDiskSpace(deps.config.data_dir, mebibytes(deps.config.disk_min_free_mb));
  const fault = input.lastFault;
  const healthy = Object.values(databases).every((s) => s === 'ok') && disk.status === 'ok' && fault === undefined;
  return {
    status: healthy ? 'ok' : 'unhealthy',
    version: input.version,
    uptime_seconds: Math.floor((Date.parse(deps.clock.now) - input.startedAtMs) / 1000),
    databases,
    disk,
    last_fault: fault ? { code: fault.code, message: fault.message, at: new Date(fault.at_ms).toISOString() } : null,
  };
}
