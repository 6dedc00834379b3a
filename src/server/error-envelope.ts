/**
 * One error envelope for every failure the server returns:
 * `{"error":{"code":"E_...","message":"...","details":["path: problem", ...]}}`, with the HTTP
 * status of the code in ERROR_TABLE. Unknown errors become E_INTERNAL with a generic message;
 * their stack goes to the log (with the request id), never to the client.
 */
import { sep } from 'node:path';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ERROR_TABLE, type ErrorCode, LuckyError } from '../errors.js';
import { isStorageFault, toStorageError } from '../usecases/storage-errors.js';

export const ErrorEnvelopeSchema = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(ERROR_TABLE) as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      details: z.array(z.string()),
    }),
  })
  .meta({ id: 'ErrorEnvelope', description: 'Every error: a code from the error table, a message and `path: problem` details.' });

export type ErrorEnvelope = z.infer<typeof ErrorEnvelopeSchema>;

/** The error responses every route can produce; routes add their own. */
export function errorResponses<S extends number>(...statuses: S[]): Record<S, typeof ErrorEnvelopeSchema> {
  return Object.fromEntries(statuses.map((s) => [s, ErrorEnvelopeSchema])) as Record<S, typeof ErrorEnvelopeSchema>;
}

/** Statuses any authenticated route may answer with, besides its own. */
export const COMMON_ERRORS = errorResponses(400, 401, 403, 429, 500);

export function envelope(code: ErrorCode, message: string, details: string[] = []): ErrorEnvelope {
  return { error: { code, message, details } };
}

/** The messages busboy's parse errors carry (it gives them no code). */
const MULTIPART_SYNTAX =
  /^(Multipart: Boundary not found|Unexpected end of (form|file|multipart data)|Malformed part header|Malformed urlencoded form|Unsupported Content-Type|Boundary required|Missing Content-Type-header)/;

const VALIDATION_PART: Record<string, string> = { body: 'body', querystring: 'query', params: 'path', headers: 'headers' };

/** Maps anything thrown while handling a request to a LuckyError (unknown errors: E_INTERNAL). */
export function toLuckyError(err: unknown): LuckyError {
  const storage = toStorageError(err);
  if (storage) return storage;
  const e = err as Partial<FastifyError> & { message?: string };
  if (hasZodFastifySchemaValidationErrors(err)) {
    const part = VALIDATION_PART[(err as FastifyError).validationContext ?? ''] ?? 'request';
    const details = err.validation.map((v) => `${part}${v.instancePath === '/' ? '' : v.instancePath.replaceAll('/', '.')}: ${v.message}`);
    return new LuckyError('E_INPUT_INVALID', 'invalid request', details);
  }
  if (isResponseSerializationError(err)) return new LuckyError('E_INTERNAL', undefined, [], { cause: err });
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
      return new LuckyError('E_PAYLOAD_TOO_LARGE', 'request body too large', [], { cause: err });
    // Too many parts or fields is a malformed request (one extra byte-long field is not "too large").
    case 'FST_PARTS_LIMIT':
    case 'FST_FILES_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return new LuckyError('E_INPUT_INVALID', 'invalid request', ['body: one part only, a file field named "file"'], { cause: err });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return new LuckyError('E_INPUT_INVALID', 'unsupported content type', [], { cause: err });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new LuckyError('E_INPUT_INVALID', 'empty JSON body', [], { cause: err });
    default:
  }
  // busboy (under @fastify/multipart) throws plain errors for a missing boundary or a cut-off body.
  if (status === 500 && typeof e.message === 'string' && MULTIPART_SYNTAX.test(e.message)) {
    return new LuckyError('E_INPUT_INVALID', 'malformed multipart body', [`body: ${e.message}`], { cause: err });
  }
  if (status === 413) return new LuckyError('E_PAYLOAD_TOO_LARGE', 'request body too large', [], { cause: err });
  if (status === 404) return new LuckyError('E_NOT_FOUND', 'not found', [], { cause: err });
  if (err instanceof SyntaxError || (status >= 400 && status < 500)) {
    // Fastify's own 4xx errors (malformed JSON, bad URL, bad content length...): the message is
    // about the request, not about our internals, but we still give a fixed one.
    return new LuckyError('E_INPUT_INVALID', err instanceof SyntaxError ? 'malformed JSON body' : 'malformed request', [], { cause: err });
  }
  return new LuckyError('E_INTERNAL', undefined, [], { cause: err });
}

/**
 * Messages name files relative to the data dir (`catalog.sqlite`, `runs/<id>.sqlite`): a client
 * learns which file is damaged, never the server's absolute paths.
 */
export function scrubDataDir(text: string, dataDir: string | undefined): string {
  if (!dataDir) return text;
  const prefix = dataDir.endsWith(sep) ? dataDir : `${dataDir}${sep}`;
  return text.replaceAll(prefix, '').replaceAll(dataDir, '(data dir)');
}

/**
 * Installs the error and not-found handlers on `app`; `onStorageFault` hears of full disks and
 * damaged databases; paths under `dataDir` are made relative in what the client sees.
 */
export function installErrorEnvelope(app: FastifyInstance, onStorageFault: (e: LuckyError) => void = () => {}, dataDir?: string): void {
  app.setErrorHandler((err: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const lucky = toLuckyError(err);
    if (isStorageFault(lucky)) onStorageFault(lucky);
    if (lucky.code === 'E_INTERNAL') {
      request.log.error({ err: lucky.cause ?? err }, 'internal error');
    } else if (lucky.httpStatus >= 500 || (lucky !== err && toStorageError(err) !== undefined)) {
      // server faults and foreign errors mapped to a code (a damaged database, a full disk...) go to the log
      request.log.warn({ code: lucky.code, message: lucky.message, details: lucky.details }, 'request failed');
    }
    const message = lucky.code === 'E_INTERNAL' ? ERROR_TABLE.E_INTERNAL.message : scrubDataDir(lucky.message, dataDir);
    const details = lucky.code === 'E_INTERNAL' ? [] : lucky.details.map((d) => scrubDataDir(d, dataDir));
    return reply
      .code(lucky.httpStatus)
      .type('application/json; charset=utf-8')
      .send(envelope(lucky.code, message, details));
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).type('application/json; charset=utf-8').send(envelope('E_NOT_FOUND', 'no such route')));
}
