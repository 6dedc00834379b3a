/**
 * `/leaderboard`: completed runs ranked by one metric (hit metrics by lift over each run's own
 * exact expectation), each beside its exact baseline with its raw p-value and the Holm and
 * Benjamini-Hochberg p-values adjusted over every matching run, and the best-of-N sentence: with
 * that many tries, chance alone gives about 5% of them a raw p below 0.05.
 */
import type { FastifyPluginCallback } from 'fastify';
import { z } from 'zod';
import { METRIC_DOCS, METRIC_NAMES, type MetricName } from '../../../core/metrics.js';
import { formatMetric } from '../../../core/ranking.js';
import { readLeaderboard } from '../../../usecases/leaderboard.js';
import type { ServerContext } from '../../context.js';
import { count, pval } from '../format.js';
import { html } from '../html.js';
import { type PageCache, pageRoute, parseQuery } from '../page-route.js';
import { dataTable, selectOptions } from '../table.js';
import { runLink } from './run-rows.js';

const Query = z.strictObject({
  metric: z.enum(METRIC_NAMES).optional(),
  filter: z.string().max(500).optional(),
  since: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

const leaderboardPage: FastifyPluginCallback<{ ctx: ServerContext; cache: PageCache }> = (app, { ctx, cache }, done) => {
  pageRoute(app, cache, '/leaderboard', { active: '/leaderboard', role: 'viewer' }, (request) => {
    const q = parseQuery(Query, request.query);
    const metric: MetricName = q.metric ?? 'mean_hits';
    const board = readLeaderboard(ctx, { metric, filter: q.filter, since: q.since, limit: q.limit ?? 25 });
    const byLift = board.ranked_by === 'lift';
    const synthetic = board.rows.filter((r) => r.synthetic_data).length;
    const sentence = METRIC_DOCS[metric].has_baseline
      ? `${board.shown} of ${board.matching} matching runs shown; Holm and BH adjust over all ${board.tested} of them: with that many tries, chance alone gives about ${(board.tested * 0.05).toFixed(1)} raw p-values below 0.05, and the top of any ranking is where the luckiest runs gather.`
      : `${board.shown} of ${board.matching} matching runs shown; ${metric} has no exact baseline (money depends on the prizes actually paid), so no p-values.`;
    const rows = board.rows.map(
      (r) =>
        html`<tr>
          <th scope="row">${r.rank ?? '–'}</th>
          <td class="text">${runLink(r.run_id, r.name)}${r.synthetic_data ? ' (synthetic)' : ''}</td>
          <td class="text">${r.strategy}</td>
          <td>${count(r.contests)}</td>
          <td>${formatMetric(metric, r.value)}</td>
          <td>${formatMetric(metric, r.baseline)}</td>
          ${byLift ? html`<td>${r.lift === null ? '–' : `${r.lift.toFixed(3)}×`}</td>` : ''}
          <td>${pval(r.p_value)}</td>
          <td>${pval(r.p_holm)}</td>
          <td>${pval(r.p_bh)}</td>
        </tr>`,
    );
    const body = html`<h1>Leaderboard</h1>
      <form class="filters" method="get" action="/leaderboard">
        <label for="f-metric"
          >Metric
          <select id="f-metric" name="metric">
            ${selectOptions(METRIC_NAMES, metric, null)}
          </select></label
        >
        <label for="f-filter"
          >Filter <input id="f-filter" name="filter" type="text" value="${q.filter ?? ''}" placeholder="history>=200 and strategy=advanced"
        /></label>
        <label for="f-since">Created since <input id="f-since" name="since" type="date" value="${q.since ?? ''}" /></label>
        <label for="f-limit">Rows <input id="f-limit" name="limit" type="number" min="1" max="500" value="${q.limit ?? 25}" /></label>
        <button type="submit">Rank</button>
      </form>
      <div class="honest" role="note">
        <p>${sentence}</p>
        ${byLift ? html`<p>Ranked by lift: each run's ${metric} over its own exact expectation (which grows with the numbers per ticket), not by the raw value.</p>` : ''}
        ${synthetic ? html`<p>${synthetic} of these runs ran on the synthetic sample, not official results.</p>` : ''}
      </div>
      ${
        board.rows.length === 0
          ? html`<p>No completed run matches.</p>`
          : dataTable(
              `Completed runs ranked by ${metric}${byLift ? ' (lift over the exact baseline)' : ''}`,
              [
                ['rank', 'figure'],
                ['run', 'text'],
                ['strategy', 'text'],
                ['contests', 'figure'],
                [metric, 'figure'],
                ['exact baseline', 'figure'],
                byLift && ['lift', 'figure'],
                ['p', 'figure'],
                ['p (Holm)', 'figure'],
                ['p (BH)', 'figure'],
              ],
              rows,
            )
      }`;
    return { title: 'Leaderboard', body };
  });
  done();
};

export default leaderboardPage;
