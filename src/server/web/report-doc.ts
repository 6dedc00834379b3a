/**
 * A report document (`core/report/document.ts`) inside a dashboard page: the headline sentences
 * first (in the honesty box), then each section with its facts, tables (captioned, header cells
 * scoped, inside their own scrolling container) and charts (drawn to SVG by `drawCharts`, each a
 * labelled figure). The same document the CLI and API draw as HTML, PDF and PNG, so a page and a
 * report cannot disagree.
 */
import type { ReportBlock, ReportDoc } from '../../core/report/document.js';
import { drawCharts } from '../../usecases/web-charts.js';
import { chartFigure } from './chart.js';
import { type SafeHtml, html } from './html.js';
import { dataTable } from './table.js';

/** One block; `heading` (its section's) names a table that has no caption. */
function block(b: ReportBlock, heading: string, svgs: Map<ReportBlock, string>): SafeHtml {
  switch (b.type) {
    case 'paragraph':
      return b.tone === 'note' ? html`<p class="honest">${b.text}</p>` : html`<p>${b.text}</p>`;
    case 'facts':
      return html`<dl class="facts">
        ${b.rows.map(
          ([k, v]) =>
            html`<dt>${k}</dt>
              <dd>${v}</dd>`,
        )}
      </dl>`;
    case 'table': {
      const text = (i: number) => (b.columns[i]?.align ?? (i === 0 ? 'left' : 'right')) === 'left';
      const cls = (i: number) => (text(i) ? 'text' : '');
      const caption = b.caption === undefined || b.caption === '' ? null : b.caption;
      return dataTable(
        caption,
        b.columns.map((c, i) => [c.label, text(i) ? 'text' : 'figure'] as const),
        b.rows.map(
          (r) =>
            html`<tr>
              ${r.map((cell, i) => (i === 0 ? html`<th scope="row" class="${cls(0)}">${cell}</th>` : html`<td class="${cls(i)}">${cell}</td>`))}
            </tr>`,
        ),
        caption ?? heading,
      );
    }
    case 'chart': {
      const svg = svgs.get(b);
      return svg ? chartFigure(svg, b.title, b.alt) : html``;
    }
  }
}

/**
 * The document's body for a page, headings starting at `h2` (the page has its own `h1`); the
 * title and source are left to the page and its footer. Draws every chart. `omit` leaves out
 * sections by heading (a page that shows them its own way, paged).
 */
export async function reportDocBody(doc: ReportDoc, options: { headline?: boolean; omit?: readonly string[] } = {}): Promise<SafeHtml> {
  const sections = doc.sections.filter((s) => !options.omit?.includes(s.heading));
  const charts = sections.flatMap((s) => s.blocks.filter((b): b is Extract<ReportBlock, { type: 'chart' }> => b.type === 'chart'));
  const drawn = await drawCharts(charts.map((c) => c.spec));
  const svgs = new Map<ReportBlock, string>(charts.map((c, i) => [c, drawn[i]!]));
  const headline =
    options.headline === false || doc.headline.length === 0
      ? html``
      : html`<div class="honest" role="note">${doc.headline.map((s) => html`<p>${s}</p>`)}</div>`;
  return html`${headline}
  ${sections.map(
    (s) =>
      html`<section>
        <h2>${s.heading}</h2>
        ${s.blocks.map((b) => block(b, s.heading, svgs))}
      </section>`,
  )}`;
}
