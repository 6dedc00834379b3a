// `luckyfive report run` (issue 15, first slice): the HTML report is one self-contained file
// (inline SVG charts and CSS, no script, no external URL) stating its data and every hit figure
// beside its exact baseline; the CSV is byte for byte the API's (and `runs export`'s).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { openCatalog } from '../../src/store/catalog.js';
import { reportRun } from '../../src/usecases/reports.js';
import { TEST_THREADS, cli, tempDir } from '../helpers/cli.js';
import { havePoppler, pdfImageCount, pdfInfo, pdfText } from '../helpers/poppler.js';
import { makeDraws, seedDraws } from '../helpers/draws.js';
import { TINY_RECIPE, writeRecipe } from '../helpers/recipes.js';

const poppler = havePoppler();

/** The CLI with stdout kept as bytes (a PDF or PNG on `--out -`), on a pipe or a terminal. */
async function cliBytes(args: string[], isTTY: boolean): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  const out: Buffer[] = [];
  let stderr = '';
  const io = {
    stdout: { write: (c: string | Uint8Array) => (out.push(Buffer.from(c)), true), isTTY },
    stderr: { write: (s: string) => ((stderr += s), true), isTTY: false },
    env: { NO_COLOR: '1', LUCKYFIVE_THREADS: TEST_THREADS, LUCKYFIVE_DATA_DIR: dir },
    cwd: dir,
  };
  const code = await runCli(args, io);
  return { code, stdout: Buffer.concat(out), stderr };
}

let dir: string;
let cleanup: () => void;
let runId: string;
let run: Record<string, unknown> & {
  dataset_hash: string;
  engine_version: string;
  summary: { baseline: { verdict: string; figures: Record<string, { sentence: string; expected: number }> } };
};

beforeAll(async () => {
  ({ dir, cleanup } = tempDir());
  seedDraws(dir, makeDraws(4001, 4200));
  const recipe = writeRecipe(dir, 'tiny', TINY_RECIPE);
  const sim = await cli(['simulate', '--recipe', recipe, '--from', '4101', '--to', '4200', '--json'], { dataDir: dir });
  expect(sim.code, sim.stderr).toBe(0);
  runId = sim.json().run_id as string;
  run = (await cli(['runs', 'show', runId, '--json'], { dataDir: dir })).json();
}, 60_000);
afterAll(() => cleanup?.());

describe('report run', () => {
  it('[15.1.1] html: one self-contained file with its charts as inline SVG, its data stated, every hit figure beside its baseline', async () => {
    const out = join(dir, 'r.html');
    const r = await cli(['report', 'run', runId, '--out', out], { dataDir: dir });
    expect(r.code, r.stderr).toBe(0);
    // nothing else on stdout or stderr (the chart libraries' advice included)
    expect(r.stderr.trim()).toBe(`report written: ${out}`);
    expect(r.stdout).toBe('');
    const html = readFileSync(out, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    // (three charts now: the best hits per contest joined the hit distribution and the cumulative net)
    expect(html.match(/<svg[\s>]/g)).toHaveLength(3);
    expect(html).toContain('Hits per ticket: observed, exact expectation, 95% band of luck');
    expect(html).toContain('Best hits per contest, with the band luck gives those tickets');
    expect(html).toContain('Cumulative net and drawdown');
    // nothing to fetch: no script, no src/href, no url(), and the only URLs are SVG's XML namespaces
    expect(html).not.toMatch(/<script|\ssrc=|\shref=|url\(/i);
    const urls = [...html.matchAll(/https?:\/\/[^\s"'<>)]+/g)].map((m) => m[0]);
    expect(new Set(urls)).toEqual(new Set(['http://www.w3.org/2000/svg', 'http://www.w3.org/1999/xlink']));
    // the data it came from, and the baseline beside each figure
    expect(html).toContain(run.dataset_hash);
    expect(html).toContain(run.engine_version);
    expect(html).toMatch(/Written by luckyfive \d+\.\d+\.\d+/);
    expect(html).toContain('official results'); // seeded draws are not the synthetic sample
    expect(html).toContain('exact baseline');
    for (const f of Object.values(run.summary.baseline.figures)) expect(html).toContain(f.sentence.replace(/&/g, '&#38;').replace(/'/g, '&#39;'));
  }, 60_000);

  it('[15.1.2] csv: byte for byte what `runs export --format csv` prints (the API tickets.csv); --out - writes to stdout', async () => {
    const report = await cli(['report', 'run', runId, '--format', 'csv', '--out', '-'], { dataDir: dir });
    expect(report.code, report.stderr).toBe(0);
    const exported = await cli(['runs', 'export', runId, '--format', 'csv'], { dataDir: dir });
    expect(report.stdout).toBe(exported.stdout);
    expect(report.stdout.split('\n').length).toBeGreaterThan(100);
  });

  it('[15.1.8] png: the charts under a header, drawn with the bundled fonts, at the size it states', async () => {
    const out = join(dir, 'r.png');
    const r = await cli(['report', 'run', runId, '--format', 'png', '--out', out], { dataDir: dir });
    expect(r.code, r.stderr).toBe(0);
    const stated = /\((\d+)x(\d+) PNG\)/.exec(r.stderr);
    expect(stated, r.stderr).not.toBeNull();
    const png = readFileSync(out);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([Number(stated![1]), Number(stated![2])]);
    // two charts of about 300 px and a header, drawn at twice their size
    expect(png.readUInt32BE(16)).toBeGreaterThan(1_000);
    expect(png.readUInt32BE(20)).toBeGreaterThan(1_000);
  }, 60_000);

  it('[15.1.3] refusals: an unknown run is exit 3 and writes nothing; an unknown format is exit 2', async () => {
    const before = readdirSync(dir).sort();
    const unknown = await cli(['report', 'run', '20990101-000000-abcdef'], { dataDir: dir, cwd: dir });
    expect(unknown.code).toBe(3);
    expect(readdirSync(dir).sort()).toEqual(before);
    // (pdf is a format now: the refused one is docx)
    const format = await cli(['report', 'run', runId, '--format', 'docx'], { dataDir: dir, cwd: dir });
    expect(format.code).toBe(2);
    expect(format.stderr).toMatch(/html, pdf, png, csv/);
    // the default name, in the working directory
    const named = await cli(['report', 'run', runId], { dataDir: dir, cwd: dir });
    expect(named.code, named.stderr).toBe(0);
    expect(existsSync(join(dir, `${runId}-report.html`))).toBe(true);
  });

  it.skipIf(!poppler)(
    '[15.2.10] pdf: A4 pages of real text (run id, exact baseline figures, the verdict, dataset hash, version), only embedded DejaVu fonts; --out - pipes the bytes, never to a terminal',
    async () => {
      const out = join(dir, 'r.pdf');
      const r = await cli(['report', 'run', runId, '--format', 'pdf', '--out', out], { dataDir: dir });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr.trim()).toBe(`report written: ${out}`);
      const pdf = readFileSync(out);
      const info = pdfInfo(pdf);
      expect(info.pages).toBeGreaterThanOrEqual(2);
      expect(info.title).toBe(`luckyfive run ${runId}`);
      expect(info.author).toMatch(/^luckyfive \d+\.\d+\.\d+/);
      expect(info.fields['Page size']).toContain('(A4)');
      // text, not pictures of text (pdftotext -layout keeps a table's columns on one line; sentences may wrap)
      const text = pdfText(pdf);
      const flat = text.replace(/\s+/g, ' ');
      expect(text).toContain(runId);
      expect(text).toContain('exact baseline');
      // the exact mean beside the observed one (5 numbers x 5 drawn / 80), on the figure's first line
      expect(text).toMatch(/hits per[^\n]*\s[\d.]+\s+0\.3125\s/);
      expect(flat).toContain(run.summary.baseline.verdict.replace(/\s+/g, ' '));
      expect(text).toContain(run.dataset_hash.slice(0, 16));
      expect(text).toMatch(/luckyfive \d+\.\d+\.\d+/);
      expect(text).toContain(`page 1 of ${info.pages}`);
      // the charts are vector drawings with real text (their titles and axes), not pictures
      expect(pdfImageCount(pdf)).toBe(0);
      expect(text).toContain('Hits per ticket: observed, exact expectation, 95% band of luck');
      expect(text).toContain('hits per ticket');
      for (const f of info.fonts) {
        expect(f.name).toMatch(/^[A-Z]{6}\+DejaVuSans(-Bold)?$/);
        expect(f.embedded).toBe(true);
      }
      // --out - writes the bytes to stdout when it is not a terminal (a pipe), and refuses a terminal
      const piped = await cliBytes(['report', 'run', runId, '--format', 'pdf', '--out', '-'], false);
      expect(piped.code, piped.stderr).toBe(0);
      expect(piped.stdout.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(pdfInfo(piped.stdout).pages).toBe(info.pages);
      const tty = await cliBytes(['report', 'run', runId, '--format', 'pdf', '--out', '-'], true);
      expect(tty.code).toBe(2);
      expect(tty.stderr).toMatch(/E_USAGE|binary/);
      expect(tty.stdout.length).toBe(0);
    },
    60_000,
  );

  it('[15.2.20] the same run and the same clock give the same PDF and PNG bytes; another clock only changes what states the time', async () => {
    const catalog = openCatalog(dir);
    try {
      const at = (now: string) => ({ catalog, clock: { now, today: now.slice(0, 10) } });
      const bytes = async (now: string, format: 'pdf' | 'png') =>
        Buffer.concat([...(await reportRun(at(now), { run_id: runId, format })).chunks].map((c) => Buffer.from(c)));
      for (const format of ['pdf', 'png'] as const) {
        const a = await bytes('2026-12-03T12:00:00.000Z', format);
        expect((await bytes('2026-12-03T12:00:00.000Z', format)).equals(a), format).toBe(true);
        expect((await bytes('2026-12-04T12:00:00.000Z', format)).equals(a), format).toBe(false);
      }
      if (poppler) {
        const text = pdfText(await bytes('2026-12-03T12:00:00.000Z', 'pdf'));
        expect(text).toContain('2026-12-03T12:00:00.000Z');
        expect(pdfInfo(await bytes('2026-12-03T12:00:00.000Z', 'pdf')).fields.CreationDate).toMatch(/^2026-12-03T12:00:00(Z|\+00)/);
      }
    } finally {
      catalog.close();
    }
  }, 60_000);
});
