// Renders a chart spec the way the reports do (renderChartSvg) while collecting every warning
// vega-lite and vega would give, and anything written to stderr: a chart must give none.
import { View, parse } from 'vega';
import { type TopLevelSpec, compile } from 'vega-lite';
import { vi } from 'vitest';
import type { ChartSpec } from '../../../../src/core/charts/run-charts.js';
import { renderChartSvg } from '../../../../src/engine/charts/render.js';

export async function strictRender(spec: ChartSpec): Promise<{ svg: string; warnings: string[] }> {
  const warnings: string[] = [];
  const collect =
    (level: string) =>
    (...args: unknown[]) => {
      warnings.push(`${level}: ${args.map(String).join(' ')}`);
      return log;
    };
  const log = {
    level: (): number => 0,
    error: collect('error'),
    warn: collect('warn'),
    info: () => log,
    debug: () => log,
  };
  const compiled = compile(spec as unknown as TopLevelSpec, { logger: log as never }).spec;
  const view = new View(parse(compiled), { renderer: 'none', logger: log as never });
  try {
    await view.runAsync();
  } finally {
    view.finalize();
  }
  const stderr = vi.spyOn(process.stderr, 'write');
  const warn = vi.spyOn(console, 'warn');
  const error = vi.spyOn(console, 'error');
  try {
    const svg = await renderChartSvg(spec);
    for (const call of [...stderr.mock.calls, ...warn.mock.calls, ...error.mock.calls]) warnings.push(`stderr: ${String(call[0])}`);
    return { svg, warnings };
  } finally {
    stderr.mockRestore();
    warn.mockRestore();
    error.mockRestore();
  }
}

/**
 * The tick labels a rendered chart shows, by axis title (labels hidden by vega's overlap rule are
 * left out): `{ contest: ['6880', '6881', '6882'], ... }`.
 */
export function axisLabels(svg: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const axis = /<g class="mark-text role-axis-label"[^>]*>(.*?)<\/g>.*?<g class="mark-text role-axis-title"[^>]*><text[^>]*>(.*?)<\/text>/g;
  for (const [, labels, title] of svg.matchAll(axis)) {
    const shown = [...labels!.matchAll(/<text([^>]*)>(.*?)<\/text>/g)].filter(([, attrs]) => !/opacity="0"/.test(attrs!)).map(([, , text]) => text!);
    out[title!] = shown;
  }
  return out;
}
