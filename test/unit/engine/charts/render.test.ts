// A chart spec rendered to SVG on the server, with no canvas and no browser.
import { describe, expect, it } from 'vitest';
import { hitDistributionChart } from '../../../../src/core/charts/run-charts.js';
import { renderChartSvg, wrapLine } from '../../../../src/engine/charts/render.js';

describe('renderChartSvg', () => {
  it('[15.1.6] gives one standalone <svg> with the chart title and axis, nothing external', async () => {
    const svg = await renderChartSvg(hitDistributionChart([{ hits: 0, observed: 10, expected: 9.5, probability: 0.7 }], 14));
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('Hits per ticket');
    expect(svg).toContain('hits per ticket');
    expect(svg).not.toMatch(/<image|href="http|<script/);
  });
});

describe('wrapLine', () => {
  it('[15.2.9] cuts a PNG header line at spaces, no line longer than asked unless one word is', () => {
    expect(wrapLine('aa bb cc dd', 5)).toEqual(['aa bb', 'cc dd']);
    expect(wrapLine('abcdefgh ij', 5)).toEqual(['abcdefgh', 'ij']);
    expect(wrapLine('', 5)).toEqual([]);
  });
});
