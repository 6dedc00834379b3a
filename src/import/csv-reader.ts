/**
 * CSV as results sites and spreadsheet tools write it: `,` or `;` (or tab) separators, quoted
 * fields with `""` escapes and line breaks inside quotes, CRLF or LF, UTF-8 with or without a
 * byte-order mark, or Latin-1 (older Caixa exports). Returns raw cell text.
 */
import { LuckyError } from '../errors.js';

export type CsvEncoding = 'utf-8' | 'latin1';
export type CsvDelimiter = ',' | ';' | '\t';

export interface CsvTable {
  rows: string[][];
  /** lines[i] is the 1-based line where rows[i] starts (a quoted field may span lines) */
  lines: number[];
  delimiter: CsvDelimiter;
  encoding: CsvEncoding;
}

/**
 * Decodes CSV bytes: UTF-8 (a BOM is dropped) when they are valid UTF-8, else Latin-1 — invalid
 * UTF-8 is the reliable sign of a Latin-1 file, since Latin-1 accents are lone high bytes.
 */
export function decodeCsvBytes(bytes: Uint8Array): { text: string; encoding: CsvEncoding } {
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(body), encoding: 'utf-8' };
  } catch {
    return { text: Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1'), encoding: 'latin1' };
  }
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

/** Parses CSV bytes. Throws E_DATA_INVALID on an unterminated quoted field. */
export function parseCsv(bytes: Uint8Array, label = 'CSV file'): CsvTable {
  const { text, encoding } = decodeCsvBytes(bytes);
  const delimiter = detectDelimiter(text);
  const rows: string[][] = [];
  const lines: number[] = [];
  let row: string[] = [];
  let field = '';
  let line = 1;
  let rowLine = 1;
  let quoted = false;
  let quoteLine = 0;
  // true once the current row has any content (so a trailing newline adds no empty row)
  let started = false;
  const endRow = () => {
    row.push(field);
    rows.push(row);
    lines.push(rowLine);
    row = [];
    field = '';
    started = false;
  };
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const ch = text[i]!;
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
      row.push(field);
      field = '';
      started = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      if (started || field !== '') endRow();
      else {
        // a blank line: keep it as an empty row so row numbers stay true
        rows.push([]);
        lines.push(rowLine);
      }
      line++;
      rowLine = line;
    } else {
      field += ch;
      started = true;
    }
  }
  if (quoted) throw new LuckyError('E_DATA_INVALID', `${label}: a quoted field opened on line ${quoteLine} is never closed`);
  if (started || field !== '') endRow();
  return { rows, lines, delimiter, encoding };
}
