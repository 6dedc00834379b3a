/**
 * `/`: the overview, the `/dashboard` document as a page: the draws and where they came from,
 * runs by status, the best run beside its exact baseline with its p-value, the same p-value
 * corrected for picking the best of many and the reminder that it is noise unless a holdout
 * confirms it, the latest runs, the books and the job queue.
 */
import type { FastifyPluginCallback } from 'fastify';
import { readClock } from '../../../clock.js';
import { dashboardCacheKey, readDashboard } from '../../../usecases/dashboard.js';
import { listRuns } from '../../../usecases/runs.js';
import { brl, count, fig, pct, pval } from '../format.js';
import { html } from '../html.js';
import { type PageCache, pageRoute } from '../page-route.js';
import { dataTable } from '../table.js';
import type { ServerContext } from '../../context.js';
import { runLink, runsTable } from './run-rows.js';

const overviewPage: FastifyPluginCallback<{ ctx: ServerContext; cache: PageCache }> = (app, { ctx, cache }, done) => {
  const deps = () => ({ catalog: ctx.catalog, clock: readClock(new Date(ctx.now())) });
  pageRoute(app, cache, '/', { active: '/', role: 'viewer', extraKey: () => dashboardCacheKey(deps()) }, () => {
    const d = readDashboard(deps());
    const latest = listRuns(ctx, { limit: 5 }).runs;
    const best = d.runs.best;
    const statuses = Object.entries(d.runs.by_status).filter(([, n]) => n > 0);
    const bestBlock = best
      ? html`<section aria-labelledby="best-h">
          <h2 id="best-h">Best completed run by mean hits</h2>
          <p>
            ${runLink(best.run_id, best.name)} (${best.strategy}, ${best.numbers_per_ticket} numbers per ticket, ${count(best.contests)} contests,
            ${count(best.tickets)} tickets)
          </p>
          ${dataTable(
            'The best run beside its exact baseline',
            [
              ['figure', 'text'],
              ['observed', 'figure'],
              ['exact baseline', 'figure'],
              ['p (this run alone)', 'figure'],
              [`p (best of ${count(best.completed_runs)})`, 'figure'],
            ],
            html`<tr>
              <th scope="row">mean hits per ticket</th>
              <td>${fig(best.mean_hits)}</td>
              <td>${fig(best.expected_mean_hits)}</td>
              <td>${pval(best.p_value)}</td>
              <td>${pval(best.p_value_best_of)}</td>
            </tr>`,
          )}
          <div class="honest">
            ${best.sentence ? html`<p>${best.sentence}</p>` : ''}
            <p>${best.caveat}</p>
          </div>
        </section>`
      : html`<p>No completed run yet: the best run and its baseline appear here once one finishes.</p>`;
    const body = html`<h1>Overview</h1>
      <div class="cards">
        <section class="card" aria-labelledby="draws-h">
          <h2 id="draws-h">Draws</h2>
          <p class="big">${count(d.draws.count)}</p>
          <p>${d.draws.count === 0 ? 'none imported yet' : html`contests ${d.draws.first_contest} – ${d.draws.last_contest}, last on ${d.draws.last_date}`}</p>
          ${d.draws.synthetic ? html`<p class="bad">${count(d.draws.synthetic_count)} synthetic sample draws, not official results</p>` : ''}
        </section>
        <section class="card" aria-labelledby="runs-h">
          <h2 id="runs-h">Runs</h2>
          <p class="big">${count(d.runs.count)}</p>
          <ul>
            ${statuses.length === 0 ? html`<li>none yet</li>` : statuses.map(([s, n]) => html`<li>${s}: ${count(n)}</li>`)}
          </ul>
        </section>
        <section class="card" aria-labelledby="books-h">
          <h2 id="books-h">Books</h2>
          <p class="big">${brl(d.ledger.balance_cents)}</p>
          <p>
            balance; ${count(d.ledger.entries)} ledger ${d.ledger.entries === 1 ? 'entry' : 'entries'}; invested ${brl(d.ledger.invested_cents)}, won
            ${brl(d.ledger.won_cents)}, net ${brl(d.ledger.net_cents)}, ROI ${pct(d.ledger.roi_pct)}
          </p>
          <p>
            ${count(d.budgets.count)} ${d.budgets.count === 1 ? 'budget' : 'budgets'}:
            ${Object.entries(d.budgets.by_status)
              .map(([s, n]) => `${s} ${n}`)
              .join(', ')}
          </p>
        </section>
        <section class="card" aria-labelledby="jobs-h">
          <h2 id="jobs-h">Job queue</h2>
          <p class="big">${count(d.jobs.queue_depth)}</p>
          <p>waiting; ${count(d.jobs.running)} running</p>
        </section>
      </div>
      ${bestBlock}
      <h2>Latest runs</h2>
      ${runsTable(latest, 'The five latest runs, each hit figure beside its exact baseline')}
      <p><a href="/runs">All runs</a></p>`;
    return { title: 'Overview', body };
  });
  done();
};

export default overviewPage;
