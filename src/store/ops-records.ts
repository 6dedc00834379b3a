/**
 * Operational records a running server reports on `/metrics`: when the last successful backup
 * finished (`maintain backup`) and what the last ledger check found (`ledger check`). One small
 * JSON file each under `<data_dir>/ops/`, written whole (a temporary file renamed over the old
 * one), so a scrape reads it without SQL, without a lock and without changing the catalog (whose
 * digest a backup, a restore and a deploy compare). A restore moves the catalog and the runs
 * only: these records stay, as they describe the data dir, not one copy of the data.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PRIVATE_FILE_MODE, makePrivateDir } from './private-files.js';

/** The folder of the records, inside the data dir. */
export const OPS_DIR = 'ops';

/** What is recorded: `backup` (the last successful backup), `ledger-check` (the last ledger check, sound or not). */
export type OpsRecordKind = 'backup' | 'ledger-check';

export interface OpsRecord {
  /** when it finished (ISO timestamp) */
  at: string;
  /** a backup: always true (only successful ones are recorded); a ledger check: the books were sound */
  ok: boolean;
  /** a backup's folder, a check's problem count: for a person reading the file */
  detail?: string;
}

const fileOf = (dataDir: string, kind: OpsRecordKind) => join(dataDir, OPS_DIR, `${kind}.json`);

/** Writes the record of `kind` (replacing the previous one whole); throws the file system's error. */
export function writeOpsRecord(dataDir: string, kind: OpsRecordKind, record: OpsRecord): void {
  makePrivateDir(join(dataDir, OPS_DIR));
  const file = fileOf(dataDir, kind);
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, `${JSON.stringify(record)}\n`, { mode: PRIVATE_FILE_MODE });
  renameSync(partial, file);
}

/** The record of `kind`, or undefined when there is none (or it is not one: a scrape never fails on it). */
export function readOpsRecord(dataDir: string, kind: OpsRecordKind): OpsRecord | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(fileOf(dataDir, kind), 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { at, ok, detail } = parsed as Record<string, unknown>;
  if (typeof at !== 'string' || Number.isNaN(Date.parse(at)) || typeof ok !== 'boolean') return undefined;
  return { at, ok, ...(typeof detail === 'string' ? { detail } : {}) };
}
