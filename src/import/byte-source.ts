/**
 * Where a results file's bytes come from: memory (an upload) or a file read in 1 MiB slices, so
 * a CSV is never held whole — neither as bytes nor as text. An .xlsx is read whole (a zip needs
 * random access), under the same size limit.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { LuckyError } from '../errors.js';

/** Bytes read from a file at a time. */
export const SLICE_BYTES = 1024 * 1024;

export interface ByteSource {
  readonly size: number;
  /** the first `n` bytes (fewer when the source is shorter) */
  head(n: number): Uint8Array;
  /** every byte once, in slices of at most {@link SLICE_BYTES}; may be iterated again */
  slices(): Iterable<Uint8Array>;
  /** every byte at once (for zip archives) */
  all(): Uint8Array;
}

/** A source over bytes already in memory. */
export function memorySource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    head: (n) => bytes.subarray(0, n),
    *slices() {
      for (let at = 0; at < bytes.length; at += SLICE_BYTES) yield bytes.subarray(at, Math.min(bytes.length, at + SLICE_BYTES));
    },
    all: () => bytes,
  };
}

/** A source over a file opened once (`close()` when done); E_NOT_FOUND when it cannot be opened. */
export function openFileSource(file: string): ByteSource & { close(): void } {
  let fd: number;
  let size: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    throw new LuckyError('E_NOT_FOUND', `no such file: ${file}`, [], { cause: e });
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new LuckyError('E_NOT_FOUND', `${file} is not a file`);
    size = st.size;
  } catch (e) {
    closeSync(fd);
    if (e instanceof LuckyError) throw e;
    throw new LuckyError('E_NOT_FOUND', `cannot read ${file}: ${(e as Error).message}`, [], { cause: e });
  }
  const readAt = (buf: Uint8Array, position: number): number => {
    try {
      return readSync(fd, buf, 0, buf.length, position);
    } catch (e) {
      throw new LuckyError('E_NOT_FOUND', `cannot read ${file}: ${(e as Error).message}`, [], { cause: e });
    }
  };
  return {
    size,
    head(n) {
      const buf = new Uint8Array(Math.min(n, size));
      return buf.subarray(0, readAt(buf, 0));
    },
    *slices() {
      const buf = new Uint8Array(SLICE_BYTES);
      for (let at = 0; ;) {
        const got = readAt(buf, at);
        if (got === 0) return;
        // a fresh copy: consumers may keep a slice (a decoder's carry) past the next read
        yield buf.slice(0, got);
        at += got;
      }
    },
    all() {
      const buf = new Uint8Array(size);
      let at = 0;
      while (at < size) {
        const got = readAt(buf.subarray(at), at);
        if (got === 0) break;
        at += got;
      }
      return buf.subarray(0, at);
    },
    close: () => closeSync(fd),
  };
}
