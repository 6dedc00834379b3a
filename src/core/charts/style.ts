/**
 * The look every chart shares (width, font, axis sizes) and its colour-blind-safe palette
 * (Okabe-Ito blue, vermillion, orange, sky blue, grey), so a run, a sweep, the books and a
 * comparison read alike on a page, in a report and in a PNG.
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
