/**
 * A sweep's charts: two swept parameters as a heatmap (colour: the metric, diverging around its
 * exact baseline; text in each square: the raw and the adjusted p-value), and one swept
 * parameter as a line with each cell's 95% interval and the baseline line.
 */
import { formatInteger, formatNumber, formatPValue } from '../stats/format.js';
import type { ChartSpec } from './run-charts.js';
import { COLOURS, CONFIG, SCHEMA, WIDTH } from './style.js';

type Value = number | string | boolean;

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
 * below), each square labelled with its value, raw p and adjusted p (`p 0.41 / adj 1`).
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
  const rows = order('y').length;
  const baselineText = input.baseline === null ? 'no exact baseline' : `exact baseline ${num(input.baseline)} (the colour midpoint)`;
  return {
    $schema: SCHEMA,
    title: {
      text: `${input.metric} over ${input.x} and ${input.y}`,
      subtitle: [
        `${baselineText}; in each square: the value, then its raw p-value and the ${input.adjustment}-adjusted one`,
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
      { mark: { type: 'text', baseline: 'bottom', dy: -1, fontSize: 11 }, encoding: { text: { field: 'line1' }, color: ink } },
      { mark: { type: 'text', baseline: 'top', dy: 1, fontSize: 9 }, encoding: { text: { field: 'line2' }, color: ink } },
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

/**
 * A one-parameter sweep: the metric per value of the parameter (line and points), each cell's
 * 95% interval (vertical rules) and the exact baseline (dashed orange line) when there is one.
 */
export function sweepLineChart(input: { metric: string; parameter: string; baseline: number | null; points: readonly SweepLinePoint[] }): ChartSpec {
  const numeric = input.points.every((pt) => typeof pt.x === 'number');
  const values = input.points.filter((pt) => pt.value !== null).map((pt) => ({ x: numeric ? pt.x : String(pt.x), value: pt.value, lo: pt.lo, hi: pt.hi }));
  const x = numeric
    ? { field: 'x', type: 'quantitative', title: input.parameter, scale: { zero: false } }
    : { field: 'x', type: 'ordinal', title: input.parameter, sort: null, axis: { labelAngle: 0 } };
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
