/**
 * Draws: `GET /api/v1/draws` (filters, cursor pagination, one query per page) and
 * `GET /api/v1/draws/{contest}`. Items have the same JSON shape as `luckyfive draws show --json`.
 */
import { z } from 'zod';
import type { Draw } from '../../core/draw.js';
import { LuckyError } from '../../errors.js';
import { getDraw, listDraws } from '../../store/draws-repo.js';
import type { ResourcePlugin } from '../context.js';
import { COMMON_ERRORS, errorResponses } from '../error-envelope.js';
import { ResponseCache } from '../response-cache.js';
import {
  ContestParam,
  CursorParam,
  DEFAULT_PAGE,
  IsoDateParam,
  LimitParam,
  checkContestRange,
  decodeCursor,
  encodeCursor,
  pageSchema,
} from '../schemas.js';

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

export type DrawJson = z.infer<typeof DrawSchema>;

const tier = (d: Draw, hits: 2 | 3 | 4 | 5) => ({ hits, winners: d.tiers[hits].winners, prize_cents: d.tiers[hits].prize_cents });

/** The stable JSON shape of one draw (the CLI's `drawJson`). */
export function toDrawJson(d: Draw): DrawJson {
  return {
    contest: d.contest,
    date: d.date,
    balls: [...d.balls],
    tiers: { quina: tier(d, 5), quadra: tier(d, 4), terno: tier(d, 3), duque: tier(d, 2) },
    accumulated_5_cents: d.accumulated_5_cents,
    revenue_cents: d.revenue_cents,
    currency: d.currency,
    synthetic: d.synthetic,
    source: d.source,
  };
}

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
        // One query per page: ask for one more row than the page to know whether another follows.
        const rows = listDraws(ctx.catalog.db, { from: q.from, to: q.to, since: q.since, until: q.until, order, after, limit: limit + 1 });
        const page = rows.slice(0, limit);
        const last = page.at(-1);
        return { items: page.map(toDrawJson), next_cursor: rows.length > limit && last ? encodeCursor(tag, last.contest) : null };
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
      const entry = draws.get(String(contest), DrawSchema, () => {
        const d = getDraw(ctx.catalog.db, contest);
        if (!d) throw new LuckyError('E_NOT_FOUND', `contest ${contest} is not in the catalog`);
        return toDrawJson(d);
      });
      ResponseCache.send(reply, entry);
    },
  );
  done();
};

export default drawsRoutes;
