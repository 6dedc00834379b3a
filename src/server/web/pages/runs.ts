/**
 * `/runs`: the run index as a page. A GET form filters by status and strategy and sorts by
 * creation time, mean hits (by lift over each run's own exact expectation) or p-value; pages are
 * keyset links (`?cursor=`), as in the API. Each row shows mean hits beside its expected value.
 */
import type { FastifyPluginCallback } from 'fastify';
import { z } from 'zod';
import { STRATEGIES } from '../../../core/recipe/schema.js';
import { RUN_STATUSES, listRuns, runListOrder, runListStamp } from '../../../usecases/runs.js';
import type { ServerContext } from '../../context.js';
import { decodeKeyCursor, encodeKeyCursor } from '../../schemas.js';
import { html } from '../html.js';
import { type PageCache, pageRoute, parseQuery } from '../page-route.js';
import { selectOptions } from '../table.js';
import { runsTable } from './run-rows.js';

const PAGE_SIZE = 25;

/** The sorts the page offers: the API's order column and direction for each. */
const SORTS = {
  created: { label: 'newest first', order_by: 'created_at', desc: true },
  mean_hits: { label: 'mean hits over baseline, highest first', order_by: 'mean_hits', desc: true },
  p: { label: 'p-value, smallest first', order_by: 'p_value', desc: false },
} as const;
type Sort = keyof typeof SORTS;

const Query = z.strictObject({
  status: z.enum(RUN_STATUSES).optional(),
  strategy: z.enum(STRATEGIES).optional(),
  sort: z.enum(Object.keys(SORTS) as [Sort, ...Sort[]]).optional(),
  cursor: z.string().max(1024).optional(),
});
type RunsQuery = z.infer<typeof Query>;

/** The URL of this list with the same filters and another cursor. */
function listUrl(q: RunsQuery, cursor: string | undefined): string {
  const params = new URLSearchParams();
  for (const k of ['status', 'strategy', 'sort'] as const) if (q[k] !== undefined) params.set(k, q[k]);
  if (cursor !== undefined) params.set('cursor', cursor);
  const s = params.toString();
  return s === '' ? '/runs' : `/runs?${s}`;
}

const runsPage: FastifyPluginCallback<{ ctx: ServerContext; cache: PageCache }> = (app, { ctx, cache }, done) => {
  pageRoute(app, cache, '/runs', { active: '/runs', role: 'viewer', extraKey: () => runListStamp(ctx) }, (request) => {
    const q = parseQuery(Query, request.query);
    const sort = SORTS[q.sort ?? 'created'];
    const { column, desc, by } = runListOrder({ order_by: sort.order_by, desc: sort.desc });
    const tag = `runs.${column}${by === 'lift' ? '.lift' : ''}.${desc ? 'desc' : 'asc'}`;
    const after = q.cursor === undefined ? undefined : decodeKeyCursor(tag, q.cursor, [column === 'created_at' ? 'string' : 'nullable-number', 'string']);
    const list = listRuns(ctx, {
      status: q.status,
      strategy: q.strategy,
      order_by: column,
      desc,
      limit: PAGE_SIZE,
      after: after === undefined ? undefined : { value: after[0]!, run_id: after[1] as string },
    });
    const next = list.next ? encodeKeyCursor(tag, [list.next.value, list.next.run_id]) : undefined;
    const body = html`<h1>Runs</h1>
      <form class="filters" method="get" action="/runs">
        <label for="f-status"
          >Status
          <select id="f-status" name="status">
            ${selectOptions(RUN_STATUSES, q.status, 'any status')}
          </select></label
        >
        <label for="f-strategy"
          >Strategy
          <select id="f-strategy" name="strategy">
            ${selectOptions(STRATEGIES, q.strategy, 'any strategy')}
          </select></label
        >
        <label for="f-sort"
          >Sort by
          <select id="f-sort" name="sort">
            ${selectOptions(Object.keys(SORTS) as Sort[], q.sort ?? 'created', null, (k) => SORTS[k].label)}
          </select></label
        >
        <button type="submit">Show</button>
      </form>
      <p class="muted">
        Mean hits is the average number of matched balls per ticket; the exact baseline is what uniformly random tickets of the same size average (5k/80). A
        p-value says how often luck alone gives a result at least this far from the baseline.
      </p>
      ${runsTable(list.runs, `Runs, ${sort.label}${q.status ? `, status ${q.status}` : ''}${q.strategy ? `, strategy ${q.strategy}` : ''}`)}
      <nav class="pager" aria-label="Pages">
        ${q.cursor !== undefined ? html`<a href="${listUrl(q, undefined)}">First page</a>` : ''}${next ? html`<a href="${listUrl(q, next)}" rel="next">Next page</a>` : ''}
      </nav>`;
    return { title: 'Runs', body };
  });
  done();
};

export default runsPage;
