/** `sweep list`, `sweep show` and `sweep heatmap`: reading sweeps back, for scripts (--json) and people. */
import { LuckyError } from '../errors.js';
import { type MetricName, METRIC_DOCS, parseMetricName } from '../core/metrics.js';
import { formatMetric } from '../core/ranking.js';
import { formatPValue } from '../core/stats.js';
import { cellLabel } from '../core/sweep/apply-params.js';
import type { Heatmap } from '../engine/sweep/heatmap.js';
import type { SweepResults } from '../engine/sweep/results.js';
import type { CliContext } from './context.js';
import type { Format } from './output.js';

const SWEEP_STATUSES = ['pending', 'running', 'completed', 'completed_with_failures', 'stopped', 'failed'];

/** `sweep list`: newest first, with progress. */
export async function listSweepsCommand(ctx: CliContext, a: { status?: string | undefined; limit: number; format: Format }): Promise<void> {
  if (a.status !== undefined && !SWEEP_STATUSES.includes(a.status)) throw new LuckyError('E_USAGE', `--status must be one of ${SWEEP_STATUSES.join(', ')}`);
  const { listSweeps } = await import('../store/sweeps-repo.js');
  const catalog = await ctx.catalog();
  const rows = listSweeps(catalog.db, { status: a.status as never, limit: a.limit === 0 ? undefined : a.limit });
  const { sweepListItem } = await import('../engine/sweep/documents.js');
  if (a.format === 'json') return ctx.out.json({ sweeps: rows.map(sweepListItem), count: rows.length });
  ctx.out.table(
    ['sweep_id', 'name', 'status', 'cells', 'failed', 'contests', 'created_at'],
    rows.map((s) => [s.sweep_id, s.name, s.status, `${s.cells_completed}/${s.cells_total}`, s.cells_failed, `${s.first_contest}..${s.last_contest}`, s.created_at]),
  );
}

function metricOrDefault(name: string | undefined): MetricName | undefined {
  return name === undefined ? undefined : parseMetricName(name);
}

const p = (v: number | null) => (v === null ? '-' : formatPValue(v));

/** `sweep show`: the top cells by a metric; every adjusted p-value covers all finished cells. */
export async function showSweepCommand(ctx: CliContext, a: { id: string; top: number; by?: string | undefined; format: Format }): Promise<void> {
  const metric = metricOrDefault(a.by);
  const { readSweepResults } = await import('../engine/sweep/results.js');
  const catalog = await ctx.catalog();
  const r: SweepResults = readSweepResults(catalog, a.id, metric);
  const family = r.cells.filter((c) => c.p_value !== null).length;
  const shown = r.cells.slice(0, a.top);
  const s = r.sweep;
  if (a.format === 'json') {
    const { sweepShowDocument } = await import('../engine/sweep/documents.js');
    return ctx.out.json(sweepShowDocument(r, a.top));
  }
  const out = ctx.out;
  out.text(`sweep ${s.sweep_id} "${s.name}" (${s.status}): contests ${s.first_contest}..${s.last_contest}, ${r.cells_done}/${r.cells_total} cells done, ${r.cells_failed} failed`);
  out.text(`${r.metric}: ${METRIC_DOCS[r.metric].description}`);
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
  );
  if (r.cells.length > shown.length) {
    const more = r.cells.length - shown.length;
    out.text(`(${more} more cell${more === 1 ? '' : 's'}${family > 0 ? `; adjusted p-values cover all ${family} finished cells` : ''})`);
  }
  if (r.best) out.text(r.best.sentence);
  const h = r.best?.holdout;
  if (h && h.value !== null) {
    out.text(`holdout ${h.first_contest}..${h.last_contest} of the best cell: ${r.metric} ${formatMetric(r.metric, h.value)} vs ${formatMetric(r.metric, h.baseline)} expected, p = ${p(h.p_value)} (Holm over the holdout runs: ${p(h.p_holm)})`);
  }
  for (const c of r.cells.filter((x) => x.status === 'failed').slice(0, 5)) out.warn(`cell ${c.cell_index} failed: ${c.error ?? 'unknown error'}`);
}

const SHADES = [' ', '░', '▒', '▓', '█'];

/** `sweep heatmap`: grid data as JSON, or a table (shaded on a TTY). */
export async function heatmapCommand(ctx: CliContext, a: { id: string; x: string; y: string; metric?: string | undefined; format: Format }): Promise<void> {
  const metric = metricOrDefault(a.metric);
  const { readSweepResults } = await import('../engine/sweep/results.js');
  const { buildHeatmap } = await import('../engine/sweep/heatmap.js');
  const catalog = await ctx.catalog();
  const hm: Heatmap = buildHeatmap(readSweepResults(catalog, a.id, metric), a.x, a.y);
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
  ctx.out.text(`${hm.metric} by ${hm.y.name} (down) and ${hm.x.name} (across)${hm.baseline !== null ? `; expected ${formatMetric(hm.metric, hm.baseline)} under uniform draws` : ''}`);
  ctx.out.table(
    [`${hm.y.name} \\ ${hm.x.name}`, ...hm.x.values.map(String)],
    hm.y.values.map((yv, yi) => [String(yv), ...hm.cells[yi]!.map(cell)]),
  );
  if (tty) ctx.out.text(`shade: ${SHADES.slice(1).join('')} from worse to better`);
  if (hm.aggregate === 'mean') ctx.out.text(`each square is the mean over the values of ${hm.other_parameters.join(', ')}`);
}
