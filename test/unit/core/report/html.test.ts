// The HTML renderer of a report document: every text escaped, tables keep their alignment, charts
// placed in order with their description, nothing to fetch.
import { describe, expect, it } from 'vitest';
import type { ReportDoc } from '../../../../src/core/report/document.js';
import { escapeHtml, renderReportHtml } from '../../../../src/core/report/html.js';

const NASTY = `<script>alert("x")</script> & 'y'`;

const doc: ReportDoc = {
  kind: 'run',
  title: `run ${NASTY}`,
  subtitle: `sub ${NASTY}`,
  source: { synthetic: false, dataset_hash: 'd'.repeat(64), version: '9.9.9', generated_at: '2026-12-03T00:00:00.000Z' },
  headline: [`verdict ${NASTY}`, `note ${NASTY}`],
  sections: [
    {
      heading: `heading ${NASTY}`,
      blocks: [
        { type: 'paragraph', text: `para ${NASTY}` },
        { type: 'paragraph', text: `warn ${NASTY}`, tone: 'note' },
        { type: 'facts', rows: [[`label ${NASTY}`, `value ${NASTY}`]] },
        {
          type: 'table',
          caption: `caption ${NASTY}`,
          columns: [{ label: `col ${NASTY}` }, { label: 'n' }, { label: 'words', align: 'left' }],
          rows: [[`cell ${NASTY}`, '12', 'text']],
        },
        { type: 'chart', title: 'c', spec: {}, alt: `alt ${NASTY}` },
      ],
    },
  ],
  file_stem: 'x',
};

describe('renderReportHtml', () => {
  it('[15.2.1] escapes every text of the document (a name with <script> and quotes stays text), places the chart SVG with its description', () => {
    expect(escapeHtml(`<b>"x" & 'y'</b>`)).toBe('&#60;b&#62;&#34;x&#34; &#38; &#39;y&#39;&#60;/b&#62;');
    const html = renderReportHtml(doc, ['<svg width="10" height="10"><rect/></svg>']);
    expect(html).not.toContain('<script');
    expect(html).not.toContain('"x"');
    const escaped = escapeHtml(NASTY);
    for (const what of ['run', 'sub', 'verdict', 'note', 'heading', 'para', 'warn', 'label', 'value', 'caption', 'col', 'cell', 'alt'])
      expect(html, what).toContain(`${what} ${escaped}`);
    expect(html).toContain(`<svg role="img" aria-label="alt ${escaped}" width="10"`);
    expect(html).toContain('Written by luckyfive 9.9.9 at 2026-12-03T00:00:00.000Z from dataset ' + 'd'.repeat(64) + ' (official draws).');
    expect(html).not.toMatch(/\ssrc=|\shref=|url\(|https?:/i);
  });

  it('[15.2.2] tables keep their alignment: first column left, figures right, a left column stays left, in the header and every row', () => {
    const html = renderReportHtml(doc, ['<svg></svg>']);
    expect(html).toContain(`<th scope="col" class="l">col`);
    expect(html).toContain('<th scope="col" class="r">n</th><th scope="col" class="l">words</th>');
    expect(html).toContain(`<td class="l">cell ${escapeHtml(NASTY)}</td><td class="r">12</td><td class="l">text</td>`);
  });
});
