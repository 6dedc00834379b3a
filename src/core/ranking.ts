/**
 * Ranking many runs without crowning the luckiest: every entry keeps its raw p-value, and gets
 * Holm (family-wise) and Benjamini-Hochberg (false discovery rate) adjusted p-values computed
 * over EVERY entry given, however many are shown. Sweeps, leaderboards and compare all rank here,
 * so "best of N" means the same thing everywhere.
 */
import { formatBRL } from './finance/money.js';
import { type BestOfIndex, METRIC_DOCS, METRIC_NAMES, type MetricName, metricBaseline } from './metrics.js';
import { benjaminiHochberg, formatInteger, formatNumber, formatPValue, formatRate, holm } from './stats.js';

export interface RankInput {
  value: number | null;
  p_value: number | null;
  /** the entry's own exact expectation; ranking by lift divides by it */
  baseline?: number | null;
}

/**
 * What entries are ordered by: the raw `value`, or its `lift` over the entry's own exact
 * expectation (value / baseline). Lift is what makes runs of different ticket sizes comparable:
 * a 7-number ticket expects 0.4375 hits, a 5-number one 0.3125, so raw mean hits would put every
 * 7-number run above every 5-number run whatever their skill.
 */
export type RankBy = 'value' | 'lift';

/** value / baseline, or null when either is missing or the baseline is not positive. */
export function liftOf(value: number | null, baseline: number | null | undefined): number | null {
  if (value === null || baseline === null || baseline === undefined || !(baseline > 0) || !Number.isFinite(value)) return null;
  return value / baseline;
}

/** The metrics ranked by lift: those with an exact baseline (hit metrics). */
export const LIFT_METRICS: readonly MetricName[] = METRIC_NAMES.filter((m) => METRIC_DOCS[m].has_baseline);

/** What a run's lifts are computed from: its figures, ticket size, tickets per contest and best-of baselines. */
export interface LiftInput {
  values: Partial<Record<MetricName, number | null>>;
  numbers_per_ticket: number;
  tickets_per_contest: number;
  /** the run's best-of baselines for its actual tickets; null: the independent-tickets formula */
  best_of: BestOfIndex | null;
}

/**
 * A run's lift for each hit metric: value / {@link metricBaseline}, exactly the lift the
 * leaderboard and compare rank by (src/engine/run-metrics.ts metricFigure), so the run index can
 * store it and order by it through an index.
 */
export function liftsOf(r: LiftInput, metrics: readonly MetricName[] = LIFT_METRICS): Partial<Record<MetricName, number | null>> {
  const out: Partial<Record<MetricName, number | null>> = {};
  for (const m of metrics) out[m] = liftOf(r.values[m] ?? null, metricBaseline(m, r.numbers_per_ticket, r.tickets_per_contest, r.best_of));
  return out;
}

/** Lift for metrics with an exact baseline, the raw value for the others (money has no expectation). */
export function rankByFor(metric: MetricName): RankBy {
  return METRIC_DOCS[metric].has_baseline ? 'lift' : 'value';
}

export interface RankFields {
  /** 1 + the number of strictly better entries; null for entries without a value */
  rank: number | null;
  /** Holm-adjusted over every entry with a p-value; null where the entry has none */
  p_holm: number | null;
  /** Benjamini-Hochberg-adjusted over the same entries */
  p_bh: number | null;
}

/**
 * Orders `entries` best first by `by` (value or lift; `higherIsBetter`; ties keep their input order,
 * entries without one last) and attaches rank and adjusted p-values. The adjustment covers all entries with a
 * p-value, so trimming the result for display never changes a figure.
 */
export function rankEntries<T extends RankInput>(entries: readonly T[], higherIsBetter: boolean, by: RankBy = 'value'): Array<T & RankFields> {
  const keyOf = (e: T): number | null => (by === 'lift' ? liftOf(e.value, e.baseline) : e.value);
  const withP = entries.map((e, i) => ({ e, i })).filter((x) => x.e.p_value !== null && Number.isFinite(x.e.p_value));
  const h = holm(withP.map((x) => x.e.p_value!));
  const b = benjaminiHochberg(withP.map((x) => x.e.p_value!));
  const adj = new Map(withP.map((x, j) => [x.i, { p_holm: h[j]!, p_bh: b[j]! }]));
  const sign = higherIsBetter ? -1 : 1;
  const order = entries
    .map((e, i) => ({ e, i, key: keyOf(e) }))
    .sort((x, y) => {
      const a = x.key;
      const c = y.key;
      if (a === null || c === null) return a === c ? x.i - y.i : a === null ? 1 : -1;
      return sign * (a - c) || x.i - y.i;
    });
  // Competition ranking over the sorted order: equal values share the rank of the first of them.
  let lastValue: number | null = null;
  let lastRank = 0;
  return order.map(({ e, i, key }, pos) => {
    let rank: number | null = null;
    if (key !== null) {
      if (pos === 0 || key !== lastValue) lastRank = pos + 1;
      lastValue = key;
      rank = lastRank;
    }
    const a = adj.get(i);
    return { ...e, rank, p_holm: a?.p_holm ?? null, p_bh: a?.p_bh ?? null };
  });
}

/** A metric's value for people: hits to 4 digits, shares as percentages, centavos as R$. */
export function formatMetric(name: MetricName, value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '-';
  switch (METRIC_DOCS[name].unit) {
    case 'hits':
      return formatNumber(value, 4);
    case 'share':
      return formatRate(value);
    case 'cents':
      return formatBRL(value);
    case 'percent':
      return `${value.toFixed(1)}%`;
  }
}

export interface BestOf {
  metric: MetricName;
  value: number | null;
  baseline: number | null;
  p_value: number | null;
  p_holm: number | null;
  /** how many entries were tried (the family the adjustment covers) */
  of: number;
  /** what an entry is called: "cells", "runs" */
  noun: string;
}

/**
 * The one sentence that puts a winner in its place, e.g. "best of 16 cells: mean_hits 0.3301 vs
 * 0.3125 expected, raw p = 0.03, Holm-adjusted p = 0.48: what the luckiest of 16 tries looks like".
 */
export function bestOfSentence(b: BestOf): string {
  const head = `best of ${formatInteger(b.of)} ${b.noun}: ${b.metric} ${formatMetric(b.metric, b.value)}`;
  if (b.value === null) return `${head}: no value to judge`;
  if (b.baseline === null || b.p_value === null) {
    return `${head} (no exact baseline: money depends on the prizes the draws actually paid); the best of ${formatInteger(b.of)} tries looks good by luck alone more often than not`;
  }
  const vs = `${head} vs ${formatMetric(b.metric, b.baseline)} expected, raw p = ${formatPValue(b.p_value)}`;
  const better = METRIC_DOCS[b.metric].higher_is_better ? b.value > b.baseline : b.value < b.baseline;
  if (!better) return `${vs}: even the best is not better than chance`;
  if (b.of <= 1) return `${vs}: a single try; confirm it on a holdout range before trusting it`;
  const adjusted = `Holm-adjusted p = ${formatPValue(b.p_holm ?? 1)}`;
  if ((b.p_holm ?? 1) >= 0.05) return `${vs}, ${adjusted}: what the luckiest of ${formatInteger(b.of)} tries looks like`;
  return `${vs}, ${adjusted}: survives the correction for ${formatInteger(b.of)} tries; confirm it on a holdout range before trusting it`;
}
