/**
 * Reading a results file from disk and recognising what it is: an .xlsx workbook (a zip archive)
 * or CSV text. Anything else is refused with E_DATA_INVALID before any row is looked at.
 */
import { basename, extname } from 'node:path';
import { LuckyError } from '../errors.js';
import { type ByteSource, memorySource, openFileSource } from './byte-source.js';
import { readCsvRecords } from './csv-reader.js';
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

/** The size limit as users read it, stated in every refusal. */
const LIMIT_TEXT = `${MAX_RESULTS_FILE_BYTES / 1024 / 1024} MiB`;

/** E_DATA_INVALID when `size` is over {@link MAX_RESULTS_FILE_BYTES}; the message states the limit. */
export function checkResultsFileSize(size: number, label: string): void {
  if (size > MAX_RESULTS_FILE_BYTES) {
    throw new LuckyError('E_DATA_INVALID', `${label} is ${(size / 1024 / 1024).toFixed(1)} MiB: too large for a results file (the limit is ${LIMIT_TEXT})`);
  }
}

/** Opens a results file for reading in slices: E_NOT_FOUND when missing or a directory, E_DATA_INVALID when too large. */
export function openResultsFile(file: string): ByteSource & { close(): void } {
  const source = openFileSource(file);
  try {
    checkResultsFileSize(source.size, file);
  } catch (e) {
    source.close();
    throw e;
  }
  return source;
}

/** Reads a file's bytes whole: E_NOT_FOUND when missing or a directory, E_DATA_INVALID when too large. */
export function readResultsFile(file: string): Uint8Array {
  const source = openResultsFile(file);
  try {
    return source.all();
  } finally {
    source.close();
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

export type ResultsMeta = Omit<ResultsTable, 'rows' | 'lines'>;

/**
 * Recognises the format by content (the name is only used for messages) and hands each row of
 * cells to `onRow(cells, row)` (`row`: 1-based row of the sheet or line of the CSV). A CSV is
 * streamed slice by slice; a workbook's sheet is read whole under the zip's inflate budget.
 */
export function readResultsRows(source: ByteSource, fileName: string, onRow: (cells: string[], row: number) => void): ResultsMeta {
  const label = basename(fileName);
  checkResultsFileSize(source.size, label);
  if (source.size === 0) throw new LuckyError('E_DATA_INVALID', `${label} is empty`);
  const head = source.head(64 * 1024);
  if (looksLikeZip(head)) {
    const sheet = parseXlsx(source.all(), label);
    sheet.rows.forEach((cells, i) => onRow(cells, i + 1));
    return { format: 'xlsx', sheet: sheet.name };
  }
  const ext = extname(fileName).toLowerCase();
  if (head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0) {
    throw new LuckyError('E_DATA_INVALID', `${label} is a legacy .xls workbook: save it as .xlsx or CSV and import that`);
  }
  if (ext === '.xlsx' || ext === '.xlsm') throw new LuckyError('E_DATA_INVALID', `${label} is not an .xlsx workbook (not a zip archive): is it damaged?`);
  if (looksBinary(head)) throw new LuckyError('E_DATA_INVALID', `${label} is neither an .xlsx workbook nor a CSV text file`);
  const csv = readCsvRecords(source, label, onRow);
  return { format: 'csv', encoding: csv.encoding, delimiter: csv.delimiter };
}

/** {@link readResultsRows} into a table held in memory (small files and tests). */
export function parseResultsBytes(bytes: Uint8Array, fileName: string): ResultsTable {
  const rows: string[][] = [];
  const lines: number[] = [];
  const meta = readResultsRows(memorySource(bytes), fileName, (cells, row) => {
    rows.push(cells);
    lines.push(row);
  });
  return { ...meta, rows, ...(meta.format === 'csv' ? { lines } : {}) };
}
