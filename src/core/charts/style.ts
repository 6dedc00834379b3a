/**
 * The look every chart shares (width, font, axis sizes) and its colour-blind-safe palette
 * (Okabe-Ito blue, vermillion, orange, sky blue, grey), so a run, a sweep, the books and a
 * comparison read alike on a page, in a report and in a PNG; and how many contests a chart draws
 * one by one before it draws blocks of them (a page must stay light).
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
