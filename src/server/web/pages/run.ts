/**
 * `/runs/:run_id`: one run. The honesty sentences come first (the verdict against the exact
 * baseline, too short to tell, synthetic draws), then the facts, every hit figure beside its
 * exact baseline with its interval and p-values, the tickets by hits, the charts, the simulated
 * books, the downloads, and the tickets one page of contests at a time (`?after=`).
 * Downloads (`/runs/:run_id/download/<file>`) are web routes with the viewer role: the tickets
 * CSV, the run file, and the reports `reportRun` can make (a format it cannot make yet is a 404
 * page saying so).
 */
import { createReadStream } from 'node:fs';
import type { FastifyPluginCallback } from 'fastify';
import { z } from 'zod';
import { readClock } from '../../../clock.js';
import { LuckyError } from '../../../errors.js';
import { REPORT_FORMATS, reportRun } from '../../../usecases/reports.js';
import { RUN_ID_PATTERN, type RunReport, readRunFileInfo, runListStamp, showRun } from '../../../usecases/runs.js';
import { drawRunCharts } from '../../../usecases/web-charts.js';
import { listRunTickets } from '../../../usecases/web-run-tickets.js';
import type { ServerContext } from '../../context.js';
import { chartFigure } from '../chart.js';
import { brl, count, fig, pct, pval } from '../format.js';
import { type SafeHtml, html } from '../html.js';
import { type PageCache, pageRoute, parseQuery } from '../page-route.js';
import { dataTable } from '../table.js';

/** Contests per page of tickets. */
const CONTESTS_PER_PAGE = 10;

const Params = z.strictObject({ run_id: z.string().regex(RUN_ID_PATTERN, 'must be a run id') });
const Query = z.strictObject({ after: z.coerce.number().int().min(0).optional() });

/** The files a run page offers, by the last part of their URL. */
const DOWNLOADS = [
  { file: 'tickets.csv', label: 'Tickets (CSV)' },
  { file: 'run.sqlite', label: 'Run file (SQLite)' },
  { file: 'report.pdf', label: 'Report (PDF)' },
  { file: 'report.html', label: 'Report (HTML)' },
  { file: 'report.png', label: 'Charts (PNG)' },
] as const;

function honesty(r: RunReport): SafeHtml {
  const b = r.summary.baseline;
  return html`<div class="honest" role="note">
    ${b ? html`<p><strong>${b.verdict}</strong></p>` : html`<p>This run has no tickets yet: nothing to compare with the baseline.</p>`}
    ${b?.too_short ? html`<p>This range is too short to tell: even 2+ hits per ticket is expected fewer than 5 times.</p>` : ''}
    ${b ? html`<p>${b.figures.mean_hits.sentence}</p>` : ''}
    <p>Draws are uniform: no strategy beats these odds in expectation. Each figure below stands beside what uniform draws give exactly.</p>
    ${r.synthetic_data ? html`<p><strong>Synthetic sample draws</strong>, not official results: these figures say nothing about the real lottery.</p>` : ''}
  </div>`;
}

function facts(r: RunReport): SafeHtml {
  const rows: Array<[string, string]> = [
    ['run id', r.run_id],
    ['status', r.status],
    ['strategy, seed', `${r.strategy}, ${r.seed}`],
    [
      'contests',
      `${r.first_contest}–${r.last_contest} (${count(r.contests)} simulated${r.missing_contests.length ? `, ${r.missing_contests.length} missing from the catalog` : ''})`,
    ],
    ['tickets', `${count(r.tickets)} (${r.summary.tickets_per_contest} a contest, ${r.summary.numbers_per_ticket} numbers each)`],
    ['draws', r.synthetic_data ? 'synthetic sample' : 'official results'],
    ['dataset hash', r.dataset_hash],
    ['recipe hash', r.recipe_hash],
    ['engine', r.engine_version],
  ];
  return html`<dl class="facts">
    ${rows.map(
      ([k, v]) =>
        html`<dt>${k}</dt>
          <dd>${v}</dd>`,
    )}
  </dl>`;
}

function figures(r: RunReport): SafeHtml {
  const b = r.summary.baseline;
  if (!b) return html``;
  // small rates keep two significant digits (0.0016%, not 0.00%)
  const rate = (x: number) => (x > 0 && x < 0.0001 ? `${(x * 100).toPrecision(2)}%` : `${(x * 100).toFixed(2)}%`);
  const rows = Object.values(b.figures).map((f) => {
    const counted = f.observed_count !== null;
    const observed = counted ? `${count(f.observed_count!)} (${rate(f.observed)})` : fig(f.observed);
    const expected = counted
      ? `${f.expected_count!.toLocaleString('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} (${rate(f.expected)})`
      : fig(f.expected);
    const ci = counted ? `${rate(f.ci95[0])} – ${rate(f.ci95[1])}` : `${fig(f.ci95[0])} – ${fig(f.ci95[1])}`;
    return html`<tr>
      <th scope="row" class="text">${f.label}</th>
      <td>${observed}</td>
      <td>${expected}</td>
      <td>${ci}</td>
      <td>${pval(f.p_value)}</td>
      <td>${f.p_adjusted === null ? 'too short' : pval(f.p_adjusted)}</td>
      <td class="wrap">${f.sentence}</td>
    </tr>`;
  });
  const dist = b.distribution.map(
    (d) =>
      html`<tr>
        <th scope="row">${d.hits}</th>
        <td>${count(d.observed)}</td>
        <td>${d.expected.toFixed(2)}</td>
        <td>${d.probability.toPrecision(4)}</td>
      </tr>`,
  );
  return html`<h2 id="figures">Hits beside the exact baseline</h2>
    ${dataTable(
      'Every hit figure beside its exact baseline, with its 95% interval and p-values',
      [
        ['figure', 'text'],
        ['observed', 'figure'],
        ['exact baseline', 'figure'],
        ['95% interval', 'figure'],
        ['p', 'figure'],
        ['p (Holm)', 'figure'],
        ['what it means', 'text'],
      ],
      rows,
    )}
    ${dataTable(
      'Tickets by hits, observed and expected exactly',
      [
        ['hits', 'figure'],
        ['tickets', 'figure'],
        ['expected (exact)', 'figure'],
        ['probability per ticket', 'figure'],
      ],
      dist,
    )}`;
}

function books(r: RunReport): SafeHtml {
  const f = r.finance;
  const rows: Array<[string, string]> = [
    ['cost', brl(f.cost_cents)],
    ['prizes', `${brl(f.prize_cents)}${f.prizes_estimated ? ' (some estimated)' : ''}`],
    ['net', brl(f.net_cents)],
    ['ROI', pct(f.roi_pct)],
    ['max drawdown', brl(f.max_drawdown_cents)],
    ['break-even', f.break_even_contest === null ? 'never' : `contest ${f.break_even_contest}`],
    ['contests with a prize', `${(f.win_rate * 100).toFixed(2)}%`],
  ];
  return html`<h2 id="books">The simulated books</h2>
    ${dataTable(
      'What these tickets would have cost and won',
      [],
      rows.map(
        ([k, v]) =>
          html`<tr>
            <th scope="row" class="text">${k}</th>
            <td>${v}</td>
          </tr>`,
      ),
    )}`;
}

function ticketsSection(ctx: ServerContext, runId: string, after: number | undefined): SafeHtml {
  const page = listRunTickets(ctx, { run_id: runId, after, contests: CONTESTS_PER_PAGE });
  const base = `/runs/${encodeURIComponent(runId)}`;
  const rows = page.items.flatMap((c) =>
    c.tickets.map(
      (t, i) =>
        html`<tr>
          ${
            i === 0
              ? html`<th scope="rowgroup" rowspan="${c.tickets.length}">${c.contest}<br /><span class="muted">${c.draw_date}</span></th>
                  <td rowspan="${c.tickets.length}" class="text">${c.draw.join(' ')}</td>`
              : ''
          }
          <td>${t.ticket}</td>
          <td class="text">${t.numbers.join(' ')}</td>
          <td>${t.hits}</td>
        </tr>`,
    ),
  );
  return html`<h2 id="tickets">Tickets</h2>
    ${
      page.items.length === 0
        ? html`<p>No contests on this page.</p>`
        : dataTable(
            `Tickets of contests ${page.items[0]!.contest}–${page.items.at(-1)!.contest}`,
            [
              ['contest', 'figure'],
              ['drawn', 'text'],
              ['ticket', 'figure'],
              ['numbers', 'text'],
              ['hits', 'figure'],
            ],
            rows,
          )
    }
    <nav class="pager" aria-label="Ticket pages">
      ${after !== undefined ? html`<a href="${base}#tickets">First contests</a>` : ''}${page.next !== null ? html`<a href="${base}?after=${page.next}#tickets" rel="next">Next ${CONTESTS_PER_PAGE} contests</a>` : ''}
    </nav>`;
}

const runPage: FastifyPluginCallback<{ ctx: ServerContext; cache: PageCache }> = (app, { ctx, cache }, done) => {
  pageRoute(app, cache, '/runs/:run_id', { active: '/runs', role: 'viewer', extraKey: () => runListStamp(ctx) }, async (request) => {
    const { run_id } = parseQuery(Params, request.params);
    const { after } = parseQuery(Query, request.query);
    const r = showRun(ctx, { run_id });
    const charts = await drawRunCharts(ctx, { run_id });
    const base = `/runs/${encodeURIComponent(r.run_id)}`;
    const title = r.name ?? r.run_id;
    const body = html`<h1>Run ${title}</h1>
      ${honesty(r)} ${facts(r)} ${figures(r)}
      <h2 id="charts">Charts</h2>
      <div class="charts">
        ${charts.hit_distribution ? chartFigure(charts.hit_distribution, 'Tickets by hits against the exact expectation, with the 95% band of luck') : ''}
        ${charts.cumulative_net ? chartFigure(charts.cumulative_net, 'Cumulative net over the contests, with drawdown and break-even') : ''}
        ${charts.best_hits ? chartFigure(charts.best_hits, 'Best hits per contest (per block of contests in long runs), with the band luck gives those tickets') : ''}
      </div>
      ${books(r)}
      <h2 id="downloads">Downloads</h2>
      <ul class="downloads">
        ${DOWNLOADS.map((d) => html`<li><a href="${base}/download/${d.file}" download>${d.label}</a></li>`)}
      </ul>
      ${ticketsSection(ctx, r.run_id, after)}`;
    return { title: `Run ${title}`, body };
  });

  app.get('/runs/:run_id/download/:file', { config: { role: 'viewer', rateClass: 'read', web: true }, schema: { hide: true } }, async (request, reply) => {
    const { run_id, file } = parseQuery(Params.extend({ file: z.enum(DOWNLOADS.map((d) => d.file) as [string, ...string[]]) }), request.params);
    void reply.header('cache-control', 'private, no-store');
    if (file === 'run.sqlite') {
      const info = readRunFileInfo(ctx, { run_id });
      return reply
        .type('application/vnd.sqlite3')
        .header('content-length', info.size)
        .header('content-disposition', `attachment; filename="${run_id}.sqlite"`)
        .send(createReadStream(info.file));
    }
    const format = file === 'tickets.csv' ? 'csv' : file.slice('report.'.length);
    if (!(REPORT_FORMATS as readonly string[]).includes(format)) {
      throw new LuckyError('E_NOT_FOUND', `no download named ${file}`);
    }
    const out = await reportRun({ catalog: ctx.catalog, clock: readClock(new Date(ctx.now())) }, { run_id, format: format as (typeof REPORT_FORMATS)[number] });
    const parts = [...out.chunks].map((c) => (typeof c === 'string' ? Buffer.from(c, 'utf8') : Buffer.from(c)));
    return reply.type(out.content_type).header('content-disposition', `attachment; filename="${out.file_name}"`).send(Buffer.concat(parts));
  });
  done();
};

export default runPage;
