/** Reports: a run as one self-contained HTML file (charts as inline SVG), a PNG of its charts, or CSV, for `luckyfive report run`. */
import { cumulativeNetChart, hitDistributionChart } from '../core/charts/run-charts.js';
import { runReportHtml } from '../core/report/run-report-html.js';
import { renderChartSvg, renderPng } from '../engine/charts/render.js';
import { readPackageVersion } from '../version.js';
import type { UseCaseDeps } from './deps.js';
import { type RunContestResult, exportRunTickets, listRunContests, showRun } from './runs.js';

/** The formats of `report run` so far. */
export const RUN_REPORT_FORMATS = ['html', 'csv', 'png'] as const;
export type RunReportFormat = (typeof RUN_REPORT_FORMATS)[number];

/** A report ready to write: its media type and its text, in pieces (a CSV streams). */
export interface ReportOutput {
  content_type: string;
  /** the file name a download or `--out` default would use */
  file_name: string;
  chunks: Iterable<string | Uint8Array>;
  /** for an image: its size in pixels */
  size?: { width: number; height: number } | undefined;
}

/** Every contest of a run, in order (pages of the run file). */
function allContests(deps: Pick<UseCaseDeps, 'catalog'>, runId: string): RunContestResult[] {
  const out: RunContestResult[] = [];
  let after: number | undefined;
  for (;;) {
    const page = listRunContests(deps, { run_id: runId, after, limit: 5_000 });
    out.push(...page.items);
    if (page.next === null) return out;
    after = page.next;
  }
}

/**
 * A run's report. `html`: one self-contained file (inline CSS and SVG charts, no script, no
 * external URL) stating the draws it came from (synthetic or official, dataset hash), the
 * luckyfive version, every hit figure beside its exact baseline with interval, p-value and
 * sentence, the books, the hit-distribution chart (with the 95% band of luck) and the
 * cumulative-net chart (drawdown, break-even). `csv`: every ticket, byte for byte the API's
 * `GET /runs/{run_id}/tickets.csv` and `runs export --format csv`. `png`: the charts under a
 * header (the run, its draws, the baseline verdict, the dataset and version), drawn with the
 * bundled fonts, with its size. Refuses an unknown run
 * (E_NOT_FOUND) and one without a report yet (E_DATA_MISSING).
 */
export async function reportRun(deps: Pick<UseCaseDeps, 'catalog' | 'clock'>, input: { run_id: string; format: RunReportFormat }): Promise<ReportOutput> {
  const run = showRun(deps, { run_id: input.run_id });
  if (input.format === 'csv')
    return {
      content_type: 'text/csv; charset=utf-8',
      file_name: `${run.run_id}-tickets.csv`,
      chunks: exportRunTickets(deps, { run_id: run.run_id, format: 'csv' }),
    };
  const charts: string[] = [];
  const baseline = run.summary.baseline;
  if (baseline) charts.push(await renderChartSvg(hitDistributionChart(baseline.distribution, baseline.tickets)));
  const contests = allContests(deps, run.run_id);
  if (contests.length > 0) charts.push(await renderChartSvg(cumulativeNetChart(contests)));
  if (input.format === 'png') {
    const b = run.summary.baseline;
    const header = [
      `luckyfive run ${run.run_id}${run.name ? `: ${run.name}` : ''}`,
      `${run.strategy}, seed ${run.seed}; contests ${run.first_contest}..${run.last_contest}; ${run.tickets} tickets; ${run.synthetic_data ? 'SYNTHETIC sample draws, not official results' : 'official results'}`,
      ...(b ? [b.verdict] : []),
      `dataset ${run.dataset_hash.slice(0, 16)}…; luckyfive ${readPackageVersion()}, ${deps.clock.now}`,
    ];
    const image = renderPng(header, charts);
    return { content_type: 'image/png', file_name: `${run.run_id}-report.png`, chunks: [image.png], size: { width: image.width, height: image.height } };
  }
  const html = runReportHtml({ run, charts, version: readPackageVersion(), generated_at: deps.clock.now });
  return { content_type: 'text/html; charset=utf-8', file_name: `${run.run_id}-report.html`, chunks: [html] };
}
