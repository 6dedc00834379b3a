/**
 * Weak ETags with `@fastify/etag`, and 304 Not Modified for conditional GET/HEAD. Tags are
 * computed on the uncompressed body (these hooks run before compression), so the tag is the same
 * whatever the encoding; hence weak. A route may set the tag itself (cached answers carry
 * theirs); the plugin keeps it.
 *
 * The 304 is decided here, not by the plugin: the plugin compares `If-None-Match` with the tag
 * as one string, while clients send lists (`"a", W/"b"`) and `*` (RFC 9110 13.1.2), and a
 * conditional request only applies to a successful GET or HEAD.
 */
import { createHash } from 'node:crypto';
import etag from '@fastify/etag';
import type { FastifyInstance } from 'fastify';

function matches(ifNoneMatch: string, tag: string): boolean {
  const opaque = tag.startsWith('W/') ? tag.slice(2) : tag;
  return ifNoneMatch.split(',').some((t) => {
    const v = t.trim();
    return v === '*' || v === tag || v === opaque || v === `W/${opaque}`;
  });
}

export async function registerEtag(app: FastifyInstance): Promise<void> {
  await app.register(etag, { weak: true, replyWith304: false, hashFn: (payload) => createHash('sha1').update(payload).digest('base64url') });
  app.addHook('onSend', (request, reply, payload, done) => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || reply.statusCode !== 200) return done(null, payload);
    const tag = reply.getHeader('etag');
    const inm = request.headers['if-none-match'];
    if (typeof tag === 'string' && inm !== undefined && matches(inm, tag)) {
      reply.code(304);
      reply.removeHeader('content-type');
      return done(null, '');
    }
    done(null, payload);
  });
}
