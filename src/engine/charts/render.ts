/**
 * Charts to SVG on the server: a vega-lite spec (`core/charts/`) compiled by vega-lite 5 and
 * rendered by vega with no canvas and no browser, so pages and reports carry plain SVG and no
 * chart library runs in the browser; and charts stacked into one PNG by resvg with bundled fonts.
 */
import { Resvg } from '@resvg/resvg-js';
import { None, View, logger, parse } from 'vega';
import { type TopLevelSpec, compile } from 'vega-lite';
import type { ChartSpec } from '../../core/charts/run-charts.js';
import { FONT_BOLD, FONT_REGULAR } from './fonts.js';

/** One chart as a standalone SVG element (fonts named, no external reference). */
export async function renderChartSvg(spec: ChartSpec): Promise<string> {
  // vega-lite's and vega's advice goes nowhere: a chart never writes to the caller's stdout or stderr
  const quiet = logger(None);
  const view = new View(parse(compile(spec as unknown as TopLevelSpec, { logger: quiet }).spec), { renderer: 'none', logger: quiet });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * A line of text cut into lines of at most `max` characters at spaces (a header line of a PNG:
 * DejaVu Sans at 12 px is about 7 px a character on average, so `max` is the width over 7).
 */
export function wrapLine(text: string, max: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > max) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

const xml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A PNG image and its size in pixels. */
export interface PngImage {
  png: Buffer;
  width: number;
  height: number;
}

/**
 * Charts (SVG, from {@link renderChartSvg}) stacked under a few header lines (wrapped to its width) into one PNG, drawn
 * by resvg with the bundled DejaVu fonts only (no system font: the same pixels on every machine),
 * at `scale` (2 = sharp on high-density screens).
 */
export function renderPng(headerLines: readonly string[], charts: readonly string[], scale = 2): PngImage {
  const margin = 16;
  const line = 20;
  const sizes = charts.map((svg) => {
    const m = /<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
    return { w: Number(m?.[1] ?? 600), h: Number(m?.[2] ?? 300) };
  });
  const width = Math.ceil(Math.max(640, ...sizes.map((s) => s.w)) + 2 * margin);
  // the first line is the title (16 px, bold); the others are wrapped to the image's width, and
  // from the fourth on (the headline sentences) each sentence starts a little below the last
  const perLine = Math.floor((width - 2 * margin) / 7);
  const gap = 5;
  let baseline = margin;
  const header = headerLines.flatMap((t, i) =>
    (i === 0 ? [t] : wrapLine(t, perLine)).map((piece, j) => {
      baseline += line + (i >= 3 && j === 0 ? gap : 0);
      return { text: piece, y: baseline - 5, title: i === 0 };
    }),
  );
  let y = baseline + 8;
  const placed = charts.map((svg, i) => {
    const at = y;
    y += sizes[i]!.h + 12;
    // a chart is nested as an <svg> element at its place: its own coordinates stay intact
    return svg.replace(/^<svg/, `<svg x="${margin}" y="${at}"`);
  });
  const height = Math.ceil(y + margin);
  const text = header
    .map(
      (h) =>
        `<text x="${margin}" y="${h.y}" font-family="DejaVu Sans" font-size="${h.title ? 16 : 12}"${h.title ? ' font-weight="bold"' : ''}>${xml(h.text)}</text>`,
    )
    .join('');
  const page = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><rect width="100%" height="100%" fill="white"/>${text}${placed.join('')}</svg>`;
  const image = new Resvg(page, {
    font: { fontFiles: [FONT_REGULAR, FONT_BOLD], loadSystemFonts: false, defaultFontFamily: 'DejaVu Sans' },
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
  }).render();
  return { png: image.asPng(), width: image.width, height: image.height };
}
