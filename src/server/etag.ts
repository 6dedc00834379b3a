/**
 * Weak ETags on successful GET/HEAD answers and 304 Not Modified when `If-None-Match` matches.
 * Computed on the uncompressed body (this hook runs before compression), so the tag is the
 * same whatever the encoding; hence weak.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

function tagOf(payload: string | Buffer): string {
  return `W/"${createHash('sha1').update(payload).digest('base64url')}"`;
}

function matches(ifNoneMatch: string, tag: string): boolean {
  const opaque = tag.slice(2);
  return ifNoneMatch.split(',').some((t) => {
    const v = t.trim();
    return v === '*' || v === tag || v === opaque;
  });
}

export function installEtag(app: FastifyInstance): void {
  app.addHook('onSend', (request, reply, payload, done) => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || reply.statusCode !== 200) return done(null, payload);
    if (!(typeof payload === 'string' || Buffer.isBuffer(payload))) return done(null, payload);
    // A route may set the tag itself (cached answers carry theirs); otherwise hash the body.
    const preset = reply.getHeader('etag');
    const tag = typeof preset === 'string' ? preset : tagOf(payload);
    reply.header('etag', tag);
    const inm = request.headers['if-none-match'];
    if (inm !== undefined && matches(inm, tag)) {
      reply.code(304);
      reply.removeHeader('content-type');
      return done(null, '');
    }
    done(null, payload);
  });
}
