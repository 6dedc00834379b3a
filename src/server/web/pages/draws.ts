/**
 * `/draws`: the draws, newest first, one page at a time (`?after=` links), filtered by a contest
 * range; above them, how often each number was drawn in that range against the exact expectation
 * with the chi-square uniformity test (chart and table).
 */
import type { FastifyPluginCallback } from 'fastify';
import { z } from 'zod';
import { numberFrequencyChart } from '../../../core/charts/draw-charts.js';
import { type DrawJson, listDraws, readDrawStats } from '../../../usecases/draws.js';
import { drawCharts } from '../../../usecases/web-charts.js';
import type { ServerContext } from '../../context.js';
import { checkContestRange } from '../../schemas.js';
import { chartFigure } from '../chart.js';
import { brl, count, pval } from '../format.js';
import { type SafeHtml, html } from '../html.js';
import { type PageCache, pageRoute, parseQuery } from '../page-route.js';
import { dataTable } from '../table.js';

const PAGE_SIZE = 50;
const Contest = z.coerce.number().int().min(1).max(99_999);
const Query = z.strictObject({ from: Contest.optional(), to: Contest.optional(), after: Contest.optional() });
type DrawsQuery = z.infer<typeof Query>;

/** Money of a draw in its own currency (cruzeiros real before the real). */
function money(cents: number | null, currency: DrawJson['currency']): string {
  if (cents === null) return '–';
  return currency === 'BRL' ? brl(cents) : `CR$ ${(cents / 100).toLocaleString('pt-BR', { minimumFractionDigits: 2 })}`;
}

function url(q: DrawsQuery, after?: number): string {
  const p = new URLSearchParams();
  if (q.from !== undefined) p.set('from', String(q.from));
  if (q.to !== undefined) p.set('to', String(q.to));
  if (after !== undefined) p.set('after', String(after));
  const s = p.toString();
  return s === '' ? '/draws' : `/draws?${s}`;
}

async function frequencySection(ctx: ServerContext, q: DrawsQuery): Promise<SafeHtml> {
  let stats;
  try {
    stats = readDrawStats(ctx, { from: q.from, to: q.to });
  } catch {
    return html`<p>No draws in this range: nothing to count.</p>`;
  }
  const [svg] = await drawCharts([numberFrequencyChart(stats, stats.count)]);
  const chi = stats.chi_square;
  const rows = stats.frequency.map(
    (f) =>
      html`<tr>
        <th scope="row">${f.number}</th>
        <td>${count(f.count)}</td>
        <td>${stats.expected_per_number.toFixed(2)}</td>
        <td>${(f.count - stats.expected_per_number).toFixed(2)}</td>
      </tr>`,
  );
  return html`<h2 id="frequency">How often each number was drawn</h2>
    <div class="honest" role="note">
      <p>${stats.verdict}</p>
      <p>
        Contests ${stats.first_contest}–${stats.last_contest} (${count(stats.count)} draws): each number is expected ${stats.expected_per_number.toFixed(2)}
        times exactly; chi-square ${chi.statistic.toFixed(1)} on ${chi.df} degrees of freedom, p = ${pval(chi.p_value)}.
      </p>
      ${stats.synthetic ? html`<p><strong>Synthetic sample draws</strong>, not official results.</p>` : ''}
    </div>
    ${svg ? chartFigure(svg, 'Times each number was drawn against the exact expectation and its 95% band') : ''}
    <details>
      <summary>The counts as a table</summary>
      ${dataTable(
        'Times each number was drawn, beside the exact expectation',
        [
          ['number', 'figure'],
          ['drawn', 'figure'],
          ['expected (exact)', 'figure'],
          ['difference', 'figure'],
        ],
        rows,
      )}
    </details>`;
}

const drawsPage: FastifyPluginCallback<{ ctx: ServerContext; cache: PageCache }> = (app, { ctx, cache }, done) => {
  pageRoute(app, cache, '/draws', { active: '/draws', role: 'viewer' }, async (request) => {
    const q = parseQuery(Query, request.query);
    checkContestRange(q.from, q.to);
    const page = listDraws(ctx, { from: q.from, to: q.to, order: 'desc', after: q.after, limit: PAGE_SIZE });
    const rows = page.items.map(
      (d) =>
        html`<tr>
          <th scope="row">${d.contest}</th>
          <td class="text">${d.date}</td>
          <td class="text">${d.balls.join(' ')}</td>
          <td>${d.tiers.quina.winners ?? '–'}</td>
          <td>${money(d.tiers.quina.prize_cents, d.currency)}</td>
          <td>${d.tiers.quadra.winners ?? '–'}</td>
          <td>${money(d.accumulated_5_cents, d.currency)}</td>
          <td class="text">${d.synthetic ? 'synthetic' : d.source}</td>
        </tr>`,
    );
    const body = html`<h1>Draws</h1>
      <form class="filters" method="get" action="/draws">
        <label for="f-from">From contest <input id="f-from" name="from" type="number" min="1" inputmode="numeric" value="${q.from ?? ''}" /></label>
        <label for="f-to">To contest <input id="f-to" name="to" type="number" min="1" inputmode="numeric" value="${q.to ?? ''}" /></label>
        <button type="submit">Show</button>
      </form>
      ${await frequencySection(ctx, q)}
      <h2 id="list">Draws, newest first</h2>
      ${
        page.items.length === 0
          ? html`<p>No draws here.</p>`
          : dataTable(
              `Draws ${page.items[0]!.contest}–${page.items.at(-1)!.contest}`,
              [
                ['contest', 'figure'],
                ['date', 'text'],
                ['balls', 'text'],
                ['quina winners', 'figure'],
                ['quina prize', 'figure'],
                ['quadra winners', 'figure'],
                ['accumulated', 'figure'],
                ['source', 'text'],
              ],
              rows,
            )
      }
      <nav class="pager" aria-label="Draw pages">
        ${q.after !== undefined ? html`<a href="${url(q)}#list">Newest draws</a>` : ''}${page.next_after !== null ? html`<a href="${url(q, page.next_after)}#list" rel="next">Older draws</a>` : ''}
      </nav>`;
    return { title: 'Draws', body };
  });
  done();
};

export default drawsPage;
