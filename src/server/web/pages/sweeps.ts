/**
 * `/sweeps`: every sweep with its status and progress; `/sweeps/:sweep_id`: one sweep as its
 * report document shows it: the honesty sentence first (the best cell against the best of N
 * tries, raw and adjusted p, its holdout), the spec, every cell ranked with its exact baseline and
 * raw, Holm and BH p-values, the heatmap (two swept parameters) or line (one), unfinished cells.
 */
import type { FastifyPluginCallback } from 'fastify';
import { z } from 'zod';
import { readClock } from '../../../clock.js';
import { SWEEP_STATUSES } from '../../../core/sweep/status.js';
import { buildSweepReport } from '../../../usecases/report-sweep.js';
import { listSweeps } from '../../../usecases/sweeps.js';
import type { ServerContext } from '../../context.js';
import { count } from '../format.js';
import { html } from '../html.js';
import { type PageCache, pageRoute, parseQuery } from '../page-route.js';
import { dataTable, selectOptions } from '../table.js';
import { reportDocBody } from '../report-doc.js';

const ListQuery = z.strictObject({ status: z.enum(SWEEP_STATUSES).optional() });
const Params = z.strictObject({ sweep_id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be a sweep id') });

const sweepsPages: FastifyPluginCallback<{ ctx: ServerContext; cache: PageCache }> = (app, { ctx, cache }, done) => {
  pageRoute(app, cache, '/sweeps', { active: '/sweeps', role: 'viewer' }, (request) => {
    const q = parseQuery(ListQuery, request.query);
    const sweeps = listSweeps(ctx, { status: q.status, limit: 200 });
    const rows = sweeps.map(
      (w) =>
        html`<tr>
          <th scope="row" class="text"><a href="/sweeps/${encodeURIComponent(w.sweep_id)}">${w.name}</a></th>
          <td class="text">${w.status}</td>
          <td>${count(w.cells_done)} / ${count(w.cells_total)}${w.cells_failed ? html` <span class="bad">(${w.cells_failed} failed)</span>` : ''}</td>
          <td>${w.first_contest}–${w.last_contest}</td>
          <td class="text">${w.holdout ? `${w.holdout.from}–${w.holdout.to ?? 'latest'}` : 'none'}</td>
          <td class="text">${w.metric}</td>
          <td class="text">${w.created_at.slice(0, 16).replace('T', ' ')}</td>
        </tr>`,
    );
    const body = html`<h1>Sweeps</h1>
      <form class="filters" method="get" action="/sweeps">
        <label for="f-status"
          >Status
          <select id="f-status" name="status">
            ${selectOptions(SWEEP_STATUSES, q.status, 'any status')}
          </select></label
        >
        <button type="submit">Show</button>
      </form>
      <p class="muted">
        A sweep runs one recipe over a grid of parameters. Its best cell is the luckiest of many tries: every p-value is adjusted over all of them, and only a
        holdout range chosen beforehand can confirm it.
      </p>
      ${
        sweeps.length === 0
          ? html`<p>
              No sweeps${q.status ? ` with status ${q.status}` : ''}. Sweeps are started with <code>luckyfive sweep</code> or <code>POST /api/v1/sweeps</code>.
            </p>`
          : dataTable(
              'Sweeps, newest first',
              [
                ['sweep', 'text'],
                ['status', 'text'],
                ['cells done', 'figure'],
                ['contests', 'figure'],
                ['holdout', 'text'],
                ['metric', 'text'],
                ['created (UTC)', 'text'],
              ],
              rows,
            )
      }`;
    return { title: 'Sweeps', body };
  });

  pageRoute(app, cache, '/sweeps/:sweep_id', { active: '/sweeps', role: 'viewer' }, async (request) => {
    const { sweep_id } = parseQuery(Params, request.params);
    const doc = buildSweepReport({ catalog: ctx.catalog, clock: readClock(new Date(ctx.now())) }, { sweep_id });
    const body = html`<h1>${doc.title}</h1>
      <p class="muted">${doc.subtitle}</p>
      ${await reportDocBody(doc)}
      <p><a href="/sweeps">All sweeps</a></p>`;
    return { title: doc.title, body };
  });
  done();
};

export default sweepsPages;
