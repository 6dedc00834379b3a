/**
 * Text every report renderer (HTML, PDF, PNG) shares, so the three cannot word it differently:
 * the source line (the data a report came from, the version and the time), and the charts of a
 * report document in the order they are drawn.
 */
import type { ChartSpec } from '../charts/run-charts.js';
import type { ReportDoc, ReportSource } from './document.js';

/**
 * "Written by luckyfive 1.2.0 at 2026-12-03T10:00:00.000Z from dataset 3f2a... (official draws)."
 * `short` gives the dataset hash's first 16 digits (a page footer, a PNG header line).
 */
export function sourceLine(source: ReportSource, opts: { short?: boolean } = {}): string {
  const synthetic = opts.short ? 'SYNTHETIC draws' : 'SYNTHETIC sample draws, not official results';
  const draws = source.synthetic === null ? 'no draws involved' : source.synthetic ? synthetic : 'official draws';
  const hash = source.dataset_hash === null ? null : opts.short ? `${source.dataset_hash.slice(0, 16)}…` : source.dataset_hash;
  const dataset = hash === null ? '' : ` from dataset ${hash}`;
  return `Written by luckyfive ${source.version} at ${source.generated_at}${dataset} (${draws}).`;
}

/** The chart blocks of a document, in drawing order: renderers draw each spec once and place the SVGs in this order. */
export function reportCharts(doc: ReportDoc): ChartSpec[] {
  return doc.sections.flatMap((s) => s.blocks.flatMap((b) => (b.type === 'chart' ? [b.spec] : [])));
}
