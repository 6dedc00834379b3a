/**
 * The catalog's index row of a run, built in one place from its totals: by the executor when a
 * run ends and by `runs import` (and so `maintain --repair`) from the totals recomputed from the
 * file, so every path fills the same columns (the mean-hits p-value included).
 */
import type { BaselineReport } from '../core/baseline.js';
import { type RunUpdate, runLiftColumns } from '../store/runs-repo.js';
import { type RunTotals, formatBestOfIndex } from '../core/run-summary.js';

/** The index columns a run's totals determine. */
export function buildRunIndexFigures(totals: RunTotals): RunUpdate {
  const figures = { mean_hits: totals.summary.mean_hits, ...totals.summary.rates, ...totals.summary.best_rates };
  const bestOf = formatBestOfIndex(totals.summary.baseline);
  return {
    contests_done: totals.contests,
    tickets: totals.tickets,
    ...figures,
    // what lists order hit metrics by (src/store/runs-repo.ts)
    ...runLiftColumns({
      ...figures,
      numbers_per_ticket: totals.summary.numbers_per_ticket,
      tickets_per_contest: totals.summary.tickets_per_contest,
      best_of_baseline: bestOf,
    }),
    p_value: pValueOf(totals.summary.baseline),
    best_of_baseline: bestOf,
    cost_cents: totals.finance.cost_cents,
    prize_cents: totals.finance.prize_cents,
    net_cents: totals.finance.net_cents,
    roi_pct: totals.finance.roi_pct,
    max_drawdown_cents: totals.finance.max_drawdown_cents,
    win_rate: totals.finance.win_rate,
  };
}

/** The run index keeps the mean-hits p-value: the headline test of "did this beat chance". */
function pValueOf(b: BaselineReport | null): number | null {
  return b && Number.isFinite(b.figures.mean_hits.p_value) ? b.figures.mean_hits.p_value : null;
}
