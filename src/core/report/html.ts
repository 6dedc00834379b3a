/**
 * A report document as one self-contained HTML file: inline CSS, charts as inline SVG (drawn once
 * by the engine and passed in), no script and no external URL, so a cron job can mail it as it
 * is. Every text of the document is escaped; tables keep their column alignment.
 */
import type { ReportBlock, ReportDoc } from './document.js';
import { sourceLine } from './text.js';

/** Text for HTML: `&`, `<`, `>`, `"` and `'` escaped. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `body{font-family:"DejaVu Sans",Verdana,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#222;line-height:1.45}
h1{font-size:1.5rem;margin-bottom:.25rem}.subtitle{margin-top:0;color:#444}.source{font-size:.85rem;color:#555}
h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ccc}.headline p{margin:.4rem 0}
table{border-collapse:collapse;margin:.5rem 0}caption{text-align:left;font-weight:bold;padding:.25rem 0}
th,td{border:1px solid #ccc;padding:.25rem .5rem;vertical-align:top}.facts td{overflow-wrap:anywhere}.scroll{overflow-x:auto}.source{overflow-wrap:anywhere}.l{text-align:left}.r{text-align:right}
.facts th{text-align:left;font-weight:normal;color:#444}.note{background:#fff6d5;border:1px solid #e0c860;padding:.5rem .75rem}
figure{margin:1rem 0}figure svg{max-width:100%;height:auto}figcaption{font-size:.85rem;color:#555}footer{margin-top:2rem;font-size:.85rem;color:#555;overflow-wrap:anywhere}`;

function block(b: ReportBlock, charts: readonly string[], next: { chart: number }): string {
  switch (b.type) {
    case 'paragraph':
      return b.tone === 'note' ? `<p class="note">${escapeHtml(b.text)}</p>` : `<p>${escapeHtml(b.text)}</p>`;
    case 'facts':
      return `<table class="facts"><tbody>${b.rows.map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td class="l">${escapeHtml(v)}</td></tr>`).join('')}</tbody></table>`;
    case 'table': {
      const align = b.columns.map((c, i) => ((c.align ?? (i === 0 ? 'left' : 'right')) === 'left' ? 'l' : 'r'));
      const head = b.columns.map((c, i) => `<th scope="col" class="${align[i]}">${escapeHtml(c.label)}</th>`).join('');
      const rows = b.rows.map((r) => `<tr>${r.map((cell, i) => `<td class="${align[i] ?? 'r'}">${escapeHtml(cell)}</td>`).join('')}</tr>`).join('');
      const caption = b.caption ? `<caption>${escapeHtml(b.caption)}</caption>` : '';
      // a wide table scrolls on its own on a narrow screen instead of widening the page
      return `<div class="scroll"><table>${caption}<thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table></div>`;
    }
    case 'chart': {
      const svg = charts[next.chart++] ?? '';
      // the chart's description travels on the <svg> itself, for screen readers
      const labelled = svg.replace(/^<svg/, `<svg role="img" aria-label="${escapeHtml(b.alt)}"`);
      return `<figure>${labelled}<figcaption>${escapeHtml(b.alt)}</figcaption></figure>`;
    }
  }
}

/**
 * The whole file. `charts` are the SVGs of the document's chart blocks, in document order
 * (`reportCharts(doc)` drawn by `renderChartSvg`); each is placed as it is (it is the renderer's
 * own markup, not user text).
 */
export function renderReportHtml(doc: ReportDoc, charts: readonly string[]): string {
  const next = { chart: 0 };
  const headline = doc.headline.map((h, i) => (i === 0 ? `<p><strong>${escapeHtml(h)}</strong></p>` : `<p class="note">${escapeHtml(h)}</p>`)).join('\n');
  const sections = doc.sections
    .map((s) => `<section>\n<h2>${escapeHtml(s.heading)}</h2>\n${s.blocks.map((b) => block(b, charts, next)).join('\n')}\n</section>`)
    .join('\n');
  const source = escapeHtml(sourceLine(doc.source));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(doc.title)}</title><style>${STYLE}</style></head>
<body><main>
<h1>${escapeHtml(doc.title)}</h1>
<p class="subtitle">${escapeHtml(doc.subtitle)}</p>
<p class="source">${source}</p>
<div class="headline">
${headline}
</div>
${sections}
</main>
<footer>${source}</footer>
</body></html>
`;
}
