/**
 * Serialised answers of read-only queries, reused while the catalog is unchanged. The stamp is
 * SQLite's `data_version` (bumped by commits from other connections, such as a CLI import while
 * the server runs) plus this connection's `total_changes()` (its own writes), so an entry is
 * never served after a write. Entries are validated against the route's response schema when
 * built, exactly as the route serializer would, and carry their ETag so a hit costs neither
 * validation nor hashing.
 */
import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { type Db, prepareCached } from '../store/sqlite.js';

interface Entry {
  stamp: string;
  text: string;
  etag: string;
}

export class ResponseCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly db: Db,
    private readonly maxEntries = 256,
  ) {}

  private stamp(): string {
    const v = prepareCached(this.db, 'PRAGMA data_version').get() as { data_version: number };
    const c = prepareCached(this.db, 'SELECT total_changes() AS n').get() as { n: number };
    return `${v.data_version}:${c.n}`;
  }

  /** The cached answer for `key`, built by `build` (and validated by `schema`) when absent or stale. */
  get<T>(key: string, schema: z.ZodType<T>, build: () => T): Entry {
    const stamp = this.stamp();
    const hit = this.entries.get(key);
    if (hit && hit.stamp === stamp) {
      // Least recently used goes first: re-insert on every hit.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const text = JSON.stringify(z.encode(schema, build()));
    const entry = { stamp, text, etag: `W/"${createHash('sha1').update(text).digest('base64url')}"` };
    this.entries.set(key, entry);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return entry;
  }

  /** Sends a cached answer (already JSON: fastify sends strings as they are). */
  static send(reply: FastifyReply, entry: Entry): void {
    void reply.header('etag', entry.etag).type('application/json; charset=utf-8').send(entry.text);
  }
}
