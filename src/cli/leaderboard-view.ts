/** `leaderboard`: ranked runs with raw and adjusted p-values, as JSON, CSV or a table. */
import { METRIC_DOCS, type MetricName } from '../core/metrics.js';
import { formatMetric } from '../core/ranking.js';
import { formatPValue } from '../core/stats.js';
import type { CliContext } from './context.js';
import type { Format } from './output.js';

/** `leaderboard`: ranks, then prints the shown rows and how big the family behind them is. */
export async function runLeaderboardCommand(
  ctx: CliContext,
  a: { metric: MetricName; filter?: string | undefined; since?: string | undefined; limit: number; format: Format },
): Promise<void> {
  const metric = a.metric;
  const { readLeaderboard } = await import('../usecases/leaderboard.js');
  const board = readLeaderboard({ catalog: await ctx.catalog() }, { metric, filter: a.filter, since: a.since, limit: a.limit === 0 ? undefined : a.limit });
  if (a.format === 'json') return ctx.out.json(board);
  const head = [
    'rank',
    'run_id',
    'name',
    'strategy',
    'contests',
    metric,
    'baseline',
    'p_value',
    'p_holm',
    'p_bh',
    'sweep_id',
    'created_at',
    'lift',
    'synthetic_data',
  ];
  if (a.format === 'csv') {
    return ctx.out.csv(
      head,
      board.rows.map((r) => [
        r.rank,
        r.run_id,
        r.name,
        r.strategy,
        r.contests,
        r.value,
        r.baseline,
        r.p_value,
        r.p_holm,
        r.p_bh,
        r.sweep_id,
        r.created_at,
        r.lift,
        r.synthetic_data,
      ]),
    );
  }
  const p = (v: number | null) => (v === null ? '-' : formatPValue(v));
  const byLift = board.ranked_by === 'lift';
  // on a terminal a synthetic run is marked `*` (the note below says so): the id column stays narrow
  const syntheticMark = ctx.out.width === undefined ? ' (synthetic)' : '*';
  ctx.out.table(
    ['rank', 'run', 'name', 'strategy', 'contests', metric, 'expected', ...(byLift ? ['lift'] : []), 'p', 'p Holm', 'p BH'],
    board.rows.map((r) => [
      r.rank ?? '-',
      r.synthetic_data ? `${r.run_id}${syntheticMark}` : r.run_id,
      r.name ?? '',
      r.strategy,
      r.contests,
      formatMetric(metric, r.value),
      formatMetric(metric, r.baseline),
      ...(byLift ? [r.lift === null ? '-' : `${r.lift.toFixed(3)}x`] : []),
      p(r.p_value),
      p(r.p_holm),
      p(r.p_bh),
    ]),
    // narrow: rank, run, value, expected, p and p Holm stay
    { drop: [3, 4, byLift ? 10 : 9, 2, 6], keep: [1] },
  );
  if (byLift)
    ctx.out.text(`ranked by lift: each run's ${metric} over its own exact expectation (which grows with the numbers per ticket), not by the raw value`);
  const synthetic = board.rows.filter((r) => r.synthetic_data).length;
  if (synthetic) ctx.out.text(`${synthetic} of these runs${syntheticMark === '*' ? ' (marked *)' : ''} ran on the SYNTHETIC sample, not official results`);
  ctx.out.text(
    METRIC_DOCS[metric].has_baseline
      ? `${board.shown} of ${board.matching} matching runs shown; Holm and BH adjust over all ${board.tested} of them: with that many tries, chance alone gives about ${(board.tested * 0.05).toFixed(1)} raw p-values below 0.05`
      : `${board.shown} of ${board.matching} matching runs shown; ${metric} has no exact baseline (money depends on the prizes actually paid), so no p-values`,
  );
}
