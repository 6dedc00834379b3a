/**
 * What `/metrics` reports about the data dir for the alert rules, read at every scrape and cheap
 * (two small files and one `statfs`): when the last successful backup finished, what the last
 * `ledger check` found and when, and the free and total bytes of the data dir's file system.
 * The checks themselves run elsewhere (`maintain backup`, `ledger check`) and record their result.
 */
import { readDiskUsage } from '../store/disk-space.js';
import { readOpsRecord } from '../store/ops-records.js';
import type { UseCaseDeps } from './deps.js';

export interface OpsStatus {
  /** seconds since the epoch of the last successful backup; undefined when none was recorded */
  last_backup_at: number | undefined;
  /** the last ledger check: sound or not, and when (seconds since the epoch); undefined when none was recorded */
  ledger_check: { ok: boolean; at: number } | undefined;
  /** the data dir's file system; undefined when it cannot tell */
  disk: { free_bytes: number; size_bytes: number } | undefined;
}

const seconds = (iso: string) => Date.parse(iso) / 1000;

/**
 * Reads the recorded backup and ledger-check results and the disk under `data_dir`. Refuses
 * nothing: what is missing or unreadable is undefined. Returns the {@link OpsStatus}.
 */
export function readOpsStatus(deps: Pick<UseCaseDeps, 'config'>): OpsStatus {
  const dir = deps.config.data_dir;
  const backup = readOpsRecord(dir, 'backup');
  const check = readOpsRecord(dir, 'ledger-check');
  return {
    last_backup_at: backup ? seconds(backup.at) : undefined,
    ledger_check: check ? { ok: check.ok, at: seconds(check.at) } : undefined,
    disk: readDiskUsage(dir),
  };
}
