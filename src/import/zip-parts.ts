/**
 * The zip layer of an .xlsx: fflate unzips only the XML parts (skipping `[trash]/*.dat`, media
 * and the like), and each part is checked against the CRC-32 in the zip's central directory —
 * fflate does not check it, and a damaged copy must be refused rather than yield wrong numbers.
 */
import { crc32 } from 'node:zlib';
import { unzipSync } from 'fflate';
import { LuckyError } from '../errors.js';

/** Refuse parts that inflate past this (a zip bomb, or not a results workbook). */
const MAX_PART_BYTES = 256 * 1024 * 1024;

/** True when `bytes` start like a zip archive (every .xlsx is one). */
export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/** The XML and relationship parts of a workbook by name; E_DATA_INVALID when the archive is broken or damaged. */
export function unzipParts(bytes: Uint8Array, label: string): Record<string, Uint8Array> {
  let tooBig: string | undefined;
  try {
    const parts = unzipSync(bytes, {
      // Only XML parts and relationships: skips [trash]/*.dat, media, printer settings.
      filter: (f) => {
        const wanted = /\.(xml|rels)$/i.test(f.name) && !f.name.startsWith('[trash]/');
        if (wanted && f.originalSize > MAX_PART_BYTES) tooBig = f.name;
        return wanted && f.originalSize <= MAX_PART_BYTES;
      },
    });
    if (tooBig !== undefined) throw new LuckyError('E_DATA_INVALID', `${label}: part ${tooBig} is larger than ${MAX_PART_BYTES / 1024 / 1024} MiB`);
    const crcs = centralDirectoryCrcs(bytes);
    for (const [name, data] of Object.entries(parts)) {
      const expected = crcs.get(name);
      if (expected !== undefined && crc32(data) !== expected) {
        throw new LuckyError('E_DATA_INVALID', `${label} is damaged: part ${name} fails its CRC-32 check`);
      }
    }
    return parts;
  } catch (e) {
    if (e instanceof LuckyError) throw e;
    throw new LuckyError('E_DATA_INVALID', `${label} is not a readable .xlsx workbook (broken zip archive)`, [`zip: ${(e as Error).message}`], {
      cause: e,
    });
  }
}

/**
 * CRC-32 of each entry, from the zip's central directory. Empty when the directory cannot be
 * walked (zip64 and other rarities): unzipping then proceeds without the extra check.
 */
export function centralDirectoryCrcs(bytes: Uint8Array): Map<string, number> {
  const crcs = new Map<string, number>();
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = bytes.length - 22;
  const stop = Math.max(0, bytes.length - 22 - 0xffff);
  while (end >= stop && dv.getUint32(end, true) !== 0x06054b50) end--;
  if (end < stop) return crcs;
  const count = dv.getUint16(end + 10, true);
  let off = dv.getUint32(end + 16, true);
  const utf8 = new TextDecoder('utf-8');
  for (let i = 0; i < count; i++) {
    if (off + 46 > bytes.length || dv.getUint32(off, true) !== 0x02014b50) return new Map();
    const nameLength = dv.getUint16(off + 28, true);
    const name = utf8.decode(bytes.subarray(off + 46, off + 46 + nameLength));
    crcs.set(name, dv.getUint32(off + 16, true));
    off += 46 + nameLength + dv.getUint16(off + 30, true) + dv.getUint16(off + 32, true);
  }
  return crcs;
}
