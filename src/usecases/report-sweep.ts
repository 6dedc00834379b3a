/**
 * A sweep's report (`report sweep SWEEP_ID`, `GET /sweeps/{id}/report.*`) as one `ReportDoc`: the
 * draws it ran on, the sweep's own honesty sentence first (the best cell against the best of N
 * tries, "too short to tell" where the best cell's range is), the spec, every cell ranked with its
 * exact baseline and raw and adjusted p-values, the heatmap (two swept parameters) or line (one),
 * and the cells that did not finish; and the cells as CSV, one row per cell.
 */
import { countOf } from '../core/charts/text.js';
import { type HeatmapSquare, sweepHeatmapChart, sweepLineChart } from '../core/charts/sweep-charts.js';
import { csvLine } from '../core/csv.js';
import { type IndexVariances, METRIC_DOCS } from '../core/metrics.js';
import { formatMetric } from '../core/ranking.js';
import type { ReportBlock, ReportDoc, ReportSection, ReportSource } from '../core/report/document.js';
import { metricInterval } from '../core/stats/metric-interval.js';
import { formatPValue } from '../core/stats/format.js';
import { recipePath } from '../core/sweep/apply-params.js';
import type { ParamValue } from '../core/sweep/values.js';
import { getRun } from '../store/runs-repo.js';
import { readBestOfIndex } from '../engine/run-metrics.js';
import { readPackageVersion } from '../version.js';
import type { UseCaseDeps } from './deps.js';
import { showRun } from './runs.js';
import { type SweepCellJson, type SweepShowDocument, showSweep, sweepHeatmap } from './sweeps.js';

type Deps = Pick<UseCaseDeps, 'catalog' | 'clock'>;

const p = (v: number | null) => (v === null ? '-' : formatPValue(v));

/** Metrics that cannot fall below 0 (hits, shares): their intervals are cut at 0. */
const NON_NEGATIVE_UNITS = new Set(['hits', 'share']);

/** A swept parameter's column header: never the same as a count column (`tickets (swept)` beside `tickets bought`). */
const sweptLabel = (name: string) => `${name} (swept)`;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A recipe value as a person reads it: numbers and words as they are, a nested object as `(name value, ...)`. */
function plainValue(v: unknown): string {
  if (isRecord(v))
    return `(${Object.entries(v)
      .map(([k, x]) => `${k} ${plainValue(x)}`)
      .join(', ')})`;
  if (Array.isArray(v)) return v.map(plainValue).join(' ');
  return String(v);
}

/**
 * The sweep's base recipe as two short facts instead of its JSON: what it is (name, strategy,
 * tickets, numbers per ticket, history, seed) and its params as `name value` pairs; a field the
 * sweep varies says so (`tickets 20 (swept)`). A base named by preset or file says which.
 */
function baseFacts(base: unknown, swept: readonly string[]): Array<readonly [string, string]> {
  if (!isRecord(base)) return [['base', 'not recorded']];
  if (typeof base.preset === 'string') return [['base', `preset ${base.preset}`]];
  if (typeof base.recipe_file === 'string') return [['base', `recipe file ${base.recipe_file}`]];
  const r = isRecord(base.recipe) ? base.recipe : base;
  const paths = new Set(swept.map((n) => recipePath(n).join('.')));
  const mark = (path: string, text: string) => (paths.has(path) ? `${text} (swept)` : text);
  const field = (key: string, label: string) => (r[key] === undefined ? [] : [mark(key, `${label} ${plainValue(r[key])}`)]);
  const what = [...field('tickets', 'tickets'), ...field('numbers_per_ticket', 'numbers per ticket'), ...field('history', 'history'), ...field('seed', 'seed')];
  const name = typeof r.name === 'string' ? r.name : 'unnamed recipe';
  const strategy = r.strategy === undefined ? '' : ` (${mark('strategy', `${plainValue(r.strategy)} strategy`)})`;
  const facts: Array<readonly [string, string]> = [['base recipe', `${name}${strategy}: ${what.join(', ')}`]];
  const params = isRecord(r.params) ? Object.entries(r.params) : [];
  if (params.length) facts.push(['base params', params.map(([k, v]) => mark(`params.${k}`, `${k} ${plainValue(v)}`)).join(', ')]);
  return facts;
}

/** The sweep's document with every cell (not only the top ones). */
function readSweep(deps: Pick<UseCaseDeps, 'catalog'>, sweepId: string): SweepShowDocument {
  return showSweep(deps, { sweep_id: sweepId, top: Number.MAX_SAFE_INTEGER }).document;
}

/** Parameters in the spec's order that take more than one value among the cells. */
function sweptParameters(doc: SweepShowDocument): string[] {
  const names = Object.keys(doc.cells[0]?.params ?? {});
  return names.filter((n) => new Set(doc.cells.map((c) => String(c.params[n]))).size > 1);
}

function valuesOf(doc: SweepShowDocument, name: string): ParamValue[] {
  const seen: ParamValue[] = [];
  for (const c of [...doc.cells].sort((a, b) => a.cell_index - b.cell_index)) {
    const v = c.params[name];
    if (v !== undefined && !seen.includes(v)) seen.push(v);
  }
  return seen.every((v) => typeof v === 'number') ? [...seen].sort((a, b) => a - b) : seen;
}

/** The draws behind the cells' runs: synthetic when any is, the dataset hash when they share one. */
function sourceOf(deps: Deps, doc: SweepShowDocument): { source: ReportSource; datasets: string[] } {
  const runs = doc.cells.flatMap((c) => [c.run_id, c.holdout?.run_id ?? null]).flatMap((id) => (id ? [getRun(deps.catalog.db, id)] : []));
  const known = runs.filter((r) => r !== undefined);
  const hashes = new Set(known.flatMap((r) => (r.dataset_hash ? [r.dataset_hash] : [])));
  return {
    source: {
      synthetic: known.length ? known.some((r) => r.synthetic === 1) : null,
      dataset_hash: hashes.size === 1 ? [...hashes][0]! : null,
      version: readPackageVersion(),
      generated_at: deps.clock.now,
    },
    datasets: [...hashes].sort(),
  };
}

/** The heatmap (two swept parameters: the first two) or the line (one), with the text a screen reader gets. */
function chartBlock(deps: Deps, doc: SweepShowDocument, swept: readonly string[]): ReportBlock {
  const metric = doc.metric;
  const baselines = new Set(doc.cells.filter((c) => c.value !== null).map((c) => c.baseline));
  const baseline = baselines.size === 1 ? [...baselines][0]! : null;
  if (swept.length >= 2) {
    const [x, y] = [swept[0]!, swept[1]!];
    let squares: HeatmapSquare[];
    let averaged: string[] = [];
    if (swept.length === 2) {
      // one cell per square: its own raw and Holm-adjusted p-values
      squares = doc.cells.map((c) => ({ x: c.params[x]!, y: c.params[y]!, value: c.value, p_raw: c.p_value, p_adjusted: c.p_holm }));
    } else {
      const grid = sweepHeatmap(deps, { sweep_id: doc.sweep_id, x, y, metric });
      averaged = grid.other_parameters;
      squares = grid.y.values.flatMap((yv, yi) =>
        grid.x.values.map((xv, xi) => ({ x: xv, y: yv, value: grid.cells[yi]![xi]!, p_raw: null, p_adjusted: null })),
      );
    }
    const order = (name: string) => valuesOf(doc, name).map(String);
    const [xs, ys] = [order(x), order(y)];
    squares.sort((a, b) => ys.indexOf(String(a.y)) - ys.indexOf(String(b.y)) || xs.indexOf(String(a.x)) - xs.indexOf(String(b.x)));
    return {
      type: 'chart',
      title: `${metric} over ${x} and ${y}`,
      spec: sweepHeatmapChart({ metric, x, y, baseline, adjustment: 'Holm', squares, averaged_over: averaged }),
      alt: `Heatmap of ${metric} over ${x} (${xs.join(', ')}) and ${y} (${ys.join(', ')})${baseline === null ? '' : `, exact baseline ${formatMetric(metric, baseline)}`}; the ranked table has every value and p-value.`,
    };
  }
  const name = swept[0]!;
  const points = [...doc.cells]
    .sort((a, b) => valuesOf(doc, name).indexOf(a.params[name]!) - valuesOf(doc, name).indexOf(b.params[name]!))
    .map((c) => {
      const run = c.run_id ? getRun(deps.catalog.db, c.run_id) : undefined;
      const variance = run && (metric === 'mean_hits' || metric.startsWith('rate_')) ? readBestOfIndex(deps.catalog, run)?.variance : undefined;
      const interval = metricInterval(metric, c.value, {
        tickets: c.tickets,
        contests: c.contests,
        numbers_per_ticket: run?.numbers_per_ticket ?? null,
        variance: variance?.[metric as keyof IndexVariances],
      });
      return { x: c.params[name]!, value: c.value, lo: interval?.[0] ?? null, hi: interval?.[1] ?? null };
    });
  return {
    type: 'chart',
    title: `${metric} by ${name}`,
    spec: sweepLineChart({ metric, parameter: name, baseline, points, non_negative: NON_NEGATIVE_UNITS.has(METRIC_DOCS[metric].unit) }),
    alt: `${metric} by ${name}: ${points.map((pt) => `${String(pt.x)}: ${formatMetric(metric, pt.value)}`).join(', ')}${baseline === null ? '' : `; exact baseline ${formatMetric(metric, baseline)}`}.`,
  };
}

/** "too short to tell" when the best cell's own run says its range is too short for its figures. */
function tooShort(deps: Deps, doc: SweepShowDocument): string | null {
  if (!doc.best) return null;
  try {
    const baseline = showRun(deps, { run_id: doc.best.run_id }).summary.baseline;
    return baseline?.too_short
      ? `Too short to tell: over contests ${doc.first_contest}..${doc.last_contest} even 2+ hits per ticket is expected fewer than 5 times per cell, so no cell's hit figures can be judged.`
      : null;
  } catch {
    return null; // the best cell's run file is gone: its figures in the catalog still stand
  }
}

/**
 * A sweep's report as a `ReportDoc`: the data it came from (synthetic or official, the dataset
 * hash its cells' runs share, the luckyfive version, `deps.clock`'s time), a headline with the
 * sweep's own honesty sentence (the best cell against the best of N tries, raw and Holm p), its
 * holdout result, "too short to tell" when the range is, and synthetic data; sections: the spec
 * (range, holdout, metric, parameters and their values, the base recipe as `name value` facts,
 * the adjustment), every cell ranked with its swept values (`tickets (swept)`), value, exact
 * baseline, raw p, Holm and BH p, contests run and tickets bought, the heatmap (two or more swept parameters: the
 * first two, averaged over the rest) or the line with each cell's 95% interval (one), and the cells
 * that did not finish with their errors. Refuses a malformed id (E_INPUT_INVALID) and an unknown
 * sweep (E_NOT_FOUND).
 */
export function buildSweepReport(deps: Deps, input: { sweep_id: string }): ReportDoc {
  const doc = readSweep(deps, input.sweep_id);
  const { source, datasets } = sourceOf(deps, doc);
  const swept = sweptParameters(doc);
  const params = Object.keys(doc.cells[0]?.params ?? {});
  const metric = doc.metric;

  const headline: string[] = [];
  if (source.synthetic) headline.push('Synthetic sample draws, not official results: nothing here says anything about the real Quina.');
  if (!doc.complete)
    headline.push(`This sweep is ${doc.status}: ${doc.cells_done} of ${countOf(doc.cells_total, 'cell')} done; every figure may still change.`);
  headline.push(doc.best ? `${doc.best.sentence}.` : 'No cell has finished with a value: nothing to rank yet.');
  const short = tooShort(deps, doc);
  if (short) headline.push(short);
  const h = doc.best?.holdout;
  if (h)
    headline.push(
      h.value === null
        ? `Holdout (contests ${h.first_contest}..${h.last_contest}): ${h.status}, no figure yet.`
        : `Holdout (contests ${h.first_contest}..${h.last_contest}): the best cell has ${metric} ${formatMetric(metric, h.value)} against ${formatMetric(metric, h.baseline)} expected, raw p = ${p(h.p_value)}, Holm p = ${p(h.p_holm)} over the holdout runs.`,
    );

  const spec = (doc.spec ?? {}) as { base?: unknown; description?: string; constraints?: unknown[] };
  const facts: Array<readonly [string, string]> = [
    ['sweep', `${doc.sweep_id}${doc.name ? ` (${doc.name})` : ''}`],
    ['status', `${doc.status}: ${doc.cells_done} of ${countOf(doc.cells_total, 'cell')} done, ${doc.cells_failed} failed`],
    ['contests', `${doc.first_contest}..${doc.last_contest}`],
    [
      'holdout',
      doc.holdout ? `${doc.holdout.from}..${doc.holdout.to ?? 'latest'}, the top ${doc.holdout.top === 1 ? 'cell' : `${doc.holdout.top} cells`}` : 'none',
    ],
    ['metric', `${metric}: ${doc.metric_description} (${doc.higher_is_better ? 'higher' : 'lower'} is better)`],
    ...params.map((n) => [`parameter ${n}`, valuesOf(doc, n).map(String).join(', ')] as const),
    ...baseFacts(spec.base, params),
    ...(spec.constraints?.length ? [['constraints', JSON.stringify(spec.constraints)] as const] : []),
    ['p-values', `raw, and adjusted by Holm and by Benjamini-Hochberg over ${countOf(doc.adjustment.family_size, 'finished cell')} (${doc.adjustment.note})`],
    ['draws', source.synthetic === null ? 'no cell ran yet' : source.synthetic ? 'synthetic sample draws' : 'official results'],
    ...(datasets.length > 1 ? [['dataset hashes', `${datasets.join(', ')} (cells that read different history windows hash different draws)`] as const] : []),
  ];
  if (spec.description) facts.splice(1, 0, ['description', spec.description]);

  const withHoldout = doc.holdout !== null;
  const cellRow = (c: SweepCellJson) => [
    c.rank === null ? '-' : String(c.rank),
    `#${c.cell_index}`,
    ...params.map((n) => String(c.params[n])),
    formatMetric(metric, c.value),
    formatMetric(metric, c.baseline),
    p(c.p_value),
    p(c.p_holm),
    p(c.p_bh),
    c.contests === null ? '-' : String(c.contests),
    c.tickets === null ? '-' : String(c.tickets),
    ...(withHoldout ? [c.holdout ? `${formatMetric(metric, c.holdout.value)} (p ${p(c.holdout.p_value)})` : '-'] : []),
    c.flag ?? '',
  ];
  const sections: ReportSection[] = [
    { heading: 'The sweep', blocks: [{ type: 'facts', rows: facts }] },
    {
      heading: 'Cells ranked',
      blocks: [
        {
          type: 'table',
          caption: `Every cell by ${metric}, each beside its exact baseline; p raw, then adjusted for ${doc.adjustment.family_size === 1 ? 'the 1 finished cell' : `the ${doc.adjustment.family_size} finished cells`} (Holm, BH)`,
          columns: [
            { label: 'rank', align: 'right' },
            { label: 'cell', align: 'right' },
            ...params.map((n) => ({ label: sweptLabel(n), align: 'right' as const })),
            { label: metric, align: 'right' },
            { label: 'baseline', align: 'right' },
            { label: 'p raw', align: 'right' },
            { label: 'p Holm', align: 'right' },
            { label: 'p BH', align: 'right' },
            { label: 'contests run', align: 'right' },
            { label: 'tickets bought', align: 'right' },
            ...(withHoldout ? [{ label: 'holdout', align: 'right' as const }] : []),
            { label: 'note', align: 'left' as const },
          ],
          rows: doc.cells.map(cellRow),
        },
      ],
    },
  ];
  if (swept.length > 0 && doc.cells.some((c) => c.value !== null))
    sections.push({
      heading: swept.length >= 2 ? `${metric} over ${swept[0]} and ${swept[1]}` : `${metric} by ${swept[0]}`,
      blocks: [chartBlock(deps, doc, swept)],
    });
  const unfinished = doc.cells.filter((c) => c.status !== 'completed');
  if (unfinished.length)
    sections.push({
      heading: 'Cells that did not finish',
      blocks: [
        {
          type: 'table',
          columns: [
            { label: 'cell', align: 'right' },
            ...params.map((n) => ({ label: sweptLabel(n), align: 'right' as const })),
            { label: 'status', align: 'left' },
            { label: 'error', align: 'left' },
          ],
          rows: unfinished.map((c) => [`#${c.cell_index}`, ...params.map((n) => String(c.params[n])), c.status, c.error ?? '']),
        },
      ],
    });
  return {
    kind: 'sweep',
    title: `Sweep ${doc.name || doc.sweep_id}`,
    subtitle: `${countOf(doc.cells_total, 'cell')} over ${params.join(', ') || 'no parameter'}; contests ${doc.first_contest}..${doc.last_contest}; ranked by ${metric}`,
    source,
    headline,
    sections,
    file_stem: `sweep-${doc.sweep_id}-report`,
  };
}

/**
 * A sweep's cells as CSV, one row per cell in rank order: rank, cell index, each parameter,
 * status, run id, the metric's value, exact baseline, raw, Holm and BH p-values, contests,
 * tickets, the holdout run and its figures, and the error of a failed cell. Refuses like
 * {@link buildSweepReport}.
 */
export function sweepReportCsv(deps: Pick<UseCaseDeps, 'catalog'>, input: { sweep_id: string }): Iterable<string> {
  const doc = readSweep(deps, input.sweep_id);
  const params = Object.keys(doc.cells[0]?.params ?? {});
  const n = (v: number | null) => (v === null ? '' : v);
  return [
    csvLine([
      'rank',
      'cell_index',
      ...params,
      'status',
      'run_id',
      'metric',
      'value',
      'baseline',
      'p_value',
      'p_holm',
      'p_bh',
      'contests',
      'tickets',
      'holdout_run_id',
      'holdout_value',
      'holdout_baseline',
      'holdout_p_value',
      'holdout_p_holm',
      'error',
    ]),
    ...doc.cells.map((c) =>
      csvLine([
        n(c.rank),
        c.cell_index,
        ...params.map((k) => {
          const v = c.params[k];
          return typeof v === 'number' ? v : String(v);
        }),
        c.status,
        c.run_id ?? '',
        doc.metric,
        n(c.value),
        n(c.baseline),
        n(c.p_value),
        n(c.p_holm),
        n(c.p_bh),
        n(c.contests),
        n(c.tickets),
        c.holdout?.run_id ?? '',
        n(c.holdout?.value ?? null),
        n(c.holdout?.baseline ?? null),
        n(c.holdout?.p_value ?? null),
        n(c.holdout?.p_holm ?? null),
        c.error ?? '',
      ]),
    ),
  ];
}
