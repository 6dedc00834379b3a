// A chart spec rendered to SVG on the server, with no canvas and no browser.
import { describe, expect, it } from 'vitest';
import { hitDistributionChart } from '../../../../src/core/charts/run-charts.js';
import { renderChartSvg } from '../../../../src/engine/charts/render.js';

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
