/**
 * Runs: `GET /runs` (the run index, filtered and ordered by a headline metric, keyset pages),
 * `GET /runs/{run_id}` (the report), `GET /runs/{run_id}/contests` (per-contest results from the
 * run file), `GET /runs/{run_id}/tickets.csv` (every ticket, streamed; byte for byte what
 * `luckyfive runs export --format csv` prints), `GET /runs/{run_id}/file` (the run's SQLite file)
 * and `DELETE /runs/{run_id}`. Run ids are checked against the run id pattern before they get
 * anywhere near a path.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { z } from 'zod';
import {
  RUN_ID_PATTERN,
  RUN_METRIC_COLUMNS,
  RUN_STATUSES,
  deleteRun,
  exportRunTickets,
  listRunContests,
  listRuns,
  readRunFileInfo,
  runListOrder,
  runListStamp,
  showRun,
} from '../../usecases/runs.js';
import { isStorageFault, toStorageError } from '../../usecases/storage-errors.js';
import type { ResourcePlugin } from '../context.js';
import { COMMON_ERRORS, errorResponses } from '../error-envelope.js';
import { ResponseCache } from '../response-cache.js';
import { ContestResultSchema, RunReportSchema, RunSchema, publicReport } from '../run-schemas.js';
import {
  BoolParam,
  ContestParam,
  CursorParam,
  DEFAULT_PAGE,
  KeyCursorParam,
  LimitParam,
  decodeCursor,
  decodeKeyCursor,
  encodeCursor,
  encodeKeyCursor,
  intParam,
  pageSchema,
} from '../schemas.js';

export const RunIdParam = z
  .string()
  .regex(RUN_ID_PATTERN, 'must be a run id (lowercase letters, digits and dashes, 6-64 characters)')
  .meta({ description: 'a run id' });

const RunParams = z.strictObject({ run_id: RunIdParam });

const ListQuery = z.strictObject({
  name: z.string().min(1).max(100).optional().meta({ description: 'name contains this text' }),
  status: z.enum(RUN_STATUSES).optional(),
  recipe_hash: z
    .string()
    .regex(/^[0-9a-f]{1,64}$/, 'must be a lowercase hex prefix of a recipe hash')
    .optional()
    .meta({ description: 'recipe hash starts with' }),
  sweep_id: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be a sweep id')
    .optional(),
  from: ContestParam.optional().meta({ description: 'runs starting at or after this contest' }),
  to: ContestParam.optional().meta({ description: 'runs ending at or before this contest' }),
  order_by: z.enum(RUN_METRIC_COLUMNS).optional().meta({ description: 'headline metric to order by (default created_at)' }),
  desc: BoolParam.meta({ description: 'descending order (default: descending for created_at, ascending otherwise)' }),
  limit: LimitParam,
  cursor: KeyCursorParam,
});

/** Bytes gathered before a CSV chunk is handed to the socket. */
const CSV_CHUNK = 64 * 1024;

/** Text pieces gathered into chunks of about {@link CSV_CHUNK} bytes; stopping early stops the source. */
function* chunked(pieces: Generator<string>): Generator<string> {
  try {
    let chunk = '';
    for (const piece of pieces) {
      chunk += piece;
      if (chunk.length >= CSV_CHUNK) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  } finally {
    pieces.return(undefined);
  }
}

const RunPageSchema = pageSchema(RunSchema);

const runsRoutes: ResourcePlugin = (app, { ctx }, done) => {
  // Pages are served from a cache keyed by the catalog's version: a list of 50 runs costs a few
  // milliseconds to encode and validate, a cache hit a few microseconds; any write (a run
  // finishing, or a contest written by a running one) makes the next request rebuild it.
  const pages = new ResponseCache(ctx.catalog.db);

  app.get(
    '/runs',
    {
      config: { role: 'viewer', rateClass: 'read' },
      schema: {
        summary: 'List runs, filtered and ordered by any headline metric, one page at a time',
        tags: ['runs'],
        querystring: ListQuery,
        response: { 200: RunPageSchema, ...COMMON_ERRORS },
      },
    },
    (request, reply) => {
      const q = request.query;
      const { column, desc, by } = runListOrder({ order_by: q.order_by, desc: q.desc });
      const tag = `runs.${column}${by === 'lift' ? '.lift' : ''}.${desc ? 'desc' : 'asc'}`;
      const kind = column === 'created_at' ? 'string' : 'nullable-number';
      const after = q.cursor === undefined ? undefined : decodeKeyCursor(tag, q.cursor, [kind, 'string']);
      const limit = q.limit ?? DEFAULT_PAGE;
      const key = JSON.stringify([q.name, q.status, q.recipe_hash, q.sweep_id, q.from, q.to, column, desc, limit, after, runListStamp(ctx)]);
      const entry = pages.get(key, RunPageSchema, () => {
        const list = listRuns(ctx, {
          name: q.name,
          status: q.status,
          recipe_hash: q.recipe_hash,
          sweep_id: q.sweep_id,
          from: q.from,
          to: q.to,
          order_by: column,
          desc,
          limit,
          after: after === undefined ? undefined : { value: after[0]!, run_id: after[1] as string },
        });
        return {
          items: list.runs as Array<z.infer<typeof RunSchema>>,
          next_cursor: list.next ? encodeKeyCursor(tag, [list.next.value, list.next.run_id]) : null,
        };
      });
      ResponseCache.send(reply, entry);
    },
  );

  app.get(
    '/runs/:run_id',
    {
      config: { role: 'viewer', rateClass: 'read' },
      schema: {
        summary: "A run's report: figures beside the exact baseline, and its simulated books",
        tags: ['runs'],
        params: RunParams,
        response: { 200: RunReportSchema, ...COMMON_ERRORS, ...errorResponses(404, 409) },
      },
    },
    (request) => publicReport(showRun(ctx, { run_id: request.params.run_id }), ctx.catalog.dataDir),
  );

  app.get(
    '/runs/:run_id/contests',
    {
      config: { role: 'viewer', rateClass: 'read' },
      schema: {
        summary: 'Per-contest results of a run, in contest order, one page at a time',
        tags: ['runs'],
        params: RunParams,
        querystring: z.strictObject({
          min_hits: intParam(0, 5, 'a hit count').optional().meta({ description: 'only contests whose best ticket hit at least this many' }),
          limit: LimitParam,
          cursor: CursorParam,
        }),
        response: { 200: pageSchema(ContestResultSchema), ...COMMON_ERRORS, ...errorResponses(404, 409) },
      },
    },
    (request) => {
      const after = request.query.cursor === undefined ? undefined : decodeCursor('contests', request.query.cursor);
      const page = listRunContests(ctx, { run_id: request.params.run_id, after, min_hits: request.query.min_hits, limit: request.query.limit ?? DEFAULT_PAGE });
      return { items: page.items, next_cursor: page.next === null ? null : encodeCursor('contests', page.next) };
    },
  );

  app.get(
    '/runs/:run_id/tickets.csv',
    {
      config: { role: 'viewer', rateClass: 'read' },
      schema: {
        summary: 'Every ticket of a run as CSV (contest,ticket,numbers,hits), streamed',
        tags: ['runs'],
        params: RunParams,
        response: {
          200: { description: 'CSV, as `luckyfive runs export --format csv`', content: { 'text/csv': { schema: z.string() } } },
          ...COMMON_ERRORS,
          ...errorResponses(404, 409),
        },
      },
    },
    (request, reply) => {
      const id = request.params.run_id;
      // The file is opened and its first row read before the answer starts: a damaged or
      // unreadable file is an error envelope (422 naming it), never a 200 with a header line only.
      const stream = Readable.from(chunked(exportRunTickets(ctx, { run_id: id, format: 'csv' })));
      // Failing once the 200 is on its way: the client must see a failure, so the connection is
      // destroyed (a chunked body without its final chunk), and the fault is logged and counted.
      stream.once('error', (err) => {
        const mapped = toStorageError(err);
        request.log.error({ err: mapped ?? err, run_id: id }, 'tickets.csv failed mid-stream; connection aborted');
        ctx.storageFaults.recordStream('/runs/:run_id/tickets.csv');
        if (mapped && isStorageFault(mapped)) ctx.storageFaults.record(mapped.code, mapped.message);
        reply.raw.destroy(err);
      });
      // Streams are sent as they are (no serializer); the cast only quiets the zod-typed reply.
      void reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${id}-tickets.csv"`)
        .send(stream as unknown as string);
    },
  );

  app.get(
    '/runs/:run_id/file',
    {
      config: { role: 'viewer', rateClass: 'read' },
      schema: {
        summary: "Download a run's SQLite file (not while it runs); `luckyfive runs import` registers it elsewhere",
        tags: ['runs'],
        params: RunParams,
        response: {
          200: { description: 'the run file', content: { 'application/vnd.sqlite3': { schema: z.string().meta({ format: 'binary' }) } } },
          ...COMMON_ERRORS,
          ...errorResponses(404, 409),
        },
      },
    },
    (request, reply) => {
      const id = request.params.run_id;
      // A running run's file is being written (and its WAL not yet folded in): not a consistent copy.
      const { file, size } = readRunFileInfo(ctx, { run_id: id });
      void reply
        .type('application/vnd.sqlite3')
        .header('content-disposition', `attachment; filename="${id}.sqlite"`)
        .header('content-length', size)
        .send(createReadStream(file) as unknown as string);
    },
  );

  app.delete(
    '/runs/:run_id',
    {
      config: { role: 'analyst', rateClass: 'write' },
      schema: {
        summary: 'Delete a run: its file and its index row together (not while it runs)',
        tags: ['runs'],
        params: RunParams,
        response: { 200: z.object({ run_id: z.string(), deleted: z.literal(true) }), ...COMMON_ERRORS, ...errorResponses(404, 409) },
      },
    },
    (request) => {
      const deleted = deleteRun(ctx, { run_id: request.params.run_id });
      request.log.info({ run_id: request.params.run_id, by: request.principal?.id }, 'run deleted');
      return deleted;
    },
  );
  done();
};

export default runsRoutes;
