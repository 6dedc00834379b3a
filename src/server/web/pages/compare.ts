/**
 * `/compare`: a GET form to pick two or more completed runs (checkboxes from the latest ones, or
 * `?runs=A,B,...`), then the comparison: each metric per run beside its exact baseline with its
 * p-value and rank, the paired tests of every pair (sign and permutation, Holm-adjusted over the
 * pairs) with their sentences, and the paired difference per contest as a chart.
 */
import type { FastifyPluginCallback, FastifyRequest } from 'fastify';
import { type MetricName, parseMetricName } from '../../../core/metrics.js';
import { formatMetric } from '../../../core/ranking.js';
import { LuckyError } from '../../../errors.js';
import { COMPARE_MAX_WORK, type CompareReport, compareRuns } from '../../../usecases/compare.js';
import { listRuns } from '../../../usecases/runs.js';
import { drawPairedDifferences } from '../../../usecases/web-charts.js';
import type { ServerContext } from '../../context.js';
import { chartFigure } from '../chart.js';
import { count, fig, pval } from '../format.js';
import { type SafeHtml, html } from '../html.js';
import { type PageCache, pageRoute } from '../page-route.js';
import { dataTable } from '../table.js';
import { runLink } from './run-rows.js';

/** The metrics the page shows (the API's `/compare` can show every one). */
const METRICS: readonly MetricName[] = ['mean_hits', 'rate_2', 'rate_3', 'best_2plus', 'net_cents', 'roi_pct'].map(parseMetricName);
/** Runs offered as checkboxes. */
const OFFERED = 30;
/** Pairs drawn as charts; the rest are in the table only. */
const MAX_CHARTS = 6;

/** The run ids of the query: `runs=A,B` and/or `runs=A&runs=B` (checkboxes), in order, once each. */
function pickedRuns(request: FastifyRequest): string[] {
  const given = (request.query as Record<string, unknown>).runs;
  const values = ([] as unknown[]).concat(given ?? []).filter((v): v is string => typeof v === 'string');
  const ids = [
    ...new Set(
      values
        .flatMap((v) => v.split(','))
        .map((v) => v.trim())
        .filter((v) => v !== ''),
    ),
  ];
  if (ids.length > 50) throw new LuckyError('E_INPUT_INVALID', 'compare takes at most 50 runs', ['query.runs: too many']);
  return ids;
}

function metricTables(report: CompareReport, names: Map<string, string | null>): SafeHtml {
  return html`${report.metrics.map((m) =>
    dataTable(
      `${m.metric}${m.winner ? `: best ${names.get(m.winner) ?? m.winner}` : ''}`,
      [
        ['run', 'text'],
        [m.metric, 'figure'],
        ['exact baseline', 'figure'],
        ['p', 'figure'],
        ['rank', 'figure'],
      ],
      m.values.map(
        (v) =>
          html`<tr>
            <th scope="row" class="text">${runLink(v.run_id, names.get(v.run_id) ?? null)}</th>
            <td>${formatMetric(m.metric, v.value)}</td>
            <td>${formatMetric(m.metric, v.baseline)}</td>
            <td>${pval(v.p_value)}</td>
            <td>${v.rank ?? '–'}</td>
          </tr>`,
      ),
    ),
  )}`;
}

function pairsTable(report: CompareReport, names: Map<string, string | null>): SafeHtml {
  const name = (id: string) => names.get(id) ?? id;
  return html`${dataTable(
    `Paired tests per contest${report.pairs.length > 1 ? `, Holm-adjusted over the ${report.pairs.length} pairs` : ''}`,
    [
      ['A', 'text'],
      ['B', 'text'],
      ['shared contests', 'figure'],
      ['mean A − B (hits per ticket)', 'figure'],
      ['A better / B better / ties', 'figure'],
      ['sign p', 'figure'],
      ['permutation p', 'figure'],
      ['p (Holm)', 'figure'],
    ],
    report.pairs.map(
      (p) =>
        html`<tr>
          <th scope="row" class="text">${name(p.a)}</th>
          <td class="text">${name(p.b)}</td>
          <td>${p.paired ? count(p.shared_contests) : 'unpaired'}</td>
          <td>${fig(p.mean_diff)}</td>
          <td>${p.a_better ?? '–'} / ${p.b_better ?? '–'} / ${p.ties ?? '–'}</td>
          <td>${pval(p.sign_p)}</td>
          <td>${pval(p.permutation_p)}</td>
          <td>${pval(p.permutation_p_holm)}</td>
        </tr>`,
    ),
  )}
  ${report.pairs.map((p) => html`<p>${p.sentence}</p>`)}`;
}

const comparePage: FastifyPluginCallback<{ ctx: ServerContext; cache: PageCache }> = (app, { ctx, cache }, done) => {
  pageRoute(app, cache, '/compare', { active: '/compare', role: 'viewer' }, async (request) => {
    const ids = pickedRuns(request);
    const offered = listRuns(ctx, { status: 'completed', limit: OFFERED }).runs;
    const boxes = offered.map(
      (r) =>
        html`<label
          ><input type="checkbox" name="runs" value="${r.run_id}" ${ids.includes(r.run_id) ? html` checked` : ''} /> ${r.name ?? r.run_id}
          <span class="muted">(${r.strategy}, contests ${r.first_contest}–${r.last_contest}, mean hits ${fig(r.mean_hits)})</span></label
        >`,
    );
    const form = html`<form method="get" action="/compare">
      <fieldset>
        <legend>Pick two or more completed runs (the ${OFFERED} latest)</legend>
        ${offered.length === 0 ? html`<p>No completed runs yet.</p>` : boxes}
      </fieldset>
      <button type="submit">Compare</button>
    </form>`;
    if (ids.length < 2) {
      return {
        title: 'Compare',
        body: html`<h1>Compare runs</h1>
          ${ids.length === 1 ? html`<p class="bad">Pick at least two runs.</p>` : ''} ${form}`,
      };
    }
    const report = await compareRuns(
      { catalog: ctx.catalog, pool: ctx.pool, signal: new AbortController().signal },
      { ids, metrics: METRICS, maxWork: COMPARE_MAX_WORK },
    );
    const names = new Map(report.runs.map((r) => [r.run_id, r.name]));
    const charts: SafeHtml[] = [];
    for (const p of report.pairs.filter((x) => x.paired).slice(0, MAX_CHARTS)) {
      const svg = await drawPairedDifferences(ctx, { a: p.a, b: p.b });
      if (svg) charts.push(chartFigure(svg, `${names.get(p.a) ?? p.a} minus ${names.get(p.b) ?? p.b}: mean hits per ticket, per shared contest`));
    }
    const synthetic = report.runs.some((r) => r.synthetic_data);
    const body = html`<h1>Compare runs</h1>
      <div class="honest" role="note">
        ${report.pairs.map((p) => html`<p>${p.sentence}</p>`)} ${report.notes.map((n) => html`<p>${n}</p>`)}
        <p>
          Every run is also judged against the exact baseline of uniform draws: a difference between two runs is no evidence of skill unless it survives the
          adjustment for every pair tried.
        </p>
        ${synthetic ? html`<p><strong>Synthetic sample draws</strong>, not official results.</p>` : ''}
      </div>
      <h2>Runs</h2>
      ${dataTable(
        'The runs compared',
        [
          ['run', 'text'],
          ['strategy', 'text'],
          ['contests', 'figure'],
          ['tickets', 'figure'],
          ['numbers per ticket', 'figure'],
        ],
        report.runs.map(
          (r) =>
            html`<tr>
              <th scope="row" class="text">${runLink(r.run_id, r.name)}</th>
              <td class="text">${r.strategy}</td>
              <td>${r.first_contest}–${r.last_contest} (${count(r.contests)})</td>
              <td>${count(r.tickets)}</td>
              <td>${r.numbers_per_ticket}</td>
            </tr>`,
        ),
      )}
      <h2>Paired tests</h2>
      ${pairsTable(report, names)}
      ${
        charts.length > 0
          ? html`<h2>Paired differences per contest</h2>
              <div class="charts">${charts}</div>`
          : ''
      }
      <h2>Each metric beside its baseline</h2>
      ${metricTables(report, names)}
      <h2>Compare other runs</h2>
      ${form}`;
    return { title: 'Compare', body };
  });
  done();
};

export default comparePage;
