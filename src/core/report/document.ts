/**
 * The report document: what a report says, independent of how it is drawn. Every report (a run,
 * a sweep, a financial period, a comparison) is built as one `ReportDoc` by a use case and then
 * drawn as HTML, PDF or PNG by the same renderers, so the four outputs cannot disagree. Charts
 * travel as vega-lite specs (core/charts) and are drawn to SVG by the renderer.
 */
import type { ChartSpec } from '../charts/run-charts.js';

/** Where a report's data came from: every report states it. */
export interface ReportSource {
  /** true when any draw behind it is synthetic sample data; null when no draw is involved (books) */
  synthetic: boolean | null;
  /** the draws' dataset hash, when one dataset is behind the report */
  dataset_hash: string | null;
  /** the luckyfive version that wrote the report */
  version: string;
  /** when the report was written (ISO time) */
  generated_at: string;
}

/** One block of a section, drawn in order. */
export type ReportBlock =
  /** a sentence or two; `note` stands out (the honesty sentences, warnings) */
  | { type: 'paragraph'; text: string; tone?: 'plain' | 'note' }
  /** label/value pairs (what was run, on which draws) */
  | { type: 'facts'; rows: ReadonlyArray<readonly [label: string, value: string]> }
  /** a table of text cells; `align` per column (default: first left, the rest right) */
  | {
      type: 'table';
      columns: ReadonlyArray<{ label: string; align?: 'left' | 'right' }>;
      rows: ReadonlyArray<readonly string[]>;
      caption?: string;
    }
  /** a chart: `alt` is the text a screen reader (and the PDF's text layer) gets */
  | { type: 'chart'; title: string; spec: ChartSpec; alt: string };

export interface ReportSection {
  heading: string;
  blocks: readonly ReportBlock[];
}

export interface ReportDoc {
  kind: 'run' | 'sweep' | 'books' | 'compare';
  title: string;
  /** one line under the title (the run's strategy and range, the period, ...) */
  subtitle: string;
  source: ReportSource;
  /** the sentences a reader must see first (the baseline verdict, "too short to tell", synthetic data) */
  headline: readonly string[];
  sections: readonly ReportSection[];
  /** the download file name without extension, e.g. `run-01J...-report` */
  file_stem: string;
}
