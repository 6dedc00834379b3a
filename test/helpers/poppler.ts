/**
 * poppler-utils for the PDF tests: the text of a PDF (`pdftotext -layout`), its info and page
 * count (`pdfinfo`), its fonts (`pdffonts`) and its raster images (`pdfimages`). When poppler is not installed the caller's tests
 * skip with a message, unless LUCKYFIVE_REQUIRE_SHARED=1 (set by .ci/run), which makes it a failure.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { presentOrSkip } from './shared.js';

/** Runs a poppler tool on the PDF (written to a temporary file: not every tool reads stdin); `FILE` in `args` is its path. */
function run(tool: string, args: string[], pdf: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'luckyfive-pdf-'));
  try {
    const file = join(dir, 'report.pdf');
    writeFileSync(file, pdf);
    const r = spawnSync(
      tool,
      args.map((a) => (a === 'FILE' ? file : a)),
      { maxBuffer: 64 * 1024 * 1024, timeout: 30_000 },
    );
    if (r.error) throw r.error;
    if (r.status !== 0) throw new Error(`${tool} ${args.join(' ')} exited with ${r.status}: ${r.stderr.toString()}`);
    return r.stdout.toString('utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** True when pdftotext, pdfinfo, pdffonts and pdfimages run. */
export function havePoppler(): boolean {
  const present = ['pdftotext', 'pdfinfo', 'pdffonts', 'pdfimages'].every((t) => spawnSync(t, ['-v'], { stdio: 'ignore' }).status === 0);
  return presentOrSkip(present, 'poppler-utils (pdftotext, pdfinfo, pdffonts, pdfimages) is not installed (apt-get install poppler-utils)', 'the PDF checks');
}

/** The PDF's text as laid out (`pdftotext -layout`), of one page (1-based) or all of them. */
export function pdfText(pdf: Buffer, page?: number): string {
  const range = page === undefined ? [] : ['-f', String(page), '-l', String(page)];
  return run('pdftotext', ['-layout', '-enc', 'UTF-8', ...range, 'FILE', '-'], pdf);
}

export interface PdfFont {
  name: string;
  type: string;
  embedded: boolean;
  subset: boolean;
}

export interface PdfInfo {
  pages: number;
  title: string | undefined;
  author: string | undefined;
  /** every `pdfinfo` field as printed */
  fields: Record<string, string>;
  fonts: PdfFont[];
}

/** How many raster images the PDF holds (`pdfimages -list`): 0 for vector charts and text only. */
export function pdfImageCount(pdf: Buffer): number {
  return run('pdfimages', ['-list', 'FILE'], pdf)
    .split('\n')
    .slice(2)
    .filter((l) => l.trim() !== '').length;
}

/** `pdfinfo` fields and the page count, and `pdffonts`' table. */
export function pdfInfo(pdf: Buffer): PdfInfo {
  const fields: Record<string, string> = {};
  for (const line of run('pdfinfo', ['-isodates', '-enc', 'UTF-8', 'FILE'], pdf).split('\n')) {
    const m = /^([^:]+):\s*(.*)$/.exec(line);
    if (m) fields[m[1]!.trim()] = m[2]!.trim();
  }
  // pdffonts: name, type, encoding, emb, sub, uni, object ID (two columns); names have no spaces
  const fonts = run('pdffonts', ['FILE'], pdf)
    .split('\n')
    .slice(2)
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const cols = l.trim().split(/\s+/);
      const [emb, sub] = cols.slice(-5, -3);
      return { name: cols[0]!, type: cols.slice(1, -6).join(' '), embedded: emb === 'yes', subset: sub === 'yes' };
    });
  return { pages: Number(fields.Pages), title: fields.Title, author: fields.Author, fields, fonts };
}
