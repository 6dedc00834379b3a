/**
 * The zip layer of an .xlsx. Only the parts the reader asks for are inflated (workbook, its
 * relationships, the first sheet, shared strings: never `[trash]/*.dat`, media or other sheets),
 * one at a time, by fflate's streaming inflate fed 4 KiB at a time with a running count of the
 * bytes it produced: a part, or all parts together, that inflate past {@link MAX_INFLATED_BYTES}
 * stop the import there (a zip bomb of 2 GB costs at most the cap plus one step, about 4 MiB).
 * Each part is checked against the CRC-32 in the zip's central directory — fflate does not check
 * it, and a damaged copy must be refused rather than yield wrong numbers.
 */
import { crc32 } from 'node:zlib';
import { Inflate } from 'fflate';
import { LuckyError } from '../errors.js';

/**
 * Inflated bytes one workbook may produce, all parts together. The operator's workbook inflates
 * to about 5 MB in all; its sheet and shared strings to less.
 */
export const MAX_INFLATED_BYTES = 32 * 1024 * 1024;

/** Compressed bytes pushed into the inflater at a time (one push inflates to at most ~1,032 times this). */
const STEP = 4096;

/** True when `bytes` start like a zip archive (every .xlsx is one). */
export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  localOffset: number;
}

/** An open archive: its part names, and parts inflated on demand under one shared budget. */
export interface ZipParts {
  readonly names: readonly string[];
  /** the part's bytes, or undefined when there is no such part; E_DATA_INVALID when damaged or over the budget */
  read(name: string): Uint8Array | undefined;
}

/** Opens a workbook's archive by its central directory; E_DATA_INVALID when it cannot be read. */
export function openZipParts(bytes: Uint8Array, label: string, maxInflated = MAX_INFLATED_BYTES): ZipParts {
  const entries = readCentralDirectory(bytes);
  if (!entries) throw new LuckyError('E_DATA_INVALID', `${label} is not a readable .xlsx workbook (broken zip archive)`, ['zip: no central directory']);
  const byName = new Map(entries.map((e) => [e.name, e]));
  let budget = maxInflated;
  return {
    names: entries.map((e) => e.name),
    read(name) {
      const entry = byName.get(name);
      if (!entry) return undefined;
      const data = inflateEntry(bytes, entry, label, budget, maxInflated);
      budget -= data.length;
      if (crc32(data) !== entry.crc) throw new LuckyError('E_DATA_INVALID', `${label} is damaged: part ${name} fails its CRC-32 check`);
      return data;
    },
  };
}

function inflateEntry(bytes: Uint8Array, e: ZipEntry, label: string, budget: number, maxInflated: number): Uint8Array {
  const broken = (why: string) =>
    new LuckyError('E_DATA_INVALID', `${label} is not a readable .xlsx workbook (broken zip archive)`, [`zip: ${e.name}: ${why}`]);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (e.localOffset + 30 > bytes.length || dv.getUint32(e.localOffset, true) !== 0x04034b50) throw broken('bad local header');
  const start = e.localOffset + 30 + dv.getUint16(e.localOffset + 26, true) + dv.getUint16(e.localOffset + 28, true);
  const end = start + e.compressedSize;
  if (end > bytes.length) throw broken('truncated');
  const tooBig = () =>
    new LuckyError('E_DATA_INVALID', `${label}: its parts inflate to more than ${maxInflated / 1024 / 1024} MiB (at part ${e.name}): not a results workbook`);
  if (e.method === 0) {
    if (e.compressedSize > budget) throw tooBig();
    return bytes.subarray(start, end);
  }
  if (e.method !== 8) throw broken(`compression method ${e.method} is not supported`);
  const chunks: Uint8Array[] = [];
  let produced = 0;
  let finished = false;
  const inflater = new Inflate((chunk, final) => {
    produced += chunk.length;
    if (produced > budget) throw tooBig();
    chunks.push(chunk);
    if (final) finished = true;
  });
  try {
    for (let at = start; at < end; at += STEP) {
      const stop = Math.min(end, at + STEP);
      inflater.push(bytes.subarray(at, stop), stop === end);
    }
    if (start === end) inflater.push(new Uint8Array(0), true);
  } catch (err) {
    if (err instanceof LuckyError) throw err;
    throw broken((err as Error).message);
  }
  if (!finished) throw broken('the compressed data ends early');
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(produced);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}

/** The entries of the zip's central directory; undefined when it cannot be walked (truncated, zip64). */
function readCentralDirectory(bytes: Uint8Array): ZipEntry[] | undefined {
  if (bytes.length < 22) return undefined;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = bytes.length - 22;
  const stop = Math.max(0, bytes.length - 22 - 0xffff);
  while (end >= stop && dv.getUint32(end, true) !== 0x06054b50) end--;
  if (end < stop) return undefined;
  const count = dv.getUint16(end + 10, true);
  let off = dv.getUint32(end + 16, true);
  const utf8 = new TextDecoder('utf-8');
  const out: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (off + 46 > bytes.length || dv.getUint32(off, true) !== 0x02014b50) return undefined;
    const nameLength = dv.getUint16(off + 28, true);
    out.push({
      name: utf8.decode(bytes.subarray(off + 46, off + 46 + nameLength)),
      method: dv.getUint16(off + 10, true),
      crc: dv.getUint32(off + 16, true),
      compressedSize: dv.getUint32(off + 20, true),
      localOffset: dv.getUint32(off + 42, true),
    });
    off += 46 + nameLength + dv.getUint16(off + 30, true) + dv.getUint16(off + 32, true);
  }
  return out;
}
