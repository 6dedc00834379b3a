/**
 * Reports as files: a report document (core/report) drawn as HTML, PDF or PNG by the one
 * renderer path (engine/charts/render-report.ts), or a report's data as CSV, for
 * `luckyfive report ...` and the API's `.../report.{html,pdf,png,csv}`.
 */
import { bestHitsPoints } from '../core/charts/best-hits-chart.js';
import type { ContestMoney } from '../core/charts/run-charts.js';
import type { ReportDoc } from '../core/report/document.js';
import { buildRunReport } from '../core/report/run-report.js';
import { type DrawnFormat, renderReport } from '../engine/charts/render-report.js';
import { openRunFile, runFilePath } from '../store/run-file.js';
import { readPackageVersion } from '../version.js';
import type { UseCaseDeps } from './deps.js';
import type { PredictPool } from '../engine/pool.js';
import { type BooksPeriod, booksReportCsv, buildBooksReport } from './report-books.js';
import { buildCompareReport, compareReportCsv } from './report-compare.js';
import { buildSweepReport, sweepReportCsv } from './report-sweep.js';
import { exportRunTickets, showRun } from './runs.js';

/** Every report's formats: three drawings of one document, and its data as CSV. */
export const REPORT_FORMATS = ['html', 'pdf', 'png', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** A report ready to write: its media type, its file name and its bytes, in pieces (a CSV streams). */
export interface ReportOutput {
  content_type: string;
  /** the file name a download or `--out` default would use */
  file_name: string;
  chunks: Iterable<string | Uint8Array>;
  /** for an image: its size in pixels */
  size?: { width: number; height: number } | undefined;
}

/** A report document drawn in one of the drawn formats, named after its `file_stem`. */
async function drawn(doc: ReportDoc, format: DrawnFormat): Promise<ReportOutput> {
  const r = await renderReport(doc, format);
  return { content_type: r.content_type, file_name: `${doc.file_stem}.${r.extension}`, chunks: [r.body], size: r.size };
}

/**
 * What a run's charts read from its file, in one pass: each contest's money (cumulative net) and
 * the best-hits chart's points (each contest's best beside the null law of its own tickets; the
 * tickets streamed beside the contests, one contest's held at a time).
 */
function readRunChartData(deps: Pick<UseCaseDeps, 'catalog'>, run: { run_id: string; seed: number; summary: { numbers_per_ticket: number } }) {
  const rf = openRunFile(runFilePath(deps.catalog.dataDir, run.run_id), { mustExist: true, readonly: true });
  try {
    const contests = rf.contests();
    const money: ContestMoney[] = contests.map((c) => ({ contest: c.contest, cost_cents: c.cost_cents, prize_cents: c.prize_cents }));
    const best = bestHitsPoints(contests, rf.iterateTickets(), run.summary.numbers_per_ticket, run.seed);
    return { money, best };
  } finally {
    rf.close();
  }
}

/**
 * A run's report document (`buildRunReport`): the draws it came from (synthetic or official,
 * dataset hash), the luckyfive version and time, the baseline verdict first, every hit figure
 * beside its exact baseline with its 95% interval, p, Holm p and sentence, the tickets by hits,
 * the simulated books and the three charts (hit distribution, best hits per contest with the band
 * luck gives its tickets, cumulative net). Refuses an unknown run (E_NOT_FOUND) and one without a
 * report yet (E_DATA_MISSING).
 */
function buildRunReportDoc(deps: Pick<UseCaseDeps, 'catalog' | 'clock'>, input: { run_id: string }): ReportDoc {
  const run = showRun(deps, { run_id: input.run_id });
  const { money, best } = readRunChartData(deps, run);
  return buildRunReport({ run, contests: money, best, version: readPackageVersion(), generated_at: deps.clock.now });
}

/**
 * A run's report in one format. `html`: one self-contained file (inline CSS and SVG charts, no
 * script, no external URL); `pdf`: A4, real text, vector charts, embedded DejaVu fonts, page
 * numbers and the source line on every page; `png`: the title, source line and headline over the
 * charts, with its size; all three drawn from {@link buildRunReportDoc}. `csv`: every ticket,
 * byte for byte the API's `GET /runs/{run_id}/tickets.csv` and `runs export --format csv`.
 * Refuses an unknown run (E_NOT_FOUND) and one without a report yet (E_DATA_MISSING).
 */
export async function reportRun(deps: Pick<UseCaseDeps, 'catalog' | 'clock'>, input: { run_id: string; format: ReportFormat }): Promise<ReportOutput> {
  if (input.format === 'csv') {
    const run = showRun(deps, { run_id: input.run_id });
    return {
      content_type: 'text/csv; charset=utf-8',
      file_name: `${run.run_id}-tickets.csv`,
      chunks: exportRunTickets(deps, { run_id: run.run_id, format: 'csv' }),
    };
  }
  return drawn(buildRunReportDoc(deps, input), input.format);
}

/**
 * The financial period report for `from`..`to` (ISO dates, inclusive) in one format: the drawn
 * formats from `buildBooksReport` (balances, entries with their reversals, months, the balance
 * with its assertions, the real ROI beside the expected ROI, budgets, soundness), `csv` the
 * period's entries (`booksReportCsv`). Refuses a date that is not on the calendar or `from`
 * after `to` (E_INPUT_INVALID).
 */
export async function reportBooks(deps: Pick<UseCaseDeps, 'catalog' | 'clock'>, input: BooksPeriod & { format: ReportFormat }): Promise<ReportOutput> {
  const period = { from: input.from, to: input.to };
  if (input.format === 'csv')
    return { content_type: 'text/csv; charset=utf-8', file_name: `books-${period.from}-${period.to}.csv`, chunks: booksReportCsv(deps, period) };
  return drawn(buildBooksReport(deps, period), input.format);
}

/**
 * A sweep's report in one format: the drawn formats from `buildSweepReport` (its honesty sentence
 * first, the spec, every cell ranked with raw and adjusted p, the heatmap or line, the unfinished
 * cells), `csv` its cells (`sweepReportCsv`). Refuses a malformed id (E_INPUT_INVALID) and an
 * unknown sweep (E_NOT_FOUND).
 */
export async function reportSweep(deps: Pick<UseCaseDeps, 'catalog' | 'clock'>, input: { sweep_id: string; format: ReportFormat }): Promise<ReportOutput> {
  if (input.format === 'csv')
    return {
      content_type: 'text/csv; charset=utf-8',
      file_name: `sweep-${input.sweep_id}-cells.csv`,
      chunks: sweepReportCsv(deps, { sweep_id: input.sweep_id }),
    };
  return drawn(buildSweepReport(deps, { sweep_id: input.sweep_id }), input.format);
}

/**
 * A comparison of 2+ completed runs in one format: the drawn formats from `buildCompareReport`
 * (every figure beside its baseline, the paired tests with Holm p and their sentences, the paired
 * difference per contest), `csv` the per-contest series (`compareReportCsv`). With a `pool` and a
 * `signal` (the server) the paired tests run on a pool thread and stop when the signal fires.
 * Refuses fewer than two runs (E_INPUT_INVALID), a repeated id (E_USAGE), an unknown run
 * (E_NOT_FOUND), one not completed (E_CONFLICT) and runs on different draws.
 */
export async function reportCompare(
  deps: Pick<UseCaseDeps, 'catalog' | 'clock'> & { pool?: PredictPool | undefined; signal?: AbortSignal | undefined },
  input: { run_ids: readonly string[]; format: ReportFormat },
): Promise<ReportOutput> {
  // buildCompareReport hands its deps to compareRuns, which takes the pool and the signal from them
  if (input.format === 'csv')
    return {
      content_type: 'text/csv; charset=utf-8',
      file_name: `compare-${input.run_ids.join('-')}.csv`,
      chunks: await compareReportCsv(deps, { run_ids: input.run_ids }),
    };
  return drawn(await buildCompareReport(deps, { run_ids: input.run_ids }), input.format);
}
