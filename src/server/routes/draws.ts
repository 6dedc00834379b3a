/**
 * Draws: `GET /api/v1/draws` (filters, cursor pagination, one query per page) and
 * `GET /api/v1/draws/{contest}`. Items have the same JSON shape as `luckyfive draws show --json`.
 */
import { z } from 'zod';
import { LuckyError } from '../../errors.js';
import { getDraw, listDraws } from '../../usecases/draws.js';
import type { ResourcePlugin } from '../context.js';
import { COMMON_ERRORS, errorResponses } from '../error-envelope.js';
import { ResponseCache } from '../response-cache.js';
import { ContestParam, CursorParam, DEFAULT_PAGE, IsoDateParam, LimitParam, checkContestRange, decodeCursor, encodeCursor, pageSchema } from '../schemas.js';

/** Single draws kept serialised: the whole history of the Quina (6,900 contests in 2025) fits, in about 4 MB. */
const DRAW_CACHE_ENTRIES = 10_000;

const TierSchema = z.object({ hits: z.int(), winners: z.int().nullable(), prize_cents: z.int().nullable() });

export const DrawSchema = z
  .object({
    contest: z.int(),
    date: z.string(),
    balls: z.array(z.int()),
    tiers: z.object({ quina: TierSchema, quadra: TierSchema, terno: TierSchema, duque: TierSchema }),
    accumulated_5_cents: z.int().nullable(),
    revenue_cents: z.int().nullable(),
    currency: z.enum(['BRL', 'CRR']),
    synthetic: z.boolean(),
    source: z.string(),
  })
  .meta({ id: 'Draw', description: 'One draw; money in integer centavos; null where the source had no value.' });

const ListQuery = z.strictObject({
  from: ContestParam.optional(),
  to: ContestParam.optional(),
  since: IsoDateParam.optional(),
  until: IsoDateParam.optional(),
  order: z.enum(['asc', 'desc']).optional().meta({ description: 'contest order (default asc)' }),
  limit: LimitParam,
  cursor: CursorParam,
});

const DrawPageSchema = pageSchema(DrawSchema);

const drawsRoutes: ResourcePlugin = (app, { ctx }, done) => {
  // Draws change only on import: pages are served from a cache keyed by the catalog's version.
  const pages = new ResponseCache(ctx.catalog.db);
  // Single draws too, and enough of them for every contest ever held (about 500 bytes each).
  const draws = new ResponseCache(ctx.catalog.db, DRAW_CACHE_ENTRIES);
  app.get(
    '/draws',
    {
      config: { role: 'viewer', rateClass: 'read' },
      schema: {
        summary: 'List draws by contest or date range, one page at a time',
        tags: ['draws'],
        querystring: ListQuery,
        response: { 200: DrawPageSchema, ...COMMON_ERRORS },
      },
    },
    (request, reply) => {
      const q = request.query;
      checkContestRange(q.from, q.to);
      if (q.since !== undefined && q.until !== undefined && q.since > q.until) {
        throw new LuckyError('E_RANGE_INVALID', 'invalid date range', [`query.since: ${q.since} is after query.until ${q.until}`]);
      }
      const order = q.order ?? 'asc';
      const tag = `draws.${order}`;
      const limit = q.limit ?? DEFAULT_PAGE;
      const after = q.cursor === undefined ? undefined : decodeCursor(tag, q.cursor);
      const key = [q.from, q.to, q.since, q.until, order, limit, after].join('|');
      const entry = pages.get(key, DrawPageSchema, () => {
        const page = listDraws({ catalog: ctx.catalog }, { from: q.from, to: q.to, since: q.since, until: q.until, order, after, limit });
        return { items: page.items, next_cursor: page.next_after === null ? null : encodeCursor(tag, page.next_after) };
      });
      ResponseCache.send(reply, entry);
    },
  );

  app.get(
    '/draws/:contest',
    {
      config: { role: 'viewer', rateClass: 'read' },
      schema: {
        summary: 'One draw with its prizes per tier',
        tags: ['draws'],
        params: z.strictObject({ contest: ContestParam }),
        response: { 200: DrawSchema, ...COMMON_ERRORS, ...errorResponses(404) },
      },
    },
    (request, reply) => {
      const { contest } = request.params;
      const entry = draws.get(String(contest), DrawSchema, () => getDraw({ catalog: ctx.catalog }, contest));
      ResponseCache.send(reply, entry);
    },
  );
  done();
};

export default drawsRoutes;
