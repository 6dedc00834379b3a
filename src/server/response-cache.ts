/**
 * Serialised answers of read-only queries, reused while the catalog is unchanged. The stamp is
 * SQLite's `data_version` (bumped by commits from other connections, such as a CLI import while
 * the server runs) plus this connection's `total_changes()` (its own writes), so an entry is
 * never served after a write. Entries are validated against the route's response schema when
 * built, exactly as the route serializer would, and carry their ETag and their bytes, so a hit
 * costs neither validation, nor hashing, nor encoding. Bodies of 1 KiB or more are also kept
 * compressed (brotli and gzip, each made on the first request that asks for it): a hit sends
 * the stored bytes instead of compressing the same page again.
 */
import { createHash } from 'node:crypto';
import { negotiate } from '@fastify/accept-negotiator';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { LruMap } from '../core/lru.js';
import type { Db } from '../store/sqlite.js';
import { catalogStamp } from '../usecases/catalog.js';

/** Bodies smaller than this are sent as they are (the same threshold as the compress plugin). */
export const COMPRESS_THRESHOLD = 1024;
/** Brotli quality for cached bodies: 5 compresses a 40 KB page in about a millisecond, within a few % of 11's size. */
const BROTLI_QUALITY = 5;

type Encoding = 'br' | 'gzip';
/** The encodings `buildApp` gives the compress plugin, in its order of preference. */
export const ENCODINGS: Encoding[] = ['br', 'gzip'];

export interface CachedAnswer {
  stamp: string;
  body: Buffer;
  etag: string;
  encoded: Partial<Record<Encoding, Buffer>>;
}

/**
 * The encoding to send for an `Accept-Encoding` header: the compress plugin's negotiator over
 * the same encodings in the same order (brotli first), on the lower-cased header, so cached and
 * uncached answers are negotiated alike; undefined means identity.
 */
export function chooseEncoding(header: string | undefined): Encoding | undefined {
  if (!header) return undefined;
  return negotiate(header.toLowerCase(), ENCODINGS) ?? undefined;
}

function encode(body: Buffer, encoding: Encoding): Buffer {
  return encoding === 'br'
    ? brotliCompressSync(body, {
        params: { [zlib.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT, [zlib.BROTLI_PARAM_SIZE_HINT]: body.length },
      })
    : gzipSync(body);
}

export class ResponseCache {
  private readonly entries: LruMap<string, CachedAnswer>;

  constructor(
    private readonly db: Db,
    maxEntries = 256,
  ) {
    this.entries = new LruMap(maxEntries);
  }

  /** The cached answer for `key`, built by `build` (and validated by `schema`) when absent or stale. */
  get<T>(key: string, schema: z.ZodType<T>, build: () => T): CachedAnswer {
    const stamp = catalogStamp(this.db);
    const hit = this.entries.get(key);
    if (hit && hit.stamp === stamp) return hit;
    const body = Buffer.from(JSON.stringify(z.encode(schema, build())), 'utf8');
    const entry: CachedAnswer = { stamp, body, etag: `W/"${createHash('sha1').update(body).digest('base64url')}"`, encoded: {} };
    this.entries.set(key, entry);
    return entry;
  }

  /**
   * Sends a cached answer: its stored bytes, compressed as the request accepts (the compress
   * plugin leaves a reply that already has a Content-Encoding alone).
   */
  static send(reply: FastifyReply, entry: CachedAnswer): void {
    void reply.header('etag', entry.etag).type('application/json; charset=utf-8');
    if (entry.body.length < COMPRESS_THRESHOLD) {
      void reply.send(entry.body);
      return;
    }
    const vary = reply.getHeader('vary');
    void reply.header('vary', typeof vary === 'string' && vary !== '' ? `${vary}, Accept-Encoding` : 'Accept-Encoding');
    const request = reply.request;
    const encoding = request.headers['x-no-compression'] === undefined ? chooseEncoding(request.headers['accept-encoding']) : undefined;
    if (encoding === undefined) {
      void reply.send(entry.body);
      return;
    }
    const bytes = (entry.encoded[encoding] ??= encode(entry.body, encoding));
    void reply.header('content-encoding', encoding).send(bytes);
  }
}
