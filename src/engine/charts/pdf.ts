/**
 * A report document as an A4 PDF drawn by pdfkit: real text (title, facts, tables, the charts'
 * descriptions: searchable and copyable), vector charts through svg-to-pdfkit, the bundled DejaVu
 * fonts embedded (no standard-14 font anywhere), page breaks that never split a table row or a
 * chart (a table that runs on repeats its header), and on every page a footer with the source
 * line and "page i of n". Document info: Title, Author `luckyfive <version>`, CreationDate from
 * the document's `generated_at`, so the same document gives the same bytes.
 */
import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';
import type { ReportBlock, ReportDoc } from '../../core/report/document.js';
import { sourceLine } from '../../core/report/text.js';
import { FONT_BOLD, FONT_REGULAR } from './fonts.js';

const MARGIN = 50;
/** room kept under the content for the footer */
const FOOTER = 28;
const CELL_PAD = 3;
const TABLE_FONT = 8;
const TEXT_FONT = 10;
const GAP = 8;
/** points per CSS pixel */
const PX = 0.75;

type Doc = PDFKit.PDFDocument;

/** Where one row of a table lands: the page (0 = the page the table starts on) and its top. */
export interface RowPlace {
  page: number;
  y: number;
}

/**
 * Page breaks of a table (pure): every page of the table starts with its header, a row is never
 * split, and a table whose header and first row do not fit where it starts begins on the next
 * page. A row taller than a whole page still gets a page of its own (it is cut by the page edge).
 * Returns where the header goes on each page and where each row goes.
 */
export function paginateTable(
  rowHeights: readonly number[],
  headerHeight: number,
  startY: number,
  top: number,
  bottom: number,
): { headers: RowPlace[]; rows: RowPlace[] } {
  let page = 0;
  let y = startY;
  if (rowHeights.length > 0 && y + headerHeight + rowHeights[0]! > bottom && y > top) {
    page = 1;
    y = top;
  }
  const headers: RowPlace[] = [{ page, y }];
  y += headerHeight;
  const rows: RowPlace[] = [];
  for (const h of rowHeights) {
    if (y + h > bottom && y > headers[headers.length - 1]!.y + headerHeight) {
      page += 1;
      headers.push({ page, y: top });
      y = top + headerHeight;
    }
    rows.push({ page, y });
    y += h;
  }
  return { headers, rows };
}

/**
 * Column widths that fit `available` (pure): each column as wide as its widest cell when they all
 * fit; otherwise the figures (`wraps` false: right-aligned numbers) keep theirs and the text
 * columns share the rest in proportion to the square root of their widths (a long sentence gets
 * more room than a short label, without starving it), none wider than it needs. When even the
 * figures do not fit, every column shrinks in proportion.
 */
export function fitColumns(natural: readonly number[], available: number, wraps: readonly boolean[]): number[] {
  const total = natural.reduce((a, b) => a + b, 0);
  if (total <= available) return [...natural];
  const fixed = natural.reduce((sum, w, i) => (wraps[i] ? sum : sum + w), 0);
  const text = natural.map((_, i) => i).filter((i) => wraps[i]);
  if (text.length === 0 || fixed >= available * 0.8) return natural.map((w) => (w * available) / total);
  const widths = [...natural];
  let open = text;
  let room = available - fixed;
  // columns that need less than their share keep their width; the others share what is left
  for (;;) {
    const weight = open.reduce((sum, i) => sum + Math.sqrt(natural[i]!), 0);
    const done = open.filter((i) => natural[i]! <= (room * Math.sqrt(natural[i]!)) / weight);
    if (done.length === 0) {
      for (const i of open) widths[i] = (room * Math.sqrt(natural[i]!)) / weight;
      return widths;
    }
    for (const i of done) room -= natural[i]!;
    open = open.filter((i) => !done.includes(i));
  }
}

/** The size an SVG says it has (vega writes width and height in px). */
function svgSize(svg: string): { w: number; h: number } {
  const m = /<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
  return { w: Number(m?.[1] ?? 600), h: Number(m?.[2] ?? 300) };
}

/**
 * An SVG as pdfkit can draw it: a dash pattern with a zero length (vega writes `1,0` for a solid
 * line in a dashed legend) makes pdfkit throw, and draws as a solid line anyway, so it is dropped.
 */
export function pdfSafeSvg(svg: string): string {
  return svg.replace(/\sstroke-dasharray="([^"]*)"/g, (attr, value: string) =>
    value
      .trim()
      .split(/[\s,]+/)
      .some((x) => Number(x) === 0)
      ? ''
      : attr,
  );
}

class Layout {
  readonly left: number;
  readonly width: number;
  readonly top = MARGIN;
  readonly bottom: number;
  y: number;

  constructor(readonly doc: Doc) {
    this.left = doc.page.margins.left;
    this.width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
    this.bottom = doc.page.height - MARGIN - FOOTER;
    this.y = this.top;
  }

  newPage(): void {
    this.doc.addPage();
    this.y = this.top;
  }

  /** Starts a new page unless `height` fits below the current position (or the page is still empty). */
  keep(height: number): void {
    if (this.y + height > this.bottom && this.y > this.top) this.newPage();
  }

  textHeight(text: string, font: string, size: number, width = this.width): number {
    return this.doc.font(font).fontSize(size).heightOfString(text, { width });
  }

  text(text: string, opts: { font?: string; size?: number; color?: string; gapAfter?: number } = {}): void {
    const font = opts.font ?? FONT_REGULAR;
    const size = opts.size ?? TEXT_FONT;
    const h = this.textHeight(text, font, size);
    this.keep(h);
    this.doc
      .font(font)
      .fontSize(size)
      .fillColor(opts.color ?? '#222')
      .text(text, this.left, this.y, { width: this.width });
    this.y += h + (opts.gapAfter ?? GAP / 2);
  }

  note(text: string): void {
    const pad = 5;
    const h = this.textHeight(text, FONT_REGULAR, TEXT_FONT, this.width - 2 * pad) + 2 * pad;
    this.keep(h);
    this.doc.rect(this.left, this.y, this.width, h).lineWidth(0.75).fillAndStroke('#fff6d5', '#e0c860');
    this.doc
      .font(FONT_REGULAR)
      .fontSize(TEXT_FONT)
      .fillColor('#222')
      .text(text, this.left + pad, this.y + pad, { width: this.width - 2 * pad });
    this.y += h + GAP;
  }

  /** The height the first unbreakable piece of a block needs (a heading is kept with it). */
  firstPiece(b: ReportBlock, charts: readonly string[], chartIndex: number): number {
    switch (b.type) {
      case 'paragraph':
        return this.textHeight(b.text, FONT_REGULAR, TEXT_FONT) + 10;
      case 'facts':
      case 'table':
        return 3 * (TABLE_FONT * 1.3 + 2 * CELL_PAD) + (b.type === 'table' && b.caption ? 14 : 0);
      case 'chart':
        return this.chartBox(charts[chartIndex] ?? '').h + 30;
    }
  }

  chartBox(svg: string): { w: number; h: number } {
    const px = svgSize(svg);
    const scale = Math.min(PX, this.width / px.w);
    return { w: px.w * scale, h: px.h * scale };
  }

  chart(svg: string, alt: string): void {
    const box = this.chartBox(svg);
    const altHeight = this.textHeight(alt, FONT_REGULAR, TABLE_FONT);
    this.keep(box.h + 4 + altHeight);
    // svg-to-pdfkit draws the root at its own width and height (px): they are set to the box, the viewBox scales into it
    const sized = pdfSafeSvg(svg).replace(/^<svg([^>]*?)\swidth="[\d.]+"([^>]*?)\sheight="[\d.]+"/, `<svg$1 width="${box.w / PX}"$2 height="${box.h / PX}"`);
    SVGtoPDF(this.doc, sized, this.left, this.y, {
      width: box.w,
      height: box.h,
      // the chart's text in the same embedded fonts as the rest (vega names DejaVu Sans first)
      fontCallback: (_family, bold) => (bold ? FONT_BOLD : FONT_REGULAR),
      warningCallback: () => undefined,
    });
    this.y += box.h + 4;
    this.doc.font(FONT_REGULAR).fontSize(TABLE_FONT).fillColor('#555').text(alt, this.left, this.y, { width: this.width });
    this.y += altHeight + GAP;
  }

  /** A table: rows never split, the header repeated on every page it runs onto. */
  table(
    columns: ReadonlyArray<{ label: string; align: 'left' | 'right' }>,
    rows: ReadonlyArray<readonly string[]>,
    opts: { caption?: string | undefined; header: boolean },
  ): void {
    const doc = this.doc;
    // the font of a cell: headers bold, and a facts table's labels (its first column)
    const fontOf = (i: number, header: boolean) => (header || (i === 0 && !opts.header) ? FONT_BOLD : FONT_REGULAR);
    const natural = columns.map(
      (c, i) =>
        Math.max(
          doc.font(FONT_BOLD).fontSize(TABLE_FONT).widthOfString(c.label),
          ...rows.map((r) =>
            doc
              .font(fontOf(i, false))
              .fontSize(TABLE_FONT)
              .widthOfString(r[i] ?? ''),
          ),
        ) +
        2 * CELL_PAD +
        1,
    );
    const widths = fitColumns(
      natural,
      this.width,
      // text wraps; a facts table's labels keep their width (its values wrap instead)
      columns.map((c, i) => c.align === 'left' && (opts.header || i > 0)),
    );
    // each cell measured in the font it is drawn with, so a wrapped label never runs into the next row
    const rowHeight = (cells: readonly string[], header: boolean) =>
      Math.max(...cells.map((c, i) => this.textHeight(c, fontOf(i, header), TABLE_FONT, widths[i]! - 2 * CELL_PAD))) + 2 * CELL_PAD;
    const headerHeight = opts.header
      ? rowHeight(
          columns.map((c) => c.label),
          true,
        )
      : 0;
    const heights = rows.map((r) => rowHeight(r, false));
    if (opts.caption) {
      const captionHeight = this.textHeight(opts.caption, FONT_BOLD, 9);
      this.keep(captionHeight + headerHeight + (heights[0] ?? 0) + 2);
      doc.font(FONT_BOLD).fontSize(9).fillColor('#222').text(opts.caption, this.left, this.y, { width: this.width });
      this.y += captionHeight + 2;
    }
    const plan = paginateTable(heights, headerHeight, this.y, this.top, this.bottom);
    const drawRow = (cells: readonly string[], y: number, h: number, header: boolean) => {
      let x = this.left;
      cells.forEach((cell, i) => {
        const w = widths[i]!;
        if (header) doc.rect(x, y, w, h).fill('#eeeeee');
        doc.rect(x, y, w, h).lineWidth(0.5).stroke('#bbbbbb');
        doc
          .font(fontOf(i, header))
          .fontSize(TABLE_FONT)
          .fillColor('#222')
          .text(cell, x + CELL_PAD, y + CELL_PAD, { width: w - 2 * CELL_PAD, align: columns[i]?.align ?? 'right' });
        x += w;
      });
    };
    let page = 0;
    let headerAt = 0;
    const nextPage = () => {
      this.newPage();
      page += 1;
    };
    const firstHeader = plan.headers[0]!;
    while (page < firstHeader.page) nextPage();
    if (opts.header)
      drawRow(
        columns.map((c) => c.label),
        firstHeader.y,
        headerHeight,
        true,
      );
    rows.forEach((r, i) => {
      const place = plan.rows[i]!;
      while (page < place.page) {
        nextPage();
        const header = plan.headers[++headerAt]!;
        if (opts.header)
          drawRow(
            columns.map((c) => c.label),
            header.y,
            headerHeight,
            true,
          );
      }
      drawRow(r, place.y, heights[i]!, false);
      this.y = place.y + heights[i]!;
    });
    this.y += GAP;
  }
}

/** What {@link renderPdf} needs besides the document: the SVGs of its charts, in document order. */
export interface PdfInput {
  doc: ReportDoc;
  charts: readonly string[];
}

/** The PDF's bytes. Two renders of the same document (same `generated_at`) are byte for byte the same. */
export async function renderPdf({ doc: report, charts }: PdfInput): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
    bufferPages: true,
    // the default font is the bundled one: pdfkit never loads Helvetica
    font: FONT_REGULAR,
    lang: 'en',
    displayTitle: true,
    info: {
      Title: report.title,
      Author: `luckyfive ${report.source.version}`,
      Subject: report.subtitle,
      Creator: `luckyfive ${report.source.version}`,
      Producer: 'luckyfive (pdfkit)',
      CreationDate: new Date(report.source.generated_at),
    },
  });
  const out: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => out.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });

  const l = new Layout(doc);
  l.text(report.title, { font: FONT_BOLD, size: 16, gapAfter: 4 });
  l.text(report.subtitle, { size: 10, color: '#444', gapAfter: 2 });
  l.text(sourceLine(report.source), { size: 8, color: '#555', gapAfter: GAP });
  report.headline.forEach((h, i) => (i === 0 ? l.text(h, { font: FONT_BOLD, size: 11, gapAfter: GAP }) : l.note(h)));

  let chartIndex = 0;
  for (const section of report.sections) {
    const headingHeight = l.textHeight(section.heading, FONT_BOLD, 13);
    const first = section.blocks[0];
    l.keep(headingHeight + 10 + (first ? l.firstPiece(first, charts, chartIndex) : 0));
    l.y += 6;
    l.text(section.heading, { font: FONT_BOLD, size: 13, gapAfter: 2 });
    doc
      .moveTo(l.left, l.y)
      .lineTo(l.left + l.width, l.y)
      .lineWidth(0.5)
      .stroke('#cccccc');
    l.y += 6;
    for (const b of section.blocks) {
      switch (b.type) {
        case 'paragraph':
          if (b.tone === 'note') l.note(b.text);
          else l.text(b.text, { gapAfter: GAP });
          break;
        case 'facts':
          l.table(
            [
              { label: '', align: 'left' },
              { label: '', align: 'left' },
            ],
            b.rows,
            { header: false },
          );
          break;
        case 'table':
          l.table(
            b.columns.map((c, i) => ({ label: c.label, align: c.align ?? (i === 0 ? 'left' : 'right') })),
            b.rows,
            { caption: b.caption, header: true },
          );
          break;
        case 'chart':
          l.chart(charts[chartIndex++] ?? '', b.alt);
          break;
      }
    }
  }

  // the footer of every page, once the page count is known
  const footer = sourceLine(report.source, { short: true });
  const { start, count } = doc.bufferedPageRange();
  for (let i = start; i < start + count; i++) {
    doc.switchToPage(i);
    // writing below the bottom margin would make pdfkit open a new page
    doc.page.margins.bottom = 0;
    const y = doc.page.height - MARGIN - 10;
    const pageLabel = `page ${i - start + 1} of ${count}`;
    doc.font(FONT_REGULAR).fontSize(7).fillColor('#555');
    const labelWidth = doc.widthOfString(pageLabel);
    doc.text(footer, l.left, y, { width: l.width - labelWidth - 12, height: 9, ellipsis: true });
    doc.text(pageLabel, l.left + l.width - labelWidth, y, { lineBreak: false });
  }
  doc.flushPages();
  doc.end();
  await ended;
  return Buffer.concat(out);
}
