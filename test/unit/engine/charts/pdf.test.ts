// The PDF renderer: page breaks that never split a row (a long table repeats its header on the
// next page), columns that fit the page, dash patterns pdfkit accepts, and a PDF whose text,
// fonts and footer poppler reads back.
import { describe, expect, it } from 'vitest';
import type { ReportDoc } from '../../../../src/core/report/document.js';
import { fitColumns, paginateTable, pdfSafeSvg, renderPdf } from '../../../../src/engine/charts/pdf.js';
import { havePoppler, pdfInfo, pdfText } from '../../../helpers/poppler.js';

const poppler = havePoppler();

const longTable = (rows: number): ReportDoc => ({
  kind: 'books',
  title: 'A long table',
  subtitle: 'rows on several pages',
  source: { synthetic: null, dataset_hash: null, version: '9.9.9', generated_at: '2026-12-03T00:00:00.000Z' },
  headline: ['The headline sentence.'],
  sections: [
    {
      heading: 'Rows',
      blocks: [
        {
          type: 'table',
          caption: 'Every row',
          columns: [{ label: 'row label' }, { label: 'amount column' }],
          rows: Array.from({ length: rows }, (_, i) => [`row ${i + 1}`, `R$ ${i},00`]),
        },
      ],
    },
  ],
  file_stem: 'long',
});

describe('paginateTable', () => {
  it('[15.2.4] a table taller than a page continues on the next with its header first; rows never split', () => {
    // page body 100..500, header 20, rows of 30: 12 rows fit under the first header from y=100
    const { headers, rows } = paginateTable(Array(30).fill(30), 20, 100, 100, 500);
    expect(headers).toEqual([
      { page: 0, y: 100 },
      { page: 1, y: 100 },
      { page: 2, y: 100 },
    ]);
    expect(rows[0]).toEqual({ page: 0, y: 120 });
    expect(rows[11]).toEqual({ page: 0, y: 450 });
    expect(rows[12]).toEqual({ page: 1, y: 120 });
    for (const r of rows) expect(r.y + 30).toBeLessThanOrEqual(500);
    // starting low on a page: header and first row do not fit, so the table starts on the next page
    expect(paginateTable([30], 20, 460, 100, 500).headers).toEqual([{ page: 1, y: 100 }]);
    // a row taller than a page still gets placed (alone on its page), never an endless loop
    expect(paginateTable([30, 900, 30], 20, 100, 100, 500).rows.map((r) => r.page)).toEqual([0, 1, 2]);
  });
});

describe('fitColumns', () => {
  it('[15.2.5] keeps natural widths when they fit; otherwise figures keep theirs and text columns share the rest', () => {
    expect(fitColumns([50, 60], 200, [true, false])).toEqual([50, 60]);
    const w = fitColumns([100, 60, 600], 400, [true, false, true]);
    expect(w[1]).toBe(60);
    expect(w[0]! + w[2]!).toBeCloseTo(340);
    expect(w[2]!).toBeGreaterThan(w[0]!);
    // a short text column keeps its width when its share would be larger
    const short = fitColumns([20, 60, 600], 400, [true, false, true]);
    expect(short).toEqual([20, 60, 320]);
    expect(fitColumns([300, 300], 300, [false, false])).toEqual([150, 150]);
  });
});

describe('pdfSafeSvg', () => {
  it('[15.2.6] drops a dash pattern with a zero length (pdfkit throws on it; it draws solid anyway) and keeps the others', () => {
    expect(pdfSafeSvg('<path stroke-dasharray="1,0" d="M0,0"/><path stroke-dasharray="5,3"/>')).toBe('<path d="M0,0"/><path stroke-dasharray="5,3"/>');
  });
});

describe.skipIf(!poppler)('renderPdf (poppler)', () => {
  it('[15.2.7] the header row is repeated on every page of a long table, with page numbers and the source line in every footer; only embedded DejaVu fonts; the same bytes twice', async () => {
    const doc = longTable(120);
    const pdf = await renderPdf({ doc, charts: [] });
    const info = pdfInfo(pdf);
    expect(info.pages).toBeGreaterThanOrEqual(3);
    expect(info.title).toBe('A long table');
    expect(info.author).toBe('luckyfive 9.9.9');
    expect(info.fields['Page size']).toMatch(/595\.2\d x 841\.8\d pts \(A4\)/);
    for (let page = 1; page <= info.pages; page++) {
      const text = pdfText(pdf, page);
      expect(text, `page ${page}`).toMatch(/row label\s+amount column/);
      expect(text).toContain(`page ${page} of ${info.pages}`);
      expect(text).toContain('Written by luckyfive 9.9.9 at 2026-12-03T00:00:00.000Z (no draws involved).');
    }
    // every row once, in order, none split across pages
    const all = pdfText(pdf);
    const seen = [...all.matchAll(/row (\d+)\s+R\$ (\d+),00/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(seen).toEqual(Array.from({ length: 120 }, (_, i) => [i + 1, i]));
    expect(info.fonts.length).toBeGreaterThan(0);
    for (const f of info.fonts) {
      expect(f.name).toMatch(/^[A-Z]{6}\+DejaVuSans(-Bold)?$/);
      expect(f.embedded).toBe(true);
    }
    expect((await renderPdf({ doc, charts: [] })).equals(pdf)).toBe(true);
  });
});
