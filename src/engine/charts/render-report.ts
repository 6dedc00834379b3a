/**
 * One renderer path for every report: a {@link ReportDoc}'s charts are drawn to SVG once (vega),
 * then the document is drawn as HTML (the pure core renderer, charts inline), PDF (pdfkit, vector
 * charts) or PNG (resvg: the title, subtitle, source line and headline sentences over the charts).
 * So a run, a sweep, a financial period or a comparison reads the same in every format.
 */
import type { ReportDoc } from '../../core/report/document.js';
import { renderReportHtml } from '../../core/report/html.js';
import { reportCharts, sourceLine } from '../../core/report/text.js';
import { renderPdf } from './pdf.js';
import { renderChartSvg, renderPng } from './render.js';

/** The drawn formats (CSV is each report's own data, not a drawing). */
export const DRAWN_FORMATS = ['html', 'pdf', 'png'] as const;
export type DrawnFormat = (typeof DRAWN_FORMATS)[number];

/** A drawn report: its bytes (or text), media type, file extension and, for a PNG, its size in pixels. */
export interface RenderedReport {
  body: string | Buffer;
  content_type: string;
  extension: DrawnFormat;
  size?: { width: number; height: number };
}

/** The document drawn in one format. */
export async function renderReport(doc: ReportDoc, format: DrawnFormat): Promise<RenderedReport> {
  const charts: string[] = [];
  for (const spec of reportCharts(doc)) charts.push(await renderChartSvg(spec));
  switch (format) {
    case 'html':
      return { body: renderReportHtml(doc, charts), content_type: 'text/html; charset=utf-8', extension: 'html' };
    case 'pdf':
      return { body: await renderPdf({ doc, charts }), content_type: 'application/pdf', extension: 'pdf' };
    case 'png': {
      const image = renderPng([doc.title, doc.subtitle, sourceLine(doc.source, { short: true }), ...doc.headline], charts);
      return { body: image.png, content_type: 'image/png', extension: 'png', size: { width: image.width, height: image.height } };
    }
  }
}
