/**
 * Charts to SVG on the server: a vega-lite spec (`core/charts/`) compiled by vega-lite 5 and
 * rendered by vega with no canvas and no browser, so pages and reports carry plain SVG and no
 * chart library runs in the browser.
 */
import { None, View, logger, parse } from 'vega';
import { type TopLevelSpec, compile } from 'vega-lite';
import type { ChartSpec } from '../../core/charts/run-charts.js';

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
