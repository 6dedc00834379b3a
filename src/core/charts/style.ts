/**
 * The look every chart shares (width, font, axis sizes) and its colour-blind-safe palette
 * (Okabe-Ito blue, vermillion, orange, sky blue, grey), so a run, a sweep, the books and a
 * comparison read alike on a page, in a report and in a PNG; and how many contests a chart draws
 * one by one before it draws blocks of them (a page must stay light); and the whole-number axes of
 * contests and counts (no tick at 6881.5, no label twice).
 */

/** The vega-lite schema every spec names. */
export const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';
/** Plot width in pixels (the HTML and PDF reports and the PNG are laid out for it). */
export const WIDTH = 560;
/** The bundled font first (PNG and PDF), then common fallbacks for the browser. */
export const FONT = 'DejaVu Sans, Verdana, sans-serif';
export const CONFIG = { font: FONT, view: { stroke: null }, axis: { labelFontSize: 11, titleFontSize: 12 } };

/** Okabe-Ito colours: distinguishable with every common colour-vision deficiency. */
export const COLOURS = {
  /** the observed figure, money in, positive */
  blue: '#0072B2',
  /** money out, negative, a failed check */
  vermillion: '#D55E00',
  /** the exact expectation */
  orange: '#E69F00',
  /** the band luck alone gives */
  band: '#56B4E9',
  /** reference lines (zero, break-even, limits) */
  ink: '#222222',
  grey: '#999999',
} as const;

/**
 * Above this many contests a chart draws blocks of consecutive contests instead of one mark per
 * contest: 6,882 points make a 2 MB SVG that takes seconds to draw and shows no more than 250
 * blocks do on a 560-pixel plot.
 */
export const MAX_CONTEST_MARKS = 500;

/** Consecutive runs of `items`, at most `blocks` of them, all of the same length but the last. */
export function contestBlocks<T>(items: readonly T[], blocks: number): T[][] {
  const size = Math.max(1, Math.ceil(items.length / blocks));
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Whole-number tick values from `lo` to `hi`, at most `most` of them, a step of 1, 2 or 5 times a
 * power of ten and never under 1: an axis of contests or counts never shows 6881.5, nor (with
 * `format: 'd'`) the same label twice. vega's own `tickMinStep` is only a hint (3 contests still
 * get ticks every 0.5), so the values are given.
 */
export function integerTicks(lo: number, hi: number, most = 8): number[] {
  const [a, b] = lo <= hi ? [lo, hi] : [hi, lo];
  const step = integerStep(b - a, most);
  const out: number[] = [];
  for (let v = Math.ceil(a / step) * step; v <= b; v += step) out.push(v);
  return out;
}

/** The smallest of 1, 2, 5, 10, 20, 50, ... that splits `span` into at most `most` - 1 steps. */
function integerStep(span: number, most: number): number {
  const want = Math.max(1, span / Math.max(1, most - 1));
  for (let power = 1; ; power *= 10) for (const f of [1, 2, 5]) if (f * power >= want) return f * power;
}

/**
 * A quantitative x encoding of contest numbers: whole-number ticks, each label once, and half a
 * contest (or the rest of a tick step) of room at each end so the first and last contest's marks
 * stay off the frame.
 */
export function contestX(contests: readonly number[]): Record<string, unknown> {
  if (!contests.length) return { field: 'contest', type: 'quantitative', title: 'contest', scale: { zero: false }, axis: { format: 'd', tickMinStep: 1 } };
  const lo = Math.min(...contests);
  const hi = Math.max(...contests);
  const values = integerTicks(lo, hi);
  const step = values.length > 1 ? values[1]! - values[0]! : 1;
  const domain = [Math.min(lo - 0.5, Math.floor(lo / step) * step), Math.max(hi + 0.5, Math.ceil(hi / step) * step)];
  return { field: 'contest', type: 'quantitative', title: 'contest', scale: { domain, nice: false }, axis: { format: 'd', values } };
}

/**
 * The scale and axis of a count from 0 to `max` (times drawn, tickets): whole-number ticks up to
 * the first tick at or above `max`, where the axis ends.
 */
export function countScale(max: number, most = 6): { scale: Record<string, unknown>; axis: Record<string, unknown> } {
  const step = integerStep(Math.max(1, max), most);
  const top = Math.max(step, Math.ceil(max / step) * step);
  return { scale: { domain: [0, top], nice: false }, axis: { format: 'd', values: integerTicks(0, top, most) } };
}

/**
 * The scale and axis of a count from 0 to `max` on a symmetric log scale: whole-number ticks at
 * 0 and 1, 10, 100, ... (1, 2, 5, 10, 20, 50, ... while `max` is at most 100; every whole number
 * up to 10), ending at the first tick at or above `max`. Linear ticks on a log scale bunch at the
 * top (100,000 to 800,000 crammed into a corner, nothing between 0 and 100,000).
 */
export function symlogCountScale(max: number): { scale: Record<string, unknown>; axis: Record<string, unknown> } {
  let values: number[];
  if (max <= 10) values = integerTicks(0, Math.max(1, Math.ceil(max)), 11);
  else {
    values = [0];
    for (let power = 1; values.at(-1)! < max; power *= 10) for (const f of max <= 100 ? [1, 2, 5] : [1]) if (values.at(-1)! < max) values.push(f * power);
  }
  return { scale: { type: 'symlog', domain: [0, values.at(-1)!], nice: false }, axis: { format: ',d', values } };
}
