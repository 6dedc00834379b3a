/** `sweep list`, `sweep show` and `sweep heatmap`: reading sweeps back, for scripts (--json) and people. */
import type { MetricName } from '../core/metrics.js';
import { formatMetric } from '../core/ranking.js';
import { formatPValue } from '../core/stats.js';
import { cellLabel } from '../core/sweep/apply-params.js';
import type { SweepStatus } from '../core/sweep/status.js';
import type { Heatmap } from '../usecases/sweeps.js';
import type { CliContext } from './context.js';
import type { Format } from './output.js';

/** `sweep list`: newest first, with progress. */
export async function listSweepsCommand(ctx: CliContext, a: { status?: SweepStatus | undefined; limit: number; format: Format }): Promise<void> {
  const { listSweeps } = await import('../usecases/sweeps.js');
  // one more than the limit says whether the list was cut
  const read = listSweeps({ catalog: await ctx.catalog() }, { status: a.status, limit: a.limit === 0 ? undefined : a.limit + 1 });
  const items = a.limit === 0 ? read : read.slice(0, a.limit);
  if (a.format === 'json') return ctx.out.json({ sweeps: items, count: items.length });
  ctx.out.table(
    ['sweep_id', 'name', 'status', 'cells', 'failed', 'contests', 'created_at'],
    items.map((s) => [s.sweep_id, s.name, s.status, `${s.cells_done}/${s.cells_total}`, s.cells_failed, `${s.first_contest}..${s.last_contest}`, s.created_at]),
    { drop: [6, 4, 5], keep: [0] },
  );
  if (read.length > items.length) ctx.out.limited(items.length, 'sweeps');
}

const p = (v: number | null) => (v === null ? '-' : formatPValue(v));

/** `sweep show`: the top cells by a metric; every adjusted p-value covers all finished cells. */
export async function showSweepCommand(ctx: CliContext, a: { id: string; top: number; by?: MetricName | undefined; format: Format }): Promise<void> {
  const { showSweep } = await import('../usecases/sweeps.js');
  const { document: r, failed_cells } = showSweep({ catalog: await ctx.catalog() }, { sweep_id: a.id, metric: a.by, top: a.top });
  if (a.format === 'json') return ctx.out.json(r);
  const family = r.adjustment.family_size;
  const shown = r.cells;
  const out = ctx.out;
  out.text(
    `sweep ${r.sweep_id} "${r.name}" (${r.status}): contests ${r.first_contest}..${r.last_contest}, ${r.cells_done}/${r.cells_total} cells done, ${r.cells_failed} failed`,
  );
  out.text(`${r.metric}: ${r.metric_description}`);
  const hasHoldout = shown.some((c) => c.holdout);
  out.table(
    ['rank', 'cell', 'params', r.metric, 'expected', 'p', 'p Holm', 'p BH', ...(hasHoldout ? ['holdout', 'holdout p'] : []), 'run'],
    shown.map((c) => [
      r.best?.cell_index === c.cell_index ? `${c.rank} (best of ${r.best.of})` : (c.rank ?? '-'),
      c.cell_index,
      cellLabel(c.params),
      c.status === 'completed' ? formatMetric(r.metric, c.value) : c.status,
      formatMetric(r.metric, c.baseline),
      p(c.p_value),
      p(c.p_holm),
      p(c.p_bh),
      ...(hasHoldout ? [c.holdout ? formatMetric(r.metric, c.holdout.value) : '', c.holdout ? p(c.holdout.p_value) : ''] : []),
      c.run_id ?? '',
    ]),
    // narrow: rank, params, value, expected, p and p Holm (and the holdout) stay
    { drop: [hasHoldout ? 10 : 8, 1, 7] },
  );
  if (r.cells_total > shown.length) {
    const more = r.cells_total - shown.length;
    out.text(`(${more} more cell${more === 1 ? '' : 's'}${family > 0 ? `; adjusted p-values cover all ${family} finished cells` : ''})`);
  }
  if (r.best) out.text(r.best.sentence);
  const h = r.best?.holdout;
  if (h && h.value !== null) {
    out.text(
      `holdout ${h.first_contest}..${h.last_contest} of the best cell: ${r.metric} ${formatMetric(r.metric, h.value)} vs ${formatMetric(r.metric, h.baseline)} expected, p = ${p(h.p_value)} (Holm over the holdout runs: ${p(h.p_holm)})`,
    );
  }
  for (const c of failed_cells.slice(0, 5)) out.warn(`cell ${c.cell_index} failed: ${c.error ?? 'unknown error'}`);
}

const SHADES = [' ', '░', '▒', '▓', '█'];

/** `sweep heatmap`: grid data as JSON, or a table (shaded on a TTY). */
export async function heatmapCommand(ctx: CliContext, a: { id: string; x: string; y: string; metric?: MetricName | undefined; format: Format }): Promise<void> {
  const { sweepHeatmap } = await import('../usecases/sweeps.js');
  const hm: Heatmap = sweepHeatmap({ catalog: await ctx.catalog() }, { sweep_id: a.id, x: a.x, y: a.y, metric: a.metric });
  if (a.format === 'json') return ctx.out.json(hm);
  const values = hm.cells.flat().filter((v): v is number => v !== null);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const tty = ctx.io.stdout.isTTY === true;
  const shade = (v: number) => {
    const t = hi > lo ? (v - lo) / (hi - lo) : 0.5;
    return SHADES[Math.min(SHADES.length - 1, Math.floor((hm.higher_is_better ? t : 1 - t) * SHADES.length))]!;
  };
  const cell = (v: number | null) => (v === null ? '' : tty ? `${shade(v).repeat(2)} ${formatMetric(hm.metric, v)}` : formatMetric(hm.metric, v));
  ctx.out.text(
    `${hm.metric} by ${hm.y.name} (down) and ${hm.x.name} (across)${hm.baseline !== null ? `; expected ${formatMetric(hm.metric, hm.baseline)} under uniform draws` : ''}`,
  );
  ctx.out.table(
    [`${hm.y.name} \\ ${hm.x.name}`, ...hm.x.values.map(String)],
    hm.y.values.map((yv, yi) => [String(yv), ...hm.cells[yi]!.map(cell)]),
  );
  if (tty) ctx.out.text(`shade: ${SHADES.slice(1).join('')} from worse to better`);
  if (hm.aggregate === 'mean') ctx.out.text(`each square is the mean over the values of ${hm.other_parameters.join(', ')}`);
}
