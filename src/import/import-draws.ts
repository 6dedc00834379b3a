/**
 * The import service: a results file's bytes -> draws in the catalog, in ONE immediate
 * transaction, so an import lands whole or not at all. New contests are inserted; identical ones
 * are counted as unchanged; different ones are conflicts, left alone unless `replace`. Real data
 * always wins over the bundled synthetic sample: importing a real file deletes the sample rows in
 * the same transaction.
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { Draw } from '../core/draw.js';
import { LuckyError } from '../errors.js';
import { countDrawsBySource, createDrawWriter, deleteSyntheticDraws, listDraws, readDrawBounds, readGaps } from '../store/draws-repo.js';
import { finishImportRow, insertImportRow, readLastImportOf } from '../store/imports-repo.js';
import { type Db, inImmediateTransaction, wrapSqliteError } from '../store/sqlite.js';
import { diffDraws, mergeAbsentFields } from './draw-diff.js';
import { type ByteSource, memorySource } from './byte-source.js';
import { type Correction, type DateInversion, type ParsedRows, type RejectedRow, createDrawRowParser } from './parse-rows.js';
import { type ResultsFormat, readResultsRows } from './read-results-file.js';
import { looksLikeZip } from './zip-parts.js';

/** Written to `imports.parser_version`; bump when parsing rules change what a file means. */
export const PARSER_VERSION = 'luckyfive-import/1';

export interface ImportOptions {
  /** the file's name as the user gave it (reported, and its base name stored) */
  fileName: string;
  /** overwrite stored contests whose values differ */
  replace?: boolean;
  /** validate and report; write nothing */
  dryRun?: boolean;
  /** rows are the synthetic sample, not official results */
  synthetic?: boolean;
  /** `draws.source`; default `file:<base name>` */
  source?: string;
  /** injectable clock for imported_at */
  now?: () => Date;
}

export interface ImportConflict {
  contest: number;
  fields: string[];
  stored: Record<string, unknown>;
  incoming: Record<string, unknown>;
  /** `kept`: stored values left alone; `replaced`: overwritten (--replace) */
  action: 'kept' | 'replaced';
}

/** The stable JSON result of an import (snake_case). */
export interface ImportResult {
  file: string;
  format: ResultsFormat;
  sha256: string;
  rows_read: number;
  inserted: number;
  unchanged: number;
  replaced: number;
  conflicts: ImportConflict[];
  rejected: RejectedRow[];
  corrections: Correction[];
  /** contests of the file dated before the contest below them: reported, not refused (the first 100) */
  date_inversions: DateInversion[];
  date_inversions_total: number;
  removed_synthetic: number;
  /** contest range and draw count of the catalog after the import */
  first_contest: number | null;
  last_contest: number | null;
  catalog_draws: number;
  gaps: Array<{ from: number; to: number }>;
  dry_run: boolean;
  synthetic: boolean;
  /** when a file with the same sha256 was imported before (finished_at of the latest), else null */
  already_imported_at: string | null;
  /** the `imports` row written (null on a dry run) */
  import_id: number | null;
}

/** Thrown inside the transaction to roll a dry run back after computing its exact result. */
class DryRunRollback extends Error {
  constructor(readonly result: ImportResult) {
    super('dry run: rolled back');
  }
}

/** A results file parsed, before any database work: what a pool thread hands back to the server. */
export interface ParsedImport {
  format: ResultsFormat;
  sha256: string;
  parsed: ParsedRows;
}

/** Today's date (UTC) from the import's clock: later draw dates are refused. */
export function importToday(options: Pick<ImportOptions, 'now'>): string {
  return (options.now ?? (() => new Date()))().toISOString().slice(0, 10);
}

/** Parses a file fully (no database), throwing E_DATA_INVALID when it is unusable. */
export function parseImportSource(source: ByteSource, options: ImportOptions & { today?: string }): ParsedImport {
  const name = basename(options.fileName);
  const hash = createHash('sha256');
  for (const slice of source.slices()) hash.update(slice);
  const sha256 = hash.digest('hex');
  // the parser is made once the format is known (only workbooks carry Excel date serials)
  let parser: ReturnType<typeof createDrawRowParser> | undefined;
  let format: ResultsFormat | undefined;
  const parserFor = (f: ResultsFormat) =>
    createDrawRowParser({
      source: options.source ?? `file:${name}`,
      synthetic: options.synthetic === true,
      excelSerialDates: f === 'xlsx',
      strictWidth: f === 'csv',
      today: options.today ?? importToday(options),
      label: name,
    });
  const meta = readResultsRows(source, options.fileName, (cells, row) => {
    // readResultsRows knows the format before the first row: sniff it the same way
    format ??= looksLikeZip(source.head(4)) ? 'xlsx' : 'csv';
    parser ??= parserFor(format);
    parser.push(cells, row);
  });
  parser ??= parserFor(meta.format);
  const parsed = parser.finish();
  if (parsed.draws.length === 0) {
    const why = parsed.rejected.slice(0, 5).map((r) => `row ${r.row}: ${r.reason}`);
    throw new LuckyError(
      'E_DATA_INVALID',
      parsed.rowsRead === 0 ? `${name} has a header but no draws` : `${name}: none of its ${parsed.rowsRead} rows is a valid draw`,
      why,
    );
  }
  return { format: meta.format, sha256, parsed };
}

/** {@link parseImportSource} over bytes in memory. */
export function parseImportBytes(bytes: Uint8Array, options: ImportOptions & { today?: string }): ParsedImport {
  return parseImportSource(memorySource(bytes), options);
}

/**
 * Imports a results file's bytes into the catalog. Everything is parsed before the transaction
 * starts; the transaction is `BEGIN IMMEDIATE`, so a concurrent writer fails fast with E_BUSY
 * instead of deadlocking halfway.
 */
export function importDraws(db: Db, bytes: Uint8Array, options: ImportOptions): ImportResult {
  return writeImport(db, parseImportBytes(bytes, options), options);
}

/** Writes a parsed file into the catalog in one immediate transaction (see {@link importDraws}). */
export function writeImport(db: Db, file: ParsedImport, options: ImportOptions): ImportResult {
  const { format, parsed, sha256 } = file;
  const now = options.now ?? (() => new Date());
  const synthetic = options.synthetic === true;
  const startedAt = now().toISOString();

  const run = (): ImportResult => {
    const previous = readLastImportOf(db, sha256);
    const counts = countDrawsBySource(db);
    if (synthetic && counts.total > counts.synthetic) {
      throw new LuckyError(
        'E_CONFLICT',
        `the catalog holds ${counts.total - counts.synthetic} real draws: the synthetic sample is only loaded into a catalog without real draws`,
      );
    }
    const removedSynthetic = synthetic ? 0 : deleteSyntheticDraws(db);
    const stored = new Map(listDraws(db).map((d) => [d.contest, d]));

    const importId = insertImportRow(db, {
      file_name: basename(options.fileName),
      sha256,
      format,
      parser_version: PARSER_VERSION,
      synthetic,
      started_at: startedAt,
    });
    const upsert = createDrawWriter(db);
    const importedAt = now().toISOString();
    const write = (d: Draw, raw: string) => upsert(d, importId, importedAt, raw);

    let inserted = 0;
    let unchanged = 0;
    let replaced = 0;
    const conflicts: ImportConflict[] = [];
    for (const { draw, raw } of parsed.draws) {
      const old = stored.get(draw.contest);
      if (!old) {
        write(draw, raw);
        inserted++;
        continue;
      }
      const diff = diffDraws(old, draw, parsed.present);
      if (!diff) {
        unchanged++;
        continue;
      }
      conflicts.push({ contest: draw.contest, ...diff, action: options.replace ? 'replaced' : 'kept' });
      if (options.replace) {
        write(mergeAbsentFields(old, draw, parsed.present), raw);
        replaced++;
      }
    }

    let fileFirst = Infinity;
    let fileLast = -Infinity;
    for (const p of parsed.draws) {
      fileFirst = Math.min(fileFirst, p.draw.contest);
      fileLast = Math.max(fileLast, p.draw.contest);
    }
    finishImportRow(db, importId, {
      rows_read: parsed.rowsRead,
      inserted,
      unchanged,
      replaced,
      conflicts: conflicts.length,
      rejected: parsed.rejected.length,
      first_contest: fileFirst,
      last_contest: fileLast,
      finished_at: now().toISOString(),
    });
    const bounds = readDrawBounds(db);
    const result: ImportResult = {
      file: options.fileName,
      format,
      sha256,
      rows_read: parsed.rowsRead,
      inserted,
      unchanged,
      replaced,
      conflicts,
      rejected: parsed.rejected,
      corrections: parsed.corrections,
      date_inversions: parsed.date_inversions.items,
      date_inversions_total: parsed.date_inversions.total,
      removed_synthetic: removedSynthetic,
      first_contest: bounds.first_contest,
      last_contest: bounds.last_contest,
      catalog_draws: bounds.count,
      gaps: readGaps(db),
      dry_run: options.dryRun === true,
      synthetic,
      already_imported_at: previous ?? null,
      import_id: options.dryRun ? null : importId,
    };
    // A dry run computes the exact outcome inside the transaction, then rolls it all back.
    if (options.dryRun) throw new DryRunRollback(result);
    return result;
  };

  try {
    return inImmediateTransaction(db, run);
  } catch (e) {
    if (e instanceof DryRunRollback) return e.result;
    if (e instanceof LuckyError) throw e;
    throw wrapSqliteError(e, 'the catalog');
  }
}
