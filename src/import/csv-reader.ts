/**
 * CSV as results sites and spreadsheet tools write it: `,` or `;` (or tab) separators, quoted
 * fields with `""` escapes and line breaks inside quotes, CRLF or LF, UTF-8 with or without a
 * byte-order mark, or Latin-1 (older Caixa exports). Returns raw cell text.
 */
import { LuckyError } from '../errors.js';
import { type ByteSource, memorySource } from './byte-source.js';

export type CsvEncoding = 'utf-8' | 'latin1';
export type CsvDelimiter = ',' | ';' | '\t';

export interface CsvTable {
  rows: string[][];
  /** lines[i] is the 1-based line where rows[i] starts (a quoted field may span lines) */
  lines: number[];
  delimiter: CsvDelimiter;
  encoding: CsvEncoding;
}

/** The separator used most on the first line, outside quotes (`,` when none appears). */
export function detectDelimiter(text: string): CsvDelimiter {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) counts[ch]++;
  }
  if (counts[';'] > counts[','] && counts[';'] >= counts['\t']) return ';';
  if (counts['\t'] > counts[','] && counts['\t'] > counts[';']) return '\t';
  return ',';
}

/** A record longer than this is not a results file's (the longest line of the operator's file has 397 characters). */
export const MAX_CSV_RECORD_CHARS = 65_536;
/** A record with more fields than this is not a results file's (the operator's has 21 columns). */
export const MAX_CSV_FIELDS = 1_000;

/** True when the source's bytes are valid UTF-8 (a byte-order mark included), read slice by slice. */
function sourceIsUtf8(source: ByteSource): boolean {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for (const slice of source.slices()) decoder.decode(slice, { stream: true });
    decoder.decode();
    return true;
  } catch {
    return false;
  }
}

/** The source's text, slice by slice: UTF-8 when valid (a BOM is dropped), else Latin-1. */
function* decodedSlices(source: ByteSource, encoding: CsvEncoding): Generator<string> {
  if (encoding === 'utf-8') {
    const decoder = new TextDecoder('utf-8'); // drops a leading BOM
    for (const slice of source.slices()) yield decoder.decode(slice, { stream: true });
    yield decoder.decode();
    return;
  }
  const head = source.head(3);
  let skip = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  for (const slice of source.slices()) {
    const body = skip ? slice.subarray(Math.min(skip, slice.length)) : slice;
    skip = Math.max(0, skip - slice.length);
    yield Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1');
  }
}

/**
 * Streams the records of CSV bytes to `onRecord(cells, line)`, `line` being the 1-based line
 * where the record starts; a blank line is an empty record, so line numbers stay true. Never
 * holds more than one slice of text and one record. Throws E_DATA_INVALID on an unterminated
 * quoted field, a record over {@link MAX_CSV_RECORD_CHARS} characters or over
 * {@link MAX_CSV_FIELDS} fields.
 */
export function readCsvRecords(
  source: ByteSource,
  label: string,
  onRecord: (cells: string[], line: number) => void,
): { delimiter: CsvDelimiter; encoding: CsvEncoding } {
  const encoding: CsvEncoding = sourceIsUtf8(source) ? 'utf-8' : 'latin1';
  let delimiter: CsvDelimiter | undefined;
  let row: string[] = [];
  let field = '';
  let line = 1;
  let rowLine = 1;
  let quoted = false;
  let quoteLine = 0;
  // true once the current row has any content (so a trailing newline adds no empty row)
  let started = false;
  let carry = '';
  let recordChars = 0;
  const refuse = (why: string) => new LuckyError('E_DATA_INVALID', `${label}: line ${rowLine}: ${why}: not a results file`);
  const pushField = () => {
    if (row.length >= MAX_CSV_FIELDS) throw refuse(`more than ${MAX_CSV_FIELDS.toLocaleString('en')} fields`);
    row.push(field);
    field = '';
  };
  const endRow = () => {
    pushField();
    onRecord(row, rowLine);
    row = [];
    started = false;
    recordChars = 0;
  };
  const feed = (chunk: string, final: boolean) => {
    const text = carry + chunk;
    carry = '';
    delimiter ??= detectDelimiter(text);
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const ch = text[i]!;
      // '"' and '\r' look at the next character: keep a last one for the next slice
      if (i === n - 1 && !final && (ch === '\r' || (quoted && ch === '"'))) {
        carry = ch;
        break;
      }
      if (++recordChars > MAX_CSV_RECORD_CHARS) throw refuse(`a record longer than ${MAX_CSV_RECORD_CHARS.toLocaleString('en')} characters`);
      if (quoted) {
        if (ch === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i++;
          } else quoted = false;
        } else {
          if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) line++;
          field += ch;
        }
        continue;
      }
      if (ch === '"' && field.trim() === '') {
        // a quote opens a quoted field only at its start (spaces before it are dropped)
        quoted = true;
        quoteLine = line;
        field = '';
        started = true;
      } else if (ch === delimiter) {
        pushField();
        started = true;
      } else if (ch === '\n' || ch === '\r') {
        if (ch === '\r' && text[i + 1] === '\n') i++;
        if (started || field !== '') endRow();
        else onRecord([], rowLine); // a blank line: an empty record, so row numbers stay true
        line++;
        rowLine = line;
      } else {
        field += ch;
        started = true;
      }
    }
  };
  let pending: string | undefined;
  for (const text of decodedSlices(source, encoding)) {
    if (pending !== undefined) feed(pending, false);
    pending = text;
  }
  feed(pending ?? '', true);
  if (quoted) throw new LuckyError('E_DATA_INVALID', `${label}: a quoted field opened on line ${quoteLine} is never closed`);
  if (started || field !== '') endRow();
  return { delimiter: delimiter ?? ',', encoding };
}

/** Parses CSV bytes held in memory into rows (small files and tests; imports stream with {@link readCsvRecords}). */
export function parseCsv(bytes: Uint8Array, label = 'CSV file'): CsvTable {
  const rows: string[][] = [];
  const lines: number[] = [];
  const info = readCsvRecords(memorySource(bytes), label, (cells, line) => {
    rows.push(cells);
    lines.push(line);
  });
  return { rows, lines, ...info };
}
