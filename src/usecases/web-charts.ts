/**
 * Charts for the web dashboard: chart specs (`core/charts/`) drawn to SVG on the server by the
 * engine's renderer, so the server (which may not import the engine) gets plain SVG to put in a
 * page and no chart library runs in the browser.
 */
import { bestOfLaw, bestOfRng, parseBestOfLaw } from '../core/best-of.js';
import { type BestHitsPoint, bestHitsChart, bestHitsRows } from '../core/charts/best-hits-chart.js';
import { pairedDifferenceChart } from '../core/charts/compare-charts.js';
import { type BestHitsTail, bestHitsTail } from '../core/stats/best-hits.js';
import { openRunFile, runFilePath } from '../store/run-file.js';
import { type ChartSpec, type ContestMoney, cumulativeNetChart, hitDistributionChart } from '../core/charts/run-charts.js';
import { renderChartSvg } from '../engine/charts/render.js';
import type { UseCaseDeps } from './deps.js';
import { type RunContestResult, listRunContests, showRun } from './runs.js';

/** Draws each spec to one standalone `<svg>` element, in order. Refuses nothing a spec builder makes. */
export async function drawCharts(specs: readonly ChartSpec[]): Promise<string[]> {
  const out: string[] = [];
  for (const spec of specs) out.push(await renderChartSvg(spec));
  return out;
}

/** Every contest of a run, in order. */
function allContests(deps: Pick<UseCaseDeps, 'catalog'>, runId: string): RunContestResult[] {
  const contests: RunContestResult[] = [];
  let after: number | undefined;
  for (;;) {
    const page = listRunContests(deps, { run_id: runId, after, limit: 5_000 });
    contests.push(...page.items);
    if (page.next === null) return contests;
    after = page.next;
  }
}

/** Mean hits per ticket of each contest of a run that had tickets. */
function meanHitsByContest(deps: Pick<UseCaseDeps, 'catalog'>, runId: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const c of allContests(deps, runId)) {
    const n = c.hits_histogram.reduce((s, k) => s + k, 0);
    if (n > 0) out.set(c.contest, c.hits_histogram.reduce((s, k, h) => s + k * h, 0) / n);
  }
  return out;
}

/**
 * Draws the paired difference per contest of run `a` minus run `b` in mean hits per ticket, over
 * the contests both covered (null when they share none): what the compare's paired tests test.
 * Refuses an unknown run (E_NOT_FOUND) and a missing file (E_DATA_MISSING).
 */
export async function drawPairedDifferences(deps: Pick<UseCaseDeps, 'catalog'>, input: { a: string; b: string }): Promise<string | null> {
  const a = meanHitsByContest(deps, input.a);
  const b = meanHitsByContest(deps, input.b);
  const diffs = [...a].filter(([contest]) => b.has(contest)).map(([contest, hits]) => ({ contest, diff: hits - b.get(contest)! }));
  if (diffs.length === 0) return null;
  return renderChartSvg(pairedDifferenceChart({ a: input.a, b: input.b, unit: 'mean hits per ticket', diffs }));
}

/**
 * A run's contests in one pass over its file: each contest's money, and its best hits with the
 * null law of the best for that contest's own tickets (the stored best-of law or, in files written
 * before it was stored, the same law recomputed as the worker computes it; the exact tails for 1
 * and 5 hits).
 */
function readRunSeries(deps: Pick<UseCaseDeps, 'catalog'>, runId: string, k: number, seed: number): { money: ContestMoney[]; best: BestHitsPoint[] } {
  const rf = openRunFile(runFilePath(deps.catalog.dataDir, runId), { mustExist: true, readonly: true });
  try {
    // one pass over the tickets (in contest order), not one query per contest
    const numbers = new Map<number, number[]>();
    for (const t of rf.iterateTickets()) {
      let list = numbers.get(t.contest);
      if (!list) numbers.set(t.contest, (list = []));
      for (const n of t.numbers) list.push(n);
    }
    const rows = rf.contests();
    const best = rows.flatMap((r) => {
      const flat = numbers.get(r.contest);
      if (!flat || flat.length === 0) return [];
      const law = parseBestOfLaw(r.best_of) ?? bestOfLaw(flat, k, () => bestOfRng(seed, r.contest));
      return [{ contest: r.contest, best_hits: r.best_hits, tail: bestHitsTail(flat, k, law) }];
    });
    return { money: rows.map((r) => ({ contest: r.contest, cost_cents: r.cost_cents, prize_cents: r.prize_cents })), best };
  } finally {
    rf.close();
  }
}

/**
 * Most points a page's chart over contests draws: a run over the whole history (6,800+ contests)
 * would make multi-megabyte SVGs. Longer runs are drawn in windows of consecutive contests.
 */
export const MAX_CHART_POINTS = 400;

function windows<T>(items: readonly T[]): { size: number; groups: T[][] } {
  const size = Math.max(1, Math.ceil(items.length / MAX_CHART_POINTS));
  const groups: T[][] = [];
  for (let i = 0; i < items.length; i += size) groups.push(items.slice(i, i + size));
  return { size, groups };
}

/** Money summed per window, dated at its last contest: the cumulative net is exact at every window's end. */
function moneyWindows(contests: readonly ContestMoney[]): ContestMoney[] {
  return windows(contests).groups.map((g) => ({
    contest: g.at(-1)!.contest,
    cost_cents: g.reduce((s, c) => s + c.cost_cents, 0),
    prize_cents: g.reduce((s, c) => s + c.prize_cents, 0),
  }));
}

/**
 * The best hits of a window of contests is the largest of its contests' bests; under uniform
 * draws (independent contests) P(max >= h) = 1 - prod over the contests of (1 - P(best >= h)).
 */
function bestHitsWindows(points: readonly BestHitsPoint[]): { size: number; points: BestHitsPoint[] } {
  const { size, groups } = windows(points);
  return {
    size,
    points: groups.map((g) => ({
      contest: g[0]!.contest,
      best_hits: Math.max(...g.map((p) => p.best_hits)),
      tail: [0, 1, 2, 3, 4, 5].map((h) => 1 - g.reduce((q, p) => q * (1 - p.tail[h]!), 1)) as unknown as BestHitsTail,
    })),
  };
}

/** The best-hits chart, per contest or (long runs) per window of contests, its title saying which. */
function bestHitsSpec(points: readonly BestHitsPoint[]): ChartSpec {
  const w = bestHitsWindows(points);
  const spec = bestHitsChart(w.points);
  if (w.size === 1) return spec;
  const rows = bestHitsRows(w.points);
  const above = rows.filter((v) => v.best > v.hi).length;
  const below = rows.filter((v) => v.best < v.lo).length;
  return {
    ...spec,
    title: {
      text: `Best hits in each window of ${w.size} contests, with the band luck gives those tickets`,
      subtitle: [
        'points: best ticket of the window (at its first contest); orange line: exact expected best; shaded: 95% band under uniform draws',
        `${above} windows above the band, ${below} below (of ${rows.length})`,
      ],
    },
  };
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
 * contest with the band luck gives that contest's tickets. A run longer than
 * {@link MAX_CHART_POINTS} contests is drawn in windows of consecutive contests (the net summed per
 * window, exact at each window's end; the best of each window against the exact law of a maximum). Refuses an unknown
 * run (E_NOT_FOUND) and a missing file or report (E_DATA_MISSING).
 */
export async function drawRunCharts(deps: Pick<UseCaseDeps, 'catalog'>, input: { run_id: string }): Promise<RunChartSvgs> {
  const run = showRun(deps, input);
  const baseline = run.summary.baseline;
  const series = readRunSeries(deps, input.run_id, run.summary.numbers_per_ticket, run.seed);
  return {
    hit_distribution: baseline ? await renderChartSvg(hitDistributionChart(baseline.distribution, baseline.tickets)) : null,
    cumulative_net: series.money.length > 0 ? await renderChartSvg(cumulativeNetChart(moneyWindows(series.money))) : null,
    best_hits: series.best.length > 0 ? await renderChartSvg(bestHitsSpec(series.best)) : null,
  };
}
