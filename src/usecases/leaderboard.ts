/**
 * The leaderboard use case: completed runs ranked by one metric (hit metrics by lift over each run's own
 * exact expectation, so ticket sizes compare fairly), each beside its exact baseline with a raw
 * p-value and Holm and Benjamini-Hochberg adjusted p-values computed over EVERY run that matches
 * the filter (and date), not just the rows shown: `--limit` trims the display, never the family.
 *
 * The filter (src/core/filter-expr.ts) sees the run (run_id, name, sweep_id, first_contest,
 * last_contest, contests, tickets_total, created_at, synthetic), its recipe flattened (strategy,
 * tickets, numbers_per_ticket, history, seed, recipe_name, and every knob both bare and as
 * `params.x`: alpha, lambda, smart_filters.enabled...) and every metric (plus p_value, the mean-hits
 * p-value). A knob a run's strategy does not have is null for that run.
 */
import { type FieldType, type FilterValue, compileFilter, inferFieldTypes } from '../core/filter-expr.js';
import { METRIC_DOCS, METRIC_NAMES, type MetricName } from '../core/metrics.js';
import { type RankBy, liftOf, rankByFor, rankEntries } from '../core/ranking.js';
import type { RunRow } from '../store/runs-repo.js';
import { listCompletedRuns } from '../store/runs-queries.js';
import { type MetricFigure, metricFigure, readRunMetrics } from '../engine/run-metrics.js';
import type { UseCaseDeps } from './deps.js';

export interface LeaderboardInput {
  metric: MetricName;
  /** a filter expression (src/core/filter-expr.ts), e.g. `history>=200 and strategy=advanced` */
  filter?: string | undefined;
  /** YYYY-MM-DD: runs created on or after */
  since?: string | undefined;
  /** rows to show; undefined shows every match (the adjustment covers every match either way) */
  limit?: number | undefined;
}

export interface LeaderboardRow extends MetricFigure {
  rank: number | null;
  /** value / baseline: what hit metrics are ranked by; null for money metrics */
  lift: number | null;
  /** made on the bundled synthetic sample, not official results */
  synthetic_data: boolean;
  run_id: string;
  name: string | null;
  strategy: string;
  sweep_id: string | null;
  recipe_hash: string;
  first_contest: number;
  last_contest: number;
  contests: number;
  created_at: string;
  p_holm: number | null;
  p_bh: number | null;
}

export interface Leaderboard {
  metric: MetricName;
  higher_is_better: boolean;
  /**
   * `lift` for hit metrics: each run's value over its own exact expectation (a 7-number ticket
   * expects more hits than a 5-number one); `value` for money metrics, which have no expectation
   */
  ranked_by: RankBy;
  filter: string | null;
  since: string | null;
  /** completed runs matching the filter and date: the family every adjusted p-value covers */
  matching: number;
  /** matching runs with a p-value for this metric */
  tested: number;
  shown: number;
  rows: LeaderboardRow[];
}

const RUN_FIELDS = [
  'run_id',
  'name',
  'sweep_id',
  'first_contest',
  'last_contest',
  'contests',
  'tickets_total',
  'created_at',
  'synthetic',
  'recipe_hash',
  'recipe_name',
  'p_value',
] as const;
const RECIPE_FIELDS = ['strategy', 'tickets', 'numbers_per_ticket', 'history', 'seed'] as const;

/** The fixed fields' types, so a type error fails even on an empty catalog (knobs are inferred from the runs). */
const FIELD_TYPES: Readonly<Record<string, FieldType>> = {
  run_id: 'string',
  name: 'string',
  sweep_id: 'string',
  first_contest: 'number',
  last_contest: 'number',
  contests: 'number',
  tickets_total: 'number',
  created_at: 'string',
  synthetic: 'boolean',
  recipe_hash: 'string',
  recipe_name: 'string',
  p_value: 'number',
  strategy: 'string',
  tickets: 'number',
  numbers_per_ticket: 'number',
  history: 'number',
  seed: 'number',
  ...Object.fromEntries(METRIC_NAMES.map((m) => [m, 'number' as const])),
};

function flatten(prefix: string, v: unknown, out: Record<string, FilterValue>): void {
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v)) flatten(prefix ? `${prefix}.${k}` : k, x, out);
  } else if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' || v === null) {
    out[prefix] = v;
  }
}

/** A run as the filter sees it. */
function filterRowOf(r: RunRow, metrics: Record<MetricName, number | null>): Record<string, FilterValue> {
  const recipe = JSON.parse(r.recipe_json) as Record<string, unknown>;
  const row: Record<string, FilterValue> = {
    run_id: r.run_id,
    name: r.name,
    sweep_id: r.sweep_id,
    first_contest: r.first_contest,
    last_contest: r.last_contest,
    contests: r.contests_done,
    tickets_total: r.tickets,
    created_at: r.created_at,
    synthetic: r.synthetic === 1,
    recipe_hash: r.recipe_hash,
    recipe_name: typeof recipe.name === 'string' ? recipe.name : null,
    p_value: r.p_value,
  };
  for (const f of RECIPE_FIELDS) row[f] = (recipe[f] as FilterValue | undefined) ?? null;
  const params: Record<string, FilterValue> = {};
  flatten('', recipe.params ?? {}, params);
  for (const [k, v] of Object.entries(params)) {
    row[`params.${k}`] = v;
    if (!(k in row)) row[k] = v;
  }
  for (const m of METRIC_NAMES) row[m] = metrics[m];
  return row;
}

function withLift(f: MetricFigure): MetricFigure & { lift: number | null } {
  return { ...f, lift: liftOf(f.value, f.baseline) };
}

/**
 * Ranks the completed runs that match `filter` and `since` by `metric` (hit metrics by lift over
 * each run's own exact expectation), each with its baseline and raw, Holm and BH p-values over
 * EVERY matching run: `limit` trims the rows, never the family.
 * Refuses a malformed filter, an unknown field or a type mismatch (E_USAGE).
 * Returns the document `luckyfive leaderboard --json` prints and `GET /leaderboard` answers.
 */
export function readLeaderboard(deps: Pick<UseCaseDeps, 'catalog'>, o: LeaderboardInput): Leaderboard {
  const catalog = deps.catalog;
  const runs = listCompletedRuns(catalog, o.since);
  const candidates = runs.map((r) => {
    const m = readRunMetrics(catalog, r);
    return { r, m, row: filterRowOf(r, m.metrics) };
  });
  // Every field any run has, plus the fixed ones, so a misspelt field fails even on an empty catalog.
  const fields = new Set<string>([...RUN_FIELDS, ...RECIPE_FIELDS, ...METRIC_NAMES]);
  for (const c of candidates) for (const k of Object.keys(c.row)) fields.add(k);
  const keep = o.filter ? compileFilter(o.filter, [...fields], { ...inferFieldTypes(candidates.map((c) => c.row)), ...FIELD_TYPES }) : () => true;
  // A field a run lacks reads as null (compileFilter checked the names against `fields`).
  const matching = candidates.filter((c) => keep(c.row));
  const entries = matching.map(({ r, m }) => ({
    run_id: r.run_id,
    name: r.name,
    strategy: r.strategy,
    sweep_id: r.sweep_id,
    recipe_hash: r.recipe_hash,
    first_contest: r.first_contest,
    last_contest: r.last_contest,
    contests: r.contests_done,
    created_at: r.created_at,
    synthetic_data: r.synthetic === 1,
    ...withLift(metricFigure(o.metric, m)),
  }));
  const rankedBy = rankByFor(o.metric);
  const ranked = rankEntries(entries, METRIC_DOCS[o.metric].higher_is_better, rankedBy);
  const rows = o.limit === undefined ? ranked : ranked.slice(0, o.limit);
  return {
    metric: o.metric,
    higher_is_better: METRIC_DOCS[o.metric].higher_is_better,
    ranked_by: rankedBy,
    filter: o.filter ?? null,
    since: o.since ?? null,
    matching: matching.length,
    tested: entries.filter((e) => e.p_value !== null).length,
    shown: rows.length,
    rows,
  };
}
