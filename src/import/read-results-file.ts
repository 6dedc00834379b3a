/**
 * Reading a results file from disk and recognising what it is: an .xlsx workbook (a zip archive)
 * or CSV text. Anything else is refused with E_DATA_INVALID before any row is looked at.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { LuckyError } from '../errors.js';
import { parseCsv } from './csv-reader.js';
import { parseXlsx } from './xlsx-reader.js';
import { looksLikeZip } from './zip-parts.js';

/** Results files are a few MB; anything past this is not one. */
export const MAX_RESULTS_FILE_BYTES = 200 * 1024 * 1024;

export type ResultsFormat = 'xlsx' | 'csv';

export interface ResultsTable {
  format: ResultsFormat;
  rows: string[][];
  /** 1-based row/line number of rows[i] in the file */
  lines?: number[];
  /** CSV only */
  encoding?: string;
  delimiter?: string;
  /** xlsx only */
  sheet?: string;
}

/** Reads a file's bytes: E_NOT_FOUND when missing or a directory, E_DATA_INVALID when too large. */
export function readResultsFile(file: string): Uint8Array {
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new LuckyError('E_NOT_FOUND', `${file} is not a file`);
    size = st.size;
  } catch (e) {
    if (e instanceof LuckyError) throw e;
    throw new LuckyError('E_NOT_FOUND', `no such file: ${file}`, [], { cause: e });
  }
  if (size > MAX_RESULTS_FILE_BYTES) {
    throw new LuckyError('E_DATA_INVALID', `${file} is ${Math.round(size / 1024 / 1024)} MiB: too large for a results file`);
  }
  try {
    return readFileSync(file);
  } catch (e) {
    throw new LuckyError('E_NOT_FOUND', `cannot read ${file}: ${(e as Error).message}`, [], { cause: e });
  }
}

/** Control bytes other than tab, newlines and form feed: the mark of a binary file. */
function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 64 * 1024);
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (b < 0x09 || (b > 0x0d && b < 0x20) || b === 0x7f) return true;
  }
  return false;
}

/** Recognises the format by content (the name is only used for messages) and reads its cells. */
export function parseResultsBytes(bytes: Uint8Array, fileName: string): ResultsTable {
  const label = basename(fileName);
  if (bytes.length === 0) throw new LuckyError('E_DATA_INVALID', `${label} is empty`);
  if (looksLikeZip(bytes)) {
    const sheet = parseXlsx(bytes, label);
    return { format: 'xlsx', rows: sheet.rows, sheet: sheet.name };
  }
  const ext = extname(fileName).toLowerCase();
  if (bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0) {
    throw new LuckyError('E_DATA_INVALID', `${label} is a legacy .xls workbook: save it as .xlsx or CSV and import that`);
  }
  if (ext === '.xlsx' || ext === '.xlsm') throw new LuckyError('E_DATA_INVALID', `${label} is not an .xlsx workbook (not a zip archive): is it damaged?`);
  if (looksBinary(bytes)) throw new LuckyError('E_DATA_INVALID', `${label} is neither an .xlsx workbook nor a CSV text file`);
  const csv = parseCsv(bytes, label);
  return { format: 'csv', rows: csv.rows, lines: csv.lines, encoding: csv.encoding, delimiter: csv.delimiter };
}
