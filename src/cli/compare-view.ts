/** `compare`: metrics side by side and pairwise tests, as JSON or tables. */
import { METRIC_NAMES, type MetricName, parseMetricName } from '../core/metrics.js';
import { formatMetric } from '../core/ranking.js';
import { formatPValue } from '../core/stats.js';
import { LuckyError } from '../errors.js';
import type { CliContext } from './context.js';
import type { Format } from './output.js';

function parseMetricList(list: string | undefined): MetricName[] {
  if (list === undefined) return [...METRIC_NAMES];
  const names = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0) throw new LuckyError('E_USAGE', '--metrics needs at least one metric name');
  return [...new Set(names.map(parseMetricName))];
}

/** `compare`: validates the metric list, compares, prints. */
export async function runCompareCommand(ctx: CliContext, a: { ids: string[]; metrics?: string | undefined; format: Format }): Promise<void> {
  const metrics = parseMetricList(a.metrics);
  const { compareRuns } = await import('../usecases/compare.js');
  const report = await compareRuns({ catalog: await ctx.catalog() }, { ids: a.ids, metrics });
  if (a.format === 'json') return ctx.out.json(report);
  const out = ctx.out;
  const ids = report.runs.map((r) => r.run_id);
  out.table(
    ['run', 'name', 'strategy', 'contests', 'tickets', 'k', 'draws'],
    report.runs.map((r) => [
      r.run_id,
      r.name ?? '',
      r.strategy,
      `${r.first_contest}..${r.last_contest} (${r.contests})`,
      r.tickets,
      r.numbers_per_ticket,
      r.synthetic_data ? 'SYNTHETIC sample' : 'official',
    ]),
    { drop: [5, 4, 2], keep: [0] },
  );
  out.text("hit metrics are ranked (#) by lift: each run's value over its own exact expectation, which grows with the numbers per ticket");
  out.table(
    ['metric', ...ids.map((id) => id.slice(-6)), 'expected', 'mean', 'median', 'std', 'min', 'max', 'winner'],
    report.metrics.map((m) => {
      const byRun = new Map(m.values.map((v) => [v.run_id, v]));
      const f = (v: number | null) => formatMetric(m.metric, v);
      const baselines = [...new Set(m.values.map((v) => v.baseline))];
      return [
        m.metric,
        ...ids.map((id) => {
          const v = byRun.get(id)!;
          return `${f(v.value)}${v.rank !== null ? ` #${v.rank}` : ''}${v.p_value !== null ? ` (p ${formatPValue(v.p_value)})` : ''}`;
        }),
        baselines.length === 1 ? f(baselines[0]!) : 'varies',
        f(m.stats.mean),
        f(m.stats.median),
        f(m.stats.std),
        f(m.stats.min),
        f(m.stats.max),
        m.winner ? m.winner.slice(-6) : 'tie',
      ];
    }),
    // narrow: the metric, each run's value, the expectation and the winner stay; the spread goes
    { drop: [ids.length + 4, ids.length + 5, ids.length + 6, ids.length + 3, ids.length + 2, ids.length + 7] },
  );
  for (const p of report.pairs) out.text(`- ${p.sentence}`);
  for (const n of report.notes) out.info(`note: ${n}`);
}
