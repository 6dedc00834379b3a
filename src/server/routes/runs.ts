/**
 * Runs: `GET /runs` (the run index, filtered and ordered by a headline metric, keyset pages),
 * `GET /runs/{run_id}` (the report), `GET /runs/{run_id}/contests` (per-contest results from the
 * run file), `GET /runs/{run_id}/tickets.csv` (every ticket, streamed; byte for byte what
 * `luckyfive runs export --format csv` prints), `GET /runs/{run_id}/file` (the run's SQLite file)
 * and `DELETE /runs/{run_id}`. Run ids are checked against the run id pattern before they get
 * anywhere near a path.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { z } from 'zod';
import { csvLine } from '../../core/csv.js';
import { runRowJson } from '../../engine/run-json.js';
import { type TicketRow, deleteRun, iterateTickets, readRunReport } from '../../engine/runs.js';
import { LuckyError } from '../../errors.js';
import { RUN_ID_PATTERN, openRunFile, runFilePath } from '../../store/run-file.js';
import { RUN_METRIC_COLUMNS, RUN_STATUSES, type RunRow, listRuns, ordersByLift, requireRun, runLivenessStamp, runOrder, runOrderValue } from '../../store/runs-repo.js';
import type { Catalog } from '../../store/catalog.js';
import { isStorageFault, toStorageError } from '../../store/storage-errors.js';
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
  sweep_id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be a sweep id').optional(),
  from: ContestParam.optional().meta({ description: 'runs starting at or after this contest' }),
  to: ContestParam.optional().meta({ description: 'runs ending at or before this contest' }),
  order_by: z.enum(RUN_METRIC_COLUMNS).optional().meta({ description: 'headline metric to order by (default created_at)' }),
  desc: BoolParam.meta({ description: 'descending order (default: descending for created_at, ascending otherwise)' }),
  limit: LimitParam,
  cursor: KeyCursorParam,
});

const CSV_HEAD = csvLine(['contest', 'ticket', 'numbers', 'hits']);
/** Bytes gathered before a CSV chunk is handed to the socket. */
const CSV_CHUNK = 64 * 1024;

/** The index row, or E_DATA_MISSING when its file is gone (the repair tool marks those). */
function requireRunFile(catalog: Catalog, runId: string): { row: RunRow; file: string } {
  const row = requireRun(catalog.db, runId);
  const file = runFilePath(catalog.dataDir, runId);
  if (!existsSync(file)) throw new LuckyError('E_DATA_MISSING', `the file of run ${runId} is missing; \`luckyfive maintain --repair\` marks it`);
  return { row, file };
}

/** The CSV of `luckyfive runs export`, in chunks, from rows whose first one was already read. */
function* ticketsCsv(first: IteratorResult<TicketRow>, rest: Iterator<TicketRow>): Generator<string> {
  try {
    yield CSV_HEAD;
    let chunk = '';
    for (let next = first; !next.done; next = rest.next()) {
      const r = next.value;
      chunk += csvLine([r.contest, r.ticket, r.numbers.join(' '), r.hits]);
      if (chunk.length >= CSV_CHUNK) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  } finally {
    // A client that goes away stops this generator: the run file's reader is closed with it.
    rest.return?.();
  }
}

const RunPageSchema = pageSchema(RunSchema);

const runsRoutes: ResourcePlugin = (app, { ctx }, done) => {
  const db = ctx.catalog.db;
  // Pages are served from a cache keyed by the catalog's version: a list of 50 runs costs a few
  // milliseconds to encode and validate, a cache hit a few microseconds; any write (a run
  // finishing, or a contest written by a running one) makes the next request rebuild it.
  const pages = new ResponseCache(db);

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
      const { column, desc } = runOrder({ order_by: q.order_by, desc: q.desc });
      const tag = `runs.${column}${ordersByLift(column) ? '.lift' : ''}.${desc ? 'desc' : 'asc'}`;
      const kind = column === 'created_at' ? 'string' : 'nullable-number';
      const after = q.cursor === undefined ? undefined : decodeKeyCursor(tag, q.cursor, [kind, 'string']);
      const limit = q.limit ?? DEFAULT_PAGE;
      const key = JSON.stringify([q.name, q.status, q.recipe_hash, q.sweep_id, q.from, q.to, column, desc, limit, after, runLivenessStamp(db)]);
      const entry = pages.get(key, RunPageSchema, () => {
        // One query per page: one row more than the page says whether another follows.
        const rows = listRuns(db, {
          name: q.name,
          status: q.status,
          recipe_hash: q.recipe_hash,
          sweep_id: q.sweep_id,
          from: q.from,
          to: q.to,
          order_by: column,
          desc,
          limit: limit + 1,
          after: after === undefined ? undefined : { value: after[0]!, run_id: after[1] as string },
        });
        const page = rows.slice(0, limit);
        const last = page.at(-1);
        return {
          items: page.map((r) => runRowJson(r) as z.infer<typeof RunSchema>),
          next_cursor: rows.length > limit && last ? encodeKeyCursor(tag, [runOrderValue(last, column), last.run_id]) : null,
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
    (request) => {
      const id = request.params.run_id;
      const report = readRunReport(ctx.catalog, id);
      if (!report) throw new LuckyError('E_DATA_MISSING', `run ${id} has no report yet (it is running or was interrupted)`, ['see GET /api/v1/simulations for its job']);
      return publicReport(report, ctx.catalog.dataDir);
    },
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
      const { file } = requireRunFile(ctx.catalog, request.params.run_id);
      const limit = request.query.limit ?? DEFAULT_PAGE;
      const after = request.query.cursor === undefined ? undefined : decodeCursor('contests', request.query.cursor);
      const rf = openRunFile(file, { mustExist: true, readonly: true });
      try {
        const rows = rf.contestPage({ after, minHits: request.query.min_hits, limit: limit + 1 });
        const page = rows.slice(0, limit);
        const last = page.at(-1);
        return {
          items: page.map((r) => ({
            contest: r.contest,
            draw_date: r.draw_date,
            draw: r.balls,
            best_hits: r.best_hits,
            best_ticket: r.best_ticket,
            best_numbers: r.best_numbers,
            hits_histogram: r.hits_histogram,
            cost_cents: r.cost_cents,
            prize_cents: r.prize_cents,
            prize_estimated: r.prize_estimated,
          })),
          next_cursor: rows.length > limit && last ? encodeCursor('contests', last.contest) : null,
        };
      } finally {
        rf.close();
      }
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
        response: { 200: { description: 'CSV, as `luckyfive runs export --format csv`', content: { 'text/csv': { schema: z.string() } } }, ...COMMON_ERRORS, ...errorResponses(404, 409) },
      },
    },
    (request, reply) => {
      const id = request.params.run_id;
      requireRunFile(ctx.catalog, id);
      // The file is opened and its first row read before the answer starts: a damaged or
      // unreadable file is an error envelope (422 naming it), never a 200 with a header line only.
      const rows = iterateTickets(ctx.catalog, id);
      const first = rows.next();
      const stream = Readable.from(ticketsCsv(first, rows));
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
      const { row, file } = requireRunFile(ctx.catalog, id);
      // A running run's file is being written (and its WAL not yet folded in): not a consistent copy.
      if (row.status === 'running') throw new LuckyError('E_BUSY', `run ${id} is running; download its file when it has ended`);
      void reply
        .type('application/vnd.sqlite3')
        .header('content-disposition', `attachment; filename="${id}.sqlite"`)
        .header('content-length', statSync(file).size)
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
      deleteRun(ctx.catalog, request.params.run_id);
      request.log.info({ run_id: request.params.run_id, by: request.principal?.id }, 'run deleted');
      return { run_id: request.params.run_id, deleted: true as const };
    },
  );
  done();
};

export default runsRoutes;
