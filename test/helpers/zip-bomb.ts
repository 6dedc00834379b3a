/**
 * Malicious inputs for the import limits, built without ever holding what they inflate to.
 * A zip bomb: each part is a hand-written DEFLATE stream (fixed Huffman codes) of one literal 0
 * followed by copies of 258 bytes at distance 1, 13 bits per 258 inflated bytes (a ratio of about
 * 160:1); several parts share the same compressed bytes.
 */
import { crc32 } from 'node:zlib';

function reverseBits(code: number, length: number): number {
  let out = 0;
  for (let i = 0; i < length; i++) out = (out << 1) | ((code >>> i) & 1);
  return out;
}

/** Raw DEFLATE data inflating to `1 + 258 * copies` zero bytes. */
export function deflatedZeros(copies: number): { data: Uint8Array; size: number; crc: number } {
  const out = new Uint8Array(Math.ceil((3 + 8 + copies * 13 + 7) / 8) + 1);
  let bitPos = 0;
  const put = (value: number, length: number) => {
    for (let i = 0; i < length; i++) {
      if ((value >>> i) & 1) out[bitPos >>> 3]! |= 1 << (bitPos & 7);
      bitPos++;
    }
  };
  // Huffman codes are written most significant bit first: reverse them for the LSB-first writer.
  const huff = (code: number, length: number) => put(reverseBits(code, length), length);
  put(1, 1); // BFINAL
  put(1, 2); // BTYPE = fixed Huffman
  huff(0b00110000, 8); // literal 0
  for (let i = 0; i < copies; i++) {
    huff(0b11000101, 8); // length code 285: 258 bytes
    huff(0, 5); // distance code 0: distance 1
  }
  huff(0, 7); // end of block (256)
  const size = 1 + 258 * copies;
  const zero = new Uint8Array(1024 * 1024);
  let crc = 0;
  for (let left = size; left > 0; left -= zero.length) crc = crc32(zero.subarray(0, Math.min(left, zero.length)), crc);
  return { data: out.subarray(0, Math.ceil(bitPos / 8)), size, crc };
}

/** A zip archive whose entries are stored as given (method 8, deflate). */
export function buildZip(entries: Array<{ name: string; data: Uint8Array; size: number; crc: number; method?: number }>): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(e.method ?? 8, 8);
    local.writeUInt32LE(e.crc >>> 0, 14);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.size, 22);
    local.writeUInt16LE(name.length, 26);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(e.method ?? 8, 10);
    dir.writeUInt32LE(e.crc >>> 0, 16);
    dir.writeUInt32LE(e.data.length, 20);
    dir.writeUInt32LE(e.size, 24);
    dir.writeUInt16LE(name.length, 28);
    dir.writeUInt32LE(offset, 42);
    parts.push(local, name, e.data);
    central.push(dir, name);
    offset += 30 + name.length + e.data.length;
  }
  const dirSize = central.reduce((s, c) => s + c.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dirSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, ...central, end]);
}

/**
 * An .xlsx-looking archive of `parts` worksheet parts (plus shared strings) that each inflate to
 * about `mbPerPart` MB of zeros: what a zip bomb posing as a workbook looks like.
 */
export function buildXlsxBomb(parts: number, mbPerPart: number): Uint8Array {
  const zeros = deflatedZeros(Math.floor((mbPerPart * 1024 * 1024) / 258));
  const names = [
    'xl/worksheets/sheet1.xml',
    'xl/sharedStrings.xml',
    ...Array.from({ length: Math.max(0, parts - 2) }, (_, i) => `xl/worksheets/sheet${i + 2}.xml`),
  ];
  return buildZip(names.slice(0, parts).map((name) => ({ name, ...zeros })));
}
