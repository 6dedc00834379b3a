/**
 * Charts for the web dashboard: chart specs (`core/charts/`) drawn to SVG on the server by the
 * engine's renderer, so the server (which may not import the engine) gets plain SVG to put in a
 * page and no chart library runs in the browser.
 */
import { type BestHitsPoint, bestHitsChart, bestHitsPoints } from '../core/charts/best-hits-chart.js';
import { pairedDifferenceChart } from '../core/charts/compare-charts.js';
import { openRunFile, runFilePath } from '../store/run-file.js';
import { type ChartSpec, type ContestMoney, cumulativeNetChart, hitDistributionChart } from '../core/charts/run-charts.js';
import { renderChartSvg } from '../engine/charts/render.js';
import type { UseCaseDeps } from './deps.js';
import { hitsPerContest } from './report-compare.js';
import { showRun } from './runs.js';

/** Draws each spec to one standalone `<svg>` element, in order. Refuses nothing a spec builder makes. */
export async function drawCharts(specs: readonly ChartSpec[]): Promise<string[]> {
  const out: string[] = [];
  for (const spec of specs) out.push(await renderChartSvg(spec));
  return out;
}

/**
 * Loads the chart renderer (vega, vega-lite) and draws one small chart, so the first page with a
 * chart after `serve` starts does not pay for loading them (about 0.25 s here, more under load).
 * `serve` calls it once, just after it starts listening; a failure is the caller's to ignore.
 */
export async function warmChartRenderer(): Promise<void> {
  await renderChartSvg(hitDistributionChart([{ hits: 0, observed: 1, expected: 1, probability: 1 }], 1));
}

/**
 * Draws the paired difference per contest of run `a` minus run `b` in mean hits per ticket, over
 * the contests both covered (null when they share none): what the compare's paired tests test.
 * Refuses an unknown run (E_NOT_FOUND) and a missing file (E_DATA_MISSING).
 */
export async function drawPairedDifferences(deps: Pick<UseCaseDeps, 'catalog'>, input: { a: string; b: string }): Promise<string | null> {
  const a = hitsPerContest(deps, input.a);
  const b = hitsPerContest(deps, input.b);
  const diffs = [...a].filter(([contest]) => b.has(contest)).map(([contest, hits]) => ({ contest, diff: hits - b.get(contest)! }));
  if (diffs.length === 0) return null;
  return renderChartSvg(pairedDifferenceChart({ a: input.a, b: input.b, unit: 'mean hits per ticket', diffs }));
}

/**
 * A run's contests from its file: each contest's money, and its best hits with the null law of
 * the best for that contest's own tickets (C's `bestHitsPoints`: the stored best-of law, or the
 * same law recomputed in files written before it was stored), tickets read as one stream.
 */
function readRunSeries(deps: Pick<UseCaseDeps, 'catalog'>, runId: string, k: number, seed: number): { money: ContestMoney[]; best: BestHitsPoint[] } {
  const rf = openRunFile(runFilePath(deps.catalog.dataDir, runId), { mustExist: true, readonly: true });
  try {
    const rows = rf.contests();
    return {
      money: rows.map((r) => ({ contest: r.contest, cost_cents: r.cost_cents, prize_cents: r.prize_cents })),
      best: bestHitsPoints(rows, rf.iterateTickets(), k, seed),
    };
  } finally {
    rf.close();
  }
}

/** A run's charts for its page, each an `<svg>` (absent when the run has nothing to draw). */
export interface RunChartSvgs {
  hit_distribution: string | null;
  cumulative_net: string | null;
  best_hits: string | null;
}

/**
 * Draws a run's charts: the hit distribution against the exact expectation with the 95% band of
 * luck, the cumulative net over its contests with drawdown and break-even, and the best hits per
 * contest with the band luck gives that contest's tickets (long runs in blocks of contests, as
 * the chart specs draw them). Refuses an unknown
 * run (E_NOT_FOUND) and a missing file or report (E_DATA_MISSING).
 */
export async function drawRunCharts(deps: Pick<UseCaseDeps, 'catalog'>, input: { run_id: string }): Promise<RunChartSvgs> {
  const run = showRun(deps, input);
  const baseline = run.summary.baseline;
  const series = readRunSeries(deps, input.run_id, run.summary.numbers_per_ticket, run.seed);
  return {
    hit_distribution: baseline ? await renderChartSvg(hitDistributionChart(baseline.distribution, baseline.tickets)) : null,
    cumulative_net: series.money.length > 0 ? await renderChartSvg(cumulativeNetChart(series.money)) : null,
    best_hits: series.best.length > 0 ? await renderChartSvg(bestHitsChart(series.best)) : null,
  };
}
