/**
 * A metric over two swept parameters, as grid data. When the sweep varies other parameters too,
 * each (x, y) square holds the MEAN over the cells that share it (and says so): picking the best
 * of them would show the luckiest slice, the very thing a sweep must not do.
 */
import type { MetricName } from '../../core/metrics.js';
import type { ParamValue } from '../../core/sweep/values.js';
import { LuckyError } from '../../errors.js';
import type { SweepResults } from './results.js';

export interface Heatmap {
  sweep_id: string;
  metric: MetricName;
  higher_is_better: boolean;
  /** the exact expectation, when every cell shares it */
  baseline: number | null;
  x: { name: string; values: ParamValue[] };
  y: { name: string; values: ParamValue[] };
  /** cells[yi][xi]: the metric (mean over the cells in that square), null where none finished */
  cells: Array<Array<number | null>>;
  /** finished cells behind each square */
  counts: number[][];
  aggregate: 'single' | 'mean';
  /** swept parameters other than x and y (averaged over) */
  other_parameters: string[];
}

function axisValues(results: SweepResults, name: string): ParamValue[] {
  const seen: ParamValue[] = [];
  for (const c of [...results.cells].sort((a, b) => a.cell_index - b.cell_index)) {
    const v = c.params[name];
    if (v !== undefined && !seen.includes(v)) seen.push(v);
  }
  return seen.every((v) => typeof v === 'number') ? [...seen].sort((a, b) => a - b) : seen;
}

/** Builds the grid; E_USAGE when x or y is not a swept parameter, or both are the same. */
export function buildHeatmap(results: SweepResults, x: string, y: string): Heatmap {
  const swept = Object.keys(results.cells[0]?.params ?? {});
  for (const [flag, name] of [
    ['x', x],
    ['y', y],
  ] as const) {
    if (!swept.includes(name))
      throw new LuckyError('E_USAGE', `--${flag} ${name} is not a swept parameter of sweep ${results.sweep.sweep_id}`, [`swept: ${swept.join(', ')}`]);
  }
  if (x === y) throw new LuckyError('E_USAGE', '--x and --y must be two different parameters');
  const xs = axisValues(results, x);
  const ys = axisValues(results, y);
  const sums = ys.map(() => xs.map(() => 0));
  const counts = ys.map(() => xs.map(() => 0));
  const baselines = new Set<number | null>();
  for (const c of results.cells) {
    if (c.value === null) continue;
    const xi = xs.indexOf(c.params[x]!);
    const yi = ys.indexOf(c.params[y]!);
    sums[yi]![xi]! += c.value;
    counts[yi]![xi]!++;
    baselines.add(c.baseline);
  }
  const others = swept.filter((n) => n !== x && n !== y && axisValues(results, n).length > 1);
  return {
    sweep_id: results.sweep.sweep_id,
    metric: results.metric,
    higher_is_better: results.higher_is_better,
    baseline: baselines.size === 1 ? [...baselines][0]! : null,
    x: { name: x, values: xs },
    y: { name: y, values: ys },
    cells: sums.map((row, yi) => row.map((s, xi) => (counts[yi]![xi]! > 0 ? s / counts[yi]![xi]! : null))),
    counts,
    aggregate: others.length > 0 ? 'mean' : 'single',
    other_parameters: others,
  };
}
