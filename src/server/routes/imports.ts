/**
 * Imports: `POST /api/v1/imports` (multipart upload, field `file`, size-limited by
 * `upload_max_mb`) runs the same import service as `luckyfive import`; `GET /api/v1/imports`
 * lists the import history. The uploaded file name is only a label passed to the service: it
 * must be a plain name and never becomes a path. The server's service imports the upload on
 * a pool thread (`server/import-on-pool.ts`): neither the parse nor the transaction runs on the
 * event loop.
 */
import multipart from '@fastify/multipart';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { LuckyError } from '../../errors.js';
import { listImports } from '../../usecases/draws.js';
import type { ResourcePlugin } from '../context.js';
import { COMMON_ERRORS, errorResponses } from '../error-envelope.js';
import { BoolParam, CursorParam, DEFAULT_PAGE, LimitParam, decodeCursor, encodeCursor, pageSchema } from '../schemas.js';

/** A plain file name: no directories, no `..`, no control characters. */
const FILE_NAME = /^(?!\.\.?$)[A-Za-z0-9 ._()+-]{1,255}$/;

export const ImportRecordSchema = z
  .object({
    id: z.int(),
    file_name: z.string(),
    sha256: z.string(),
    format: z.string(),
    parser_version: z.string(),
    rows_read: z.int(),
    inserted: z.int(),
    unchanged: z.int(),
    replaced: z.int(),
    conflicts: z.int(),
    rejected: z.int(),
    first_contest: z.int().nullable(),
    last_contest: z.int().nullable(),
    synthetic: z.boolean(),
    started_at: z.string(),
    finished_at: z.string(),
  })
  .meta({ id: 'ImportRecord' });

const ImportReportSchema = z
  .record(z.string(), z.unknown())
  .meta({ id: 'ImportReport', description: 'The import service report (same as `luckyfive import --json`).' });

const MULTIPART_BODY = {
  type: 'object',
  required: ['file'],
  properties: { file: { type: 'string', format: 'binary', description: 'the results file (xlsx or csv)' } },
};

const importsRoutes: ResourcePlugin = (app, { ctx }, done) => {
  const maxBytes = ctx.config.upload_max_mb * 1024 * 1024;
  // Scoped to this plugin: no other route accepts multipart bodies.
  void app.register(multipart, {
    limits: { fileSize: maxBytes, files: 1, fields: 0, parts: 1, headerPairs: 64, fieldNameSize: 32 },
    throwFileSizeLimit: true,
  });

  app.post(
    '/imports',
    {
      config: {
        role: 'analyst',
        rateClass: 'heavy',
        // The body is multipart, not a zod-validated JSON document: describe it for OpenAPI only.
        swaggerTransform: (document) => {
          const t = jsonSchemaTransform(document);
          return { url: t.url, schema: { ...t.schema, consumes: ['multipart/form-data'], body: MULTIPART_BODY } };
        },
      },
      schema: {
        summary: `Import a results file (multipart field "file", at most ${ctx.config.upload_max_mb} MiB)`,
        tags: ['draws'],
        querystring: z.strictObject({
          replace: BoolParam.meta({ description: 'overwrite stored draws that differ (default false)' }),
          dry_run: BoolParam.meta({ description: 'parse and report without writing (default false)' }),
        }),
        response: { 200: ImportReportSchema, 201: ImportReportSchema, ...COMMON_ERRORS, ...errorResponses(413, 422, 501) },
      },
    },
    async (request, reply) => {
      if (!ctx.importFile) throw new LuckyError('E_NOT_CONFIGURED', 'draw import is not available on this server');
      if (!request.isMultipart()) throw new LuckyError('E_INPUT_INVALID', 'invalid request', ['body: must be multipart/form-data with a field "file"']);
      const part = await request.file();
      if (!part || part.fieldname !== 'file') throw new LuckyError('E_INPUT_INVALID', 'invalid request', ['body.file: a file field named "file" is required']);
      if (!FILE_NAME.test(part.filename)) {
        part.file.resume();
        throw new LuckyError('E_INPUT_INVALID', 'invalid file name', [
          'body.file: the file name must be a plain name (letters, digits, spaces, ._()+-), no path',
        ]);
      }
      let bytes: Buffer;
      try {
        bytes = await part.toBuffer();
      } catch (e) {
        // the message states the limit (the generic 413 of the error envelope does not)
        if ((e as { code?: unknown }).code !== 'FST_REQ_FILE_TOO_LARGE') throw e;
        throw new LuckyError('E_PAYLOAD_TOO_LARGE', `the file is larger than the upload limit of ${ctx.config.upload_max_mb} MiB`, [
          `body.file: at most ${ctx.config.upload_max_mb} MiB (upload_max_mb)`,
        ]);
      }
      const dryRun = request.query.dry_run ?? false;
      const report = await ctx.importFile(bytes, part.filename, { replace: request.query.replace ?? false, dryRun });
      return reply.code(dryRun ? 200 : 201).send(report as Record<string, unknown>);
    },
  );

  app.get(
    '/imports',
    {
      config: { role: 'viewer', rateClass: 'read' },
      schema: {
        summary: 'Import history, newest first',
        tags: ['draws'],
        querystring: z.strictObject({ limit: LimitParam, cursor: CursorParam }),
        response: { 200: pageSchema(ImportRecordSchema), ...COMMON_ERRORS },
      },
    },
    (request) => {
      const limit = request.query.limit ?? DEFAULT_PAGE;
      const before = request.query.cursor === undefined ? undefined : decodeCursor('imports', request.query.cursor);
      const page = listImports({ catalog: ctx.catalog }, { limit, before });
      return { items: page.items, next_cursor: page.next_before === null ? null : encodeCursor('imports', page.next_before) };
    },
  );
  done();
};

export default importsRoutes;
