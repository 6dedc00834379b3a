/**
 * Reports over HTTP, through the same use cases as `luckyfive report`: a run's report as
 * `GET /runs/{run_id}/report.{html,pdf,png,csv}` (viewer, as `GET /runs/{run_id}`; the CSV is
 * byte for byte `tickets.csv`) and the financial period report as
 * `GET /books/report.{html,pdf,png,csv}?from=D&to=D` (viewer, as the ledger reads), a sweep's as
 * `GET /sweeps/{sweep_id}/report.*` and a comparison's as `GET /compare/report.*?runs=A,B[,...]`
 * (viewer, as `GET /sweeps/{sweep_id}` and `GET /compare`; the comparison always in the heavy
 * bucket: its tests run on the pool and stop when the client goes away). Each drawn report is kept, with its ETag, while the catalog is
 * unchanged (so a conditional GET is a 304 and a second download costs no rendering); PDF and PNG
 * draw from the heavy rate bucket. Every answer is an attachment named as the CLI would name it.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { LruMap } from '../../core/lru.js';
import { readClock } from '../../clock.js';
import { catalogStamp } from '../../usecases/catalog.js';
import { LuckyError } from '../../errors.js';
import { type ReportFormat, type ReportOutput, reportBooks, reportCompare, reportRun, reportSweep } from '../../usecases/reports.js';
import { RUN_ID_PATTERN } from '../../usecases/runs.js';
import type { ResourcePlugin, ServerContext } from '../context.js';
import { COMMON_ERRORS, errorResponses } from '../error-envelope.js';
import { IsoDateParam } from '../schemas.js';
import { RunIdParam } from './runs.js';

/** The media type each format is documented (and sent) with. */
const MEDIA: Record<ReportFormat, { type: string; description: string; binary: boolean }> = {
  html: { type: 'text/html', description: 'one self-contained HTML file (inline CSS and SVG charts, no script, no external URL)', binary: false },
  pdf: { type: 'application/pdf', description: 'an A4 PDF: real text, vector charts, embedded fonts', binary: true },
  png: { type: 'image/png', description: 'a PNG: the title, source line and headline over the charts', binary: true },
  csv: { type: 'text/csv', description: "the report's data as CSV", binary: false },
};

/**
 * The most runs one comparison report takes over HTTP: its permutation tests grow with the pairs
 * (and the report's use case takes no work cap, unlike `GET /compare`), so the API keeps it small.
 */
const MAX_COMPARE_RUNS = 6;

/** `runs=A,B,C`: 2 to {@link MAX_COMPARE_RUNS} run ids, each of the run id form. */
function parseRunList(runs: string): string[] {
  const ids = runs.split(',').map((s) => s.trim());
  const bad = ids.filter((id) => !RUN_ID_PATTERN.test(id));
  if (bad.length > 0)
    throw new LuckyError(
      'E_INPUT_INVALID',
      'runs must be run ids, comma-separated',
      bad.slice(0, 5).map((id) => `runs: not a run id: ${JSON.stringify(id.slice(0, 80))}`),
    );
  if (ids.length < 2 || ids.length > MAX_COMPARE_RUNS)
    throw new LuckyError('E_INPUT_INVALID', `a comparison report takes 2 to ${MAX_COMPARE_RUNS} runs`, [`runs: ${ids.length} given`]);
  return ids;
}

/** Bytes gathered before a CSV chunk is handed to the socket. */
const CSV_CHUNK = 64 * 1024;

/** Text pieces gathered into chunks of about {@link CSV_CHUNK} bytes; stopping early stops the source. */
function* chunked(pieces: Iterable<string | Uint8Array>): Generator<string | Buffer> {
  const it = pieces[Symbol.iterator]();
  try {
    let chunk = '';
    for (let next = it.next(); !next.done; next = it.next()) {
      const piece = next.value;
      if (typeof piece !== 'string') {
        if (chunk) yield chunk;
        chunk = '';
        yield Buffer.from(piece);
        continue;
      }
      chunk += piece;
      if (chunk.length >= CSV_CHUNK) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  } finally {
    it.return?.(undefined);
  }
}

interface DrawnAnswer {
  stamp: string;
  body: Buffer;
  etag: string;
  content_type: string;
  file_name: string;
}

/** A drawn report (html, pdf, png) kept under `key` while the catalog is unchanged. */
class DrawnReports {
  private readonly entries = new LruMap<string, DrawnAnswer>(32);

  constructor(private readonly ctx: ServerContext) {}

  async get(key: string, build: () => Promise<ReportOutput>): Promise<DrawnAnswer> {
    const stamp = catalogStamp(this.ctx.catalog.db);
    const hit = this.entries.get(key);
    if (hit && hit.stamp === stamp) return hit;
    const out = await build();
    const body = Buffer.concat([...out.chunks].map((c) => (typeof c === 'string' ? Buffer.from(c, 'utf8') : Buffer.from(c))));
    const entry = { stamp, body, etag: `W/"${createHash('sha1').update(body).digest('base64url')}"`, content_type: out.content_type, file_name: out.file_name };
    this.entries.set(key, entry);
    return entry;
  }
}

function attachment(reply: FastifyReply, contentType: string, fileName: string): FastifyReply {
  return reply.type(contentType).header('content-disposition', `attachment; filename="${fileName}"`);
}

const reportsRoutes: ResourcePlugin = (app, { ctx }, done) => {
  const drawn = new DrawnReports(ctx);
  const deps = () => ({ catalog: ctx.catalog, clock: readClock(new Date(ctx.now())) });

  /**
   * The four routes of one report: `<path>.{html,pdf,png,csv}`. `build` makes the report in a
   * format from the request; `key` names it in the cache (its id and query).
   */
  function reportRoutes<P extends z.ZodType, Q extends z.ZodType>(spec: {
    path: string;
    tag: string;
    what: string;
    params?: P;
    querystring?: Q;
    /** the error statuses it answers with besides the common ones */
    errors: ReturnType<typeof errorResponses>;
    key: (params: z.infer<P>, query: z.infer<Q>) => string;
    build: (params: z.infer<P>, query: z.infer<Q>, format: ReportFormat, signal: AbortSignal) => Promise<ReportOutput>;
    /** every format in the heavy bucket (the comparison's permutation tests), not only PDF and PNG */
    heavy?: boolean;
  }): void {
    for (const format of ['html', 'pdf', 'png', 'csv'] as const) {
      const media = MEDIA[format];
      app.get(
        `${spec.path}.${format}`,
        {
          config: { role: 'viewer', rateClass: spec.heavy || format === 'pdf' || format === 'png' ? 'heavy' : 'read' },
          schema: {
            summary: `${spec.what} as ${format.toUpperCase()}`,
            tags: [spec.tag],
            ...(spec.params ? { params: spec.params } : {}),
            ...(spec.querystring ? { querystring: spec.querystring } : {}),
            response: {
              200: {
                description: `${media.description}; an attachment (Content-Disposition)`,
                content: { [media.type]: { schema: media.binary ? z.string().meta({ format: 'binary' }) : z.string() } },
              },
              ...COMMON_ERRORS,
              ...spec.errors,
            },
          },
        },
        async (request, reply) => {
          const params = request.params as z.infer<P>;
          const query = request.query as z.infer<Q>;
          // a client that goes away stops what can be stopped (a comparison's tests on the pool)
          const controller = new AbortController();
          const onClose = () => {
            if (!reply.raw.writableFinished) controller.abort();
          };
          reply.raw.on('close', onClose);
          try {
            if (format === 'csv') {
              const out = await spec.build(params, query, 'csv', controller.signal);
              const stream = Readable.from(chunked(out.chunks));
              // failing once the 200 is on its way: the connection is destroyed so the client sees a failure, as tickets.csv does
              stream.once('error', (err) => {
                request.log.error({ err, url: request.url }, 'report CSV failed mid-stream; connection aborted');
                reply.raw.destroy(err);
              });
              // streams are sent as they are (no serializer)
              return attachment(reply, out.content_type, out.file_name).send(stream);
            }
            const entry = await drawn.get(`${spec.path}|${format}|${spec.key(params, query)}`, () => spec.build(params, query, format, controller.signal));
            return attachment(reply, entry.content_type, entry.file_name).header('etag', entry.etag).send(entry.body);
          } finally {
            reply.raw.off('close', onClose);
          }
        },
      );
    }
  }

  reportRoutes({
    path: '/runs/:run_id/report',
    tag: 'runs',
    what: "A run's report (every hit figure beside its exact baseline, the books, the charts; CSV: every ticket, as tickets.csv)",
    params: z.strictObject({ run_id: RunIdParam }),
    errors: errorResponses(404, 409),
    key: (p) => p.run_id,
    build: (p, _q, format) => reportRun(deps(), { run_id: p.run_id, format }),
  });

  reportRoutes({
    path: '/books/report',
    tag: 'books',
    what: 'The financial period report from..to (balances, entries with reversals, months, balance with assertions, ROI beside the expected ROI, budgets; CSV: the entries)',
    querystring: z.strictObject({
      from: IsoDateParam.meta({ description: 'first day of the period' }),
      to: IsoDateParam.meta({ description: 'last day of the period (inclusive)' }),
    }),
    errors: {},
    key: (_p, q) => `${q.from}|${q.to}`,
    build: (_p, q, format) => reportBooks(deps(), { from: q.from, to: q.to, format }),
  });

  reportRoutes({
    path: '/sweeps/:sweep_id/report',
    tag: 'sweeps',
    what: "A sweep's report (its honesty sentence first, every cell ranked with raw and adjusted p, the heatmap or line, unfinished cells; CSV: the cells)",
    params: z.strictObject({
      sweep_id: z
        .string()
        .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be a sweep id')
        .meta({ description: 'a sweep id' }),
    }),
    errors: errorResponses(404),
    key: (p) => p.sweep_id,
    build: (p, _q, format) => reportSweep(deps(), { sweep_id: p.sweep_id, format }),
  });

  reportRoutes({
    path: '/compare/report',
    tag: 'compare',
    what: `2 to ${MAX_COMPARE_RUNS} completed runs compared (every figure beside its baseline, the paired tests with Holm p and their sentences, the paired difference per contest; CSV: the per-contest series)`,
    querystring: z.strictObject({
      runs: z
        .string()
        .max(1_000)
        .meta({ description: `2 to ${MAX_COMPARE_RUNS} run ids, comma-separated` }),
    }),
    errors: errorResponses(404, 409),
    heavy: true,
    key: (_p, q) => q.runs,
    build: (_p, q, format, signal) => reportCompare({ ...deps(), pool: ctx.pool, signal }, { run_ids: parseRunList(q.runs), format }),
  });

  done();
};

export default reportsRoutes;
