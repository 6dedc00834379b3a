/**
 * A small reader for the operator's results workbook (and ordinary .xlsx files): fflate inflates
 * only the parts it needs (package and workbook relationships, workbook, first sheet, shared
 * strings) under one size budget (`zip-parts.ts`), saxes streams the XML. Common readers fail on the operator's file
 * (FACTS.md, "Workbook quirks"), so this one:
 * - ignores namespace prefixes (`x:row` is `row`);
 * - ignores `<dimension>` (it claims A1:U1 on a 6,883-row sheet);
 * - places rows and cells by order when they carry no `r=` attribute, and honours `r=` when present;
 * - resolves shared strings, inline strings (`t="inlineStr"`), formula strings (`t="str"`) and numbers;
 * - ignores extra zip entries such as `[trash]/*.dat`, and refuses damaged parts (`zip-parts.ts`).
 * It returns raw cell text; deciding what the text means is the job of `parse-rows.ts`.
 */
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { LuckyError } from '../errors.js';
import { looksLikeZip, openZipParts } from './zip-parts.js';

export interface XlsxSheet {
  /** sheet name from workbook.xml, or the part name when there is no workbook.xml */
  name: string;
  /** rows[i] is sheet row i+1; missing rows (by `r=`) are empty arrays, missing cells are '' */
  rows: string[][];
}

/**
 * Parses the first worksheet of an .xlsx file into raw cell text.
 * Throws E_DATA_INVALID when the bytes are not a readable workbook.
 */
export function parseXlsx(bytes: Uint8Array, label = 'workbook'): XlsxSheet {
  if (!looksLikeZip(bytes)) throw new LuckyError('E_DATA_INVALID', `${label} is not an .xlsx workbook (not a zip archive)`);
  const zip = openZipParts(bytes, label);
  // Each part is inflated once, when first asked for: only these few are ever inflated.
  const texts = new Map<string, string | undefined>();
  const text = (name: string): string | undefined => {
    if (!texts.has(name)) {
      const p = name.startsWith('[trash]/') ? undefined : zip.read(name);
      texts.set(name, p ? decodeXml(p) : undefined);
    }
    return texts.get(name);
  };
  const { name, path } = findFirstSheet(text, [...zip.names], label);
  const sheetXml = text(path);
  if (sheetXml === undefined) throw new LuckyError('E_DATA_INVALID', `${label} has no worksheet part ${path}`);
  const shared = parseSharedStrings(text(findSharedStringsPath(text) ?? 'xl/sharedStrings.xml'), label);
  return { name, rows: parseSheetXml(sheetXml, shared, label) };
}

function decodeXml(bytes: Uint8Array): string {
  // UTF-16 parts start with a byte-order mark; everything else spreadsheet tools write is UTF-8.
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  return new TextDecoder('utf-8').decode(bytes);
}

/** `x:row` -> `row`. */
function local(name: string): string {
  const i = name.indexOf(':');
  return i < 0 ? name : name.slice(i + 1);
}

/** An attribute by local name, whatever its prefix (`r:id` for `id`); an exact unprefixed match wins. */
function attr(tag: SaxesTagPlain, name: string, allowPrefixed = false): string | undefined {
  const exact = tag.attributes[name];
  if (exact !== undefined || !allowPrefixed) return exact;
  for (const [k, v] of Object.entries(tag.attributes)) if (local(k) === name && k.includes(':')) return v;
  return undefined;
}

/** Runs saxes over `xml`, turning its errors into E_DATA_INVALID. */
function walkXml(
  xml: string,
  label: string,
  handlers: { open?: (t: SaxesTagPlain) => void; close?: (t: SaxesTagPlain) => void; text?: (s: string) => void },
): void {
  const parser = new SaxesParser<{ xmlns: false; position: false }>({ xmlns: false, position: false });
  if (handlers.open) parser.on('opentag', handlers.open);
  if (handlers.close) parser.on('closetag', handlers.close);
  if (handlers.text) {
    parser.on('text', handlers.text);
    parser.on('cdata', handlers.text);
  }
  try {
    parser.write(xml).close();
  } catch (e) {
    if (e instanceof LuckyError) throw e;
    throw new LuckyError('E_DATA_INVALID', `${label} holds malformed XML`, [`xml: ${(e as Error).message}`], { cause: e });
  }
}

interface Rel {
  type: string;
  target: string;
}

function parseRels(xml: string | undefined, label: string): Map<string, Rel> {
  const rels = new Map<string, Rel>();
  if (xml === undefined) return rels;
  walkXml(xml, label, {
    open: (t) => {
      if (local(t.name) !== 'Relationship') return;
      const id = attr(t, 'Id');
      const target = attr(t, 'Target');
      if (id !== undefined && target !== undefined) rels.set(id, { type: attr(t, 'Type') ?? '', target });
    },
  });
  return rels;
}

/** Resolves a relationship target against the folder of the part that owns it. */
function resolveTarget(baseDir: string, target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const out = baseDir ? baseDir.split('/') : [];
  for (const seg of target.split('/')) {
    if (seg === '..') out.pop();
    else if (seg !== '.' && seg !== '') out.push(seg);
  }
  return out.join('/');
}

function workbookPath(text: (n: string) => string | undefined, label: string): string {
  for (const rel of parseRels(text('_rels/.rels'), label).values()) {
    if (rel.type.endsWith('/officeDocument')) return resolveTarget('', rel.target);
  }
  return 'xl/workbook.xml';
}

/** The first sheet listed in workbook.xml (via its relationship), else the first worksheet part. */
function findFirstSheet(text: (n: string) => string | undefined, names: string[], label: string): { name: string; path: string } {
  const wbPath = workbookPath(text, label);
  const wbXml = text(wbPath);
  if (wbXml !== undefined) {
    const dir = wbPath.includes('/') ? wbPath.slice(0, wbPath.lastIndexOf('/')) : '';
    const relsPath = `${dir ? `${dir}/` : ''}_rels/${wbPath.slice(wbPath.lastIndexOf('/') + 1)}.rels`;
    const rels = parseRels(text(relsPath), label);
    let first: { name: string; id: string | undefined } | undefined;
    walkXml(wbXml, label, {
      open: (t) => {
        if (first === undefined && local(t.name) === 'sheet') first = { name: attr(t, 'name') ?? 'sheet1', id: attr(t, 'id', true) };
      },
    });
    const rel = first?.id !== undefined ? rels.get(first.id) : undefined;
    if (first && rel) return { name: first.name, path: resolveTarget(dir, rel.target) };
  }
  const sheets = names.filter((n) => /^xl\/worksheets\/[^/]+\.xml$/i.test(n)).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  if (!sheets[0]) throw new LuckyError('E_DATA_INVALID', `${label} is a zip archive but holds no worksheet`, [`parts: ${names.slice(0, 12).join(', ')}`]);
  return { name: sheets[0].replace(/^.*\/|\.xml$/g, ''), path: sheets[0] };
}

function findSharedStringsPath(text: (n: string) => string | undefined): string | undefined {
  for (const rel of parseRels(text('xl/_rels/workbook.xml.rels'), 'workbook rels').values()) {
    if (rel.type.endsWith('/sharedStrings')) return resolveTarget('xl', rel.target);
  }
  return undefined;
}

/** `<si>` items; rich text runs are concatenated, phonetic hints (`rPh`) skipped. */
function parseSharedStrings(xml: string | undefined, label: string): string[] {
  const out: string[] = [];
  if (xml === undefined) return out;
  let current: string | undefined;
  let inT = false;
  let inPhonetic = false;
  walkXml(xml, label, {
    open: (t) => {
      const n = local(t.name);
      if (n === 'si') current = '';
      else if (n === 't') inT = true;
      else if (n === 'rPh') inPhonetic = true;
    },
    close: (t) => {
      const n = local(t.name);
      if (n === 'si') {
        out.push(current ?? '');
        current = undefined;
      } else if (n === 't') inT = false;
      else if (n === 'rPh') inPhonetic = false;
    },
    text: (s) => {
      if (inT && !inPhonetic && current !== undefined) current += s;
    },
  });
  return out;
}

/** Column letters of an A1 reference -> 0-based index (`C7` -> 2); undefined when malformed. */
export function columnIndex(ref: string): number | undefined {
  const m = /^([A-Za-z]{1,3})\d*$/.exec(ref);
  if (!m) return undefined;
  let n = 0;
  for (const ch of m[1]!.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

function rowIndex(ref: string | undefined): number | undefined {
  if (ref === undefined || !/^\d+$/.test(ref)) return undefined;
  const n = Number(ref);
  return n >= 1 ? n - 1 : undefined;
}

/** The cell grid of one worksheet part. */
export function parseSheetXml(xml: string, shared: readonly string[], label = 'worksheet'): string[][] {
  const rows: string[][] = [];
  let row: string[] | undefined;
  let nextRow = 0;
  let thisRow = 0;
  let nextCol = 0;
  let cell: { col: number; type: string; text: string } | undefined;
  // Which element's text belongs to the cell: <v>, or <t> inside <is> (inline strings).
  let capture = false;
  let inInline = false;

  walkXml(xml, label, {
    open: (t) => {
      switch (local(t.name)) {
        case 'row':
          thisRow = rowIndex(attr(t, 'r')) ?? nextRow;
          row = [];
          nextCol = 0;
          break;
        case 'c': {
          const ref = attr(t, 'r');
          const col = (ref !== undefined ? columnIndex(ref) : undefined) ?? nextCol;
          cell = { col, type: attr(t, 't') ?? 'n', text: '' };
          break;
        }
        case 'v':
          capture = cell !== undefined && !inInline;
          break;
        case 'is':
          inInline = true;
          break;
        case 't':
          capture = cell !== undefined && inInline;
          break;
        case 'rPh':
          // phonetic hints inside an inline string are not part of its text
          capture = false;
          inInline = false;
          break;
      }
    },
    close: (t) => {
      switch (local(t.name)) {
        case 'v':
        case 't':
          capture = false;
          break;
        case 'is':
          inInline = false;
          break;
        case 'c':
          if (cell && row) {
            row[cell.col] = cellText(cell.type, cell.text, shared);
            nextCol = cell.col + 1;
          }
          cell = undefined;
          break;
        case 'row':
          if (row) {
            for (let i = 0; i < row.length; i++) row[i] ??= '';
            while (rows.length < thisRow) rows.push([]);
            rows[thisRow] = row;
          }
          row = undefined;
          nextRow = thisRow + 1;
          break;
      }
    },
    text: (s) => {
      if (capture && cell) cell.text += s;
    },
  });
  return rows;
}

function cellText(type: string, text: string, shared: readonly string[]): string {
  if (type === 's') {
    const i = Number(text.trim());
    return Number.isInteger(i) ? (shared[i] ?? '') : '';
  }
  if (type === 'b') return text.trim() === '1' ? 'TRUE' : 'FALSE';
  return text;
}
