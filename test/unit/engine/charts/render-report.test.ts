// One renderer path: the same document drawn as HTML (charts inline), PDF and PNG (at the size it states).
import { describe, expect, it } from 'vitest';
import { hitDistributionChart } from '../../../../src/core/charts/run-charts.js';
import type { ReportDoc } from '../../../../src/core/report/document.js';
import { renderReport } from '../../../../src/engine/charts/render-report.js';

const doc: ReportDoc = {
  kind: 'run',
  title: 'A report',
  subtitle: 'its subtitle',
  source: { synthetic: true, dataset_hash: 'a'.repeat(64), version: '9.9.9', generated_at: '2026-12-03T00:00:00.000Z' },
  headline: ['The verdict, long enough to be wrapped in a PNG header line: '.repeat(4).trim()],
  sections: [
    {
      heading: 'Charts',
      blocks: [{ type: 'chart', title: 'hits', spec: hitDistributionChart([{ hits: 0, observed: 10, expected: 9.5, probability: 0.7 }], 14), alt: 'the hits' }],
    },
  ],
  file_stem: 'a-report',
};

describe('renderReport', () => {
  it('[15.2.8] html carries the chart inline; pdf starts %PDF; png decodes to the size it states', async () => {
    const html = await renderReport(doc, 'html');
    expect(html.content_type).toBe('text/html; charset=utf-8');
    expect(String(html.body).match(/<svg[\s>]/g)).toHaveLength(1);
    expect(String(html.body)).toContain('SYNTHETIC sample draws');
    const pdf = await renderReport(doc, 'pdf');
    expect(pdf.content_type).toBe('application/pdf');
    expect((pdf.body as Buffer).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const png = await renderReport(doc, 'png');
    const bytes = png.body as Buffer;
    expect(bytes.subarray(12, 16).toString('latin1')).toBe('IHDR');
    expect({ width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) }).toEqual(png.size);
  });
});
