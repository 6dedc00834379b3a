/**
 * A sweep's charts: two swept parameters as a heatmap (colour: the metric, diverging around its
 * exact baseline; text in each square: the raw and the adjusted p-value), and one swept
 * parameter as a line with each cell's 95% interval and the baseline line.
 */
import { formatInteger, formatNumber, formatPValue } from '../stats/format.js';
import type { ChartSpec } from './run-charts.js';
import { COLOURS, CONFIG, SCHEMA, WIDTH, integerTicks } from './style.js';

type Value = number | string | boolean;

/** The largest heatmap whose squares carry their value and p-values as text. */
const MAX_LABELLED_COLUMNS = 6;
const MAX_LABELLED_ROWS = 10;

/** One square of a heatmap: a metric value (null: no finished cell) and its p-values (null when none, or when the square is a mean of cells). */
export interface HeatmapSquare {
  x: Value;
  y: Value;
  value: number | null;
  p_raw: number | null;
  p_adjusted: number | null;
}

export interface SweepHeatmapInput {
  metric: string;
  x: string;
  y: string;
  /** the exact expectation every cell shares, or null (money metrics, mixed baselines) */
  baseline: number | null;
  /** the adjustment named in the text ("Holm") */
  adjustment: string;
  squares: readonly HeatmapSquare[];
  /** set when each square is a mean over other swept parameters (named) */
  averaged_over?: readonly string[] | undefined;
}

/** A metric value as text: grouped integers from 100 up (centavos, percent), 4 significant digits below. */
const num = (v: number) => (Math.abs(v) >= 100 ? formatInteger(v) : formatNumber(v));
const p = (v: number | null) => (v === null ? '-' : formatPValue(v));

/**
 * The metric over two swept parameters: colour diverging around the baseline (blue above, orange
 * below), each square labelled with its value, raw p and adjusted p (`p 0.41 / adj 1`) while
 * the labels fit (up to 6 x 10 squares; beyond, the report's table carries them).
 */
export function sweepHeatmapChart(input: SweepHeatmapInput): ChartSpec {
  // white text on the darkest squares (far from the colour midpoint), black elsewhere
  const finite = input.squares.map((s) => s.value).filter((v): v is number => v !== null);
  const mid = input.baseline ?? (finite.length ? (Math.min(...finite) + Math.max(...finite)) / 2 : 0);
  const reach = Math.max(0, ...finite.map((v) => Math.abs(v - mid)));
  const values = input.squares.map((s) => ({
    x: String(s.x),
    y: String(s.y),
    value: s.value,
    ink: s.value !== null && reach > 0 && Math.abs(s.value - mid) / reach > 0.6 ? 'white' : 'black',
    line1: s.value === null ? 'no result' : num(s.value),
    line2: `p ${p(s.p_raw)} / adj ${p(s.p_adjusted)}`,
  }));
  const order = (field: 'x' | 'y') => [...new Set(input.squares.map((s) => String(s[field])))];
  const x = { field: 'x', type: 'ordinal', title: input.x, sort: order('x'), axis: { labelAngle: 0 } };
  const y = { field: 'y', type: 'ordinal', title: input.y, sort: order('y') };
  const colour: Record<string, unknown> = { scheme: 'blueorange', reverse: true };
  if (input.baseline !== null) colour.domainMid = input.baseline;
  const ink = { field: 'ink', type: 'nominal', scale: { domain: ['black', 'white'], range: [COLOURS.ink, '#ffffff'] }, legend: null };
  const columns = order('x').length;
  // past 6 columns (560 px) or 10 rows (480 px) the two lines of text no longer fit their squares
  const labelled = columns <= MAX_LABELLED_COLUMNS && order('y').length <= MAX_LABELLED_ROWS;
  const rows = order('y').length;
  const baselineText = input.baseline === null ? 'no exact baseline' : `exact baseline ${num(input.baseline)} (the colour midpoint)`;
  return {
    $schema: SCHEMA,
    title: {
      text: `${input.metric} over ${input.x} and ${input.y}`,
      subtitle: [
        labelled
          ? `${baselineText}; in each square: the value, then its raw p-value and the ${input.adjustment}-adjusted one`
          : `${baselineText}; too many squares to label (${input.squares.length}): the ranked table has each value and p-value`,
        ...(input.averaged_over?.length ? [`each square is the mean over ${input.averaged_over.join(', ')} (no single p-value)`] : []),
      ],
    },
    width: Math.min(WIDTH, Math.max(160, columns * 110)),
    height: Math.min(480, Math.max(80, rows * 44)),
    data: { values },
    config: CONFIG,
    encoding: { x, y },
    layer: [
      { mark: { type: 'rect' }, encoding: { color: { field: 'value', type: 'quantitative', title: input.metric, scale: colour } } },
      ...(labelled
        ? [
            { mark: { type: 'text', baseline: 'bottom', dy: -1, fontSize: 11 }, encoding: { text: { field: 'line1' }, color: ink } },
            { mark: { type: 'text', baseline: 'top', dy: 1, fontSize: 9 }, encoding: { text: { field: 'line2' }, color: ink } },
          ]
        : []),
    ],
  };
}

/** One cell of a one-parameter sweep: its value and 95% interval (null where none applies). */
export interface SweepLinePoint {
  x: Value;
  value: number | null;
  lo: number | null;
  hi: number | null;
}

/** Up to this many parameter values the x axis is one evenly spaced slot per value. */
export const MAX_POINT_VALUES = 12;

/** True when `xs` (sorted or not) are numbers an equal step apart. */
function evenlySpaced(xs: readonly number[]): boolean {
  const s = [...xs].sort((a, b) => a - b);
  const step = s.length > 1 ? s[1]! - s[0]! : 0;
  return step > 0 && s.every((v, i) => i === 0 || Math.abs(v - s[i - 1]! - step) <= 1e-9 * Math.max(1, Math.abs(step)));
}

/**
 * The x encoding of a one-parameter sweep. A slot per value (a point scale with half a slot of
 * padding at each end, labelled with the values themselves) when the values are few (up to
 * {@link MAX_POINT_VALUES}), not numbers, or not evenly spaced (0.001, 0.01, 0.1, 1); a
 * continuous axis only for many evenly spaced numbers, with whole-number ticks when they are whole
 * numbers, and room at each end so the first and last cells' intervals stay off the frame.
 */
function sweepX(parameter: string, xs: readonly Value[]): { encoding: Record<string, unknown>; numeric: boolean } {
  const numbers = xs.every((v): v is number => typeof v === 'number');
  if (!numbers || xs.length <= MAX_POINT_VALUES || !evenlySpaced(xs)) {
    const labels = [...new Set(xs.map(String))];
    return {
      encoding: {
        field: 'x',
        type: 'ordinal',
        title: parameter,
        sort: labels,
        scale: { type: 'point', padding: 0.5 },
        axis: { labelAngle: 0, labelOverlap: 'parity' },
      },
      numeric: false,
    };
  }
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  const whole = xs.every((v) => Number.isInteger(v));
  const axis = whole ? { format: 'd', values: integerTicks(lo, hi) } : {};
  return { encoding: { field: 'x', type: 'quantitative', title: parameter, scale: { zero: false, nice: false, padding: 16 }, axis }, numeric: true };
}

/**
 * A one-parameter sweep: the metric per value of the parameter (line and points), each cell's
 * 95% interval (vertical rules) and the exact baseline (dashed orange line) when there is one.
 * `non_negative` (hits and shares: every metric with an interval) clips an interval at 0, so the
 * y axis never runs below 0 for a figure that cannot.
 */
export function sweepLineChart(input: {
  metric: string;
  parameter: string;
  baseline: number | null;
  points: readonly SweepLinePoint[];
  non_negative?: boolean | undefined;
}): ChartSpec {
  const shown = input.points.filter((pt) => pt.value !== null);
  const { encoding: x, numeric } = sweepX(
    input.parameter,
    shown.map((pt) => pt.x),
  );
  const clip = (v: number | null) => (v === null || !input.non_negative ? v : Math.max(0, v));
  const values = shown.map((pt) => ({ x: numeric ? pt.x : String(pt.x), value: pt.value, lo: clip(pt.lo), hi: clip(pt.hi) }));
  const y = { type: 'quantitative', title: input.metric, scale: { zero: false } };
  const layers: unknown[] = [
    {
      data: { values },
      layer: [
        // the interval rules only where a cell has one (money metrics have none)
        ...(values.some((v) => v.lo !== null && v.hi !== null)
          ? [{ mark: { type: 'rule', color: COLOURS.blue, opacity: 0.6, strokeWidth: 2 }, encoding: { x, y: { field: 'lo', ...y }, y2: { field: 'hi' } } }]
          : []),
        { mark: { type: 'line', color: COLOURS.blue, point: { color: COLOURS.blue } }, encoding: { x, y: { field: 'value', ...y } } },
      ],
    },
  ];
  if (input.baseline !== null)
    layers.push({
      data: { values: [{ baseline: input.baseline }] },
      mark: { type: 'rule', color: COLOURS.orange, strokeDash: [6, 4], strokeWidth: 2 },
      encoding: { y: { field: 'baseline', ...y } },
    });
  return {
    $schema: SCHEMA,
    title: {
      text: `${input.metric} by ${input.parameter}`,
      subtitle:
        input.baseline === null
          ? 'points: each cell, with its 95% interval where one applies; this metric has no exact baseline'
          : `points: each cell; vertical lines: its 95% interval; dashed orange: the exact baseline ${num(input.baseline)}`,
    },
    width: WIDTH,
    height: 220,
    config: CONFIG,
    layer: layers,
  };
}
