/**
 * The run index's vocabulary: the statuses a run is shown with and the headline columns a list can
 * be filtered and ordered by. The store's run index, the `runs list` flags and the `GET /runs`
 * query all take them from here (no imports: the CLI reads them while it builds `--help`).
 */

/** Every status a run is shown with; `interrupted` is derived (src/store/runs-repo.ts). */
export const RUN_STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled', 'interrupted'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Headline metric columns a list can be ordered or filtered by. */
export const RUN_METRIC_COLUMNS = [
  'mean_hits',
  'rate_2',
  'rate_3',
  'rate_4',
  'rate_5',
  'best_2plus',
  'best_3plus',
  'best_4plus',
  'p_value',
  'cost_cents',
  'prize_cents',
  'net_cents',
  'roi_pct',
  'max_drawdown_cents',
  'win_rate',
  'tickets',
  'contests_done',
  'created_at',
  'first_contest',
  'last_contest',
] as const;
export type RunMetricColumn = (typeof RUN_METRIC_COLUMNS)[number];
