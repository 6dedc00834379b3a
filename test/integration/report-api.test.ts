// The reports over HTTP (issue 15): `GET /runs/{run_id}/report.{html,pdf,png,csv}` with the role
// of the data (viewer), the right media type, an attachment name, ETags and 304s, 404 and 409,
// listed in the OpenAPI document; the CSV is byte for byte what the CLI writes.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordLedgerEntry } from '../../src/usecases/ledger.js';
import { insertDraws, makeDraw } from '../helpers/books.js';
import { cli } from '../helpers/cli.js';
import { makeDraws, seedDraws } from '../helpers/draws.js';
import { havePoppler, pdfInfo, pdfText } from '../helpers/poppler.js';
import { TINY_RECIPE, writeRecipe } from '../helpers/recipes.js';
import { type TestServer, startTestServer } from '../helpers/server.js';

const poppler = havePoppler();

let s: TestServer;
let runId: string;
let otherRunId: string;
let sweepId: string;

beforeAll(async () => {
  s = await startTestServer({ rate_limit_read: 100_000, rate_limit_heavy: 100_000 });
  seedDraws(s.dir, makeDraws(4001, 4200));
  const recipe = writeRecipe(s.dir, 'tiny', TINY_RECIPE);
  const sim = await cli(['simulate', '--recipe', recipe, '--from', '4151', '--to', '4200', '--json'], { dataDir: s.dir });
  expect(sim.code, sim.stderr).toBe(0);
  runId = sim.json().run_id as string;
  const other = writeRecipe(s.dir, 'tiny-2', { ...TINY_RECIPE, seed: 99 });
  const sim2 = await cli(['simulate', '--recipe', other, '--from', '4151', '--to', '4200', '--json'], { dataDir: s.dir });
  expect(sim2.code, sim2.stderr).toBe(0);
  otherRunId = sim2.json().run_id as string;
  // a one-parameter sweep of two cells over a few contests
  const sweepRecipe = writeRecipe(s.dir, 'sweep', { ...TINY_RECIPE, strategy: 'frequency', history: 40 });
  const sweep = await cli(['sweep', '--recipe', sweepRecipe, '--param', 'history=30,50', '--from', '4191', '--to', '4200', '--json'], { dataDir: s.dir });
  expect(sweep.code, sweep.stderr).toBe(0);
  sweepId = sweep.json().sweep_id as string;
  // a few real books: a deposit before the period, a bet and a prize in it
  insertDraws(s.dir, [makeDraw(6800, '2025-08-15', [1, 2, 3, 4, 50])]);
  const deps = { catalog: s.catalog, clock: { now: '2025-11-20T12:00:00.000Z', today: '2025-11-20' } };
  recordLedgerEntry(deps, { type: 'deposit', amount_cents: 50_000, date: '2025-07-01' });
  recordLedgerEntry(deps, { type: 'bet', contest: 6800, tickets: 2 });
  recordLedgerEntry(deps, { type: 'prize', contest: 6800, tier: 'duque', amount_cents: 404 });
}, 120_000);
afterAll(async () => {
  await s?.close();
});

const url = (format: string, id = runId) => `/api/v1/runs/${id}/report.${format}`;

describe('GET /runs/{run_id}/report.*', () => {
  it('[15.2.11] html for a viewer: one self-contained file, an attachment; a missing key is 401; the ETag gives a 304', async () => {
    expect((await s.get(url('html'))).statusCode).toBe(401);
    const r = await s.get(url('html'), s.keys.viewer);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['content-disposition']).toBe(`attachment; filename="${runId}-report.html"`);
    expect(r.body.startsWith('<!doctype html>')).toBe(true);
    expect(r.body).toContain(runId);
    expect(r.body).not.toMatch(/<script|\ssrc=|\shref=|url\(/i);
    const urls = new Set([...r.body.matchAll(/https?:\/\/[^\s"'<>)]+/g)].map((m) => m[0]));
    expect(urls).toEqual(new Set(['http://www.w3.org/2000/svg', 'http://www.w3.org/1999/xlink']));
    const etag = r.headers.etag as string;
    expect(etag).toMatch(/^W\/"/);
    const again = await s.get(url('html'), s.keys.viewer, { 'if-none-match': etag });
    expect(again.statusCode).toBe(304);
  });

  it('[15.2.12] pdf and png: their media types and names, the PNG at the size its IHDR states, the PDF with its text', async () => {
    const png = await s.get(url('png'), s.keys.viewer);
    expect(png.statusCode, png.body).toBe(200);
    expect(png.headers['content-type']).toBe('image/png');
    expect(png.headers['content-disposition']).toBe(`attachment; filename="${runId}-report.png"`);
    const bytes = png.rawPayload;
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(bytes.readUInt32BE(16)).toBeGreaterThan(1_000);
    const pdf = await s.get(url('pdf'), s.keys.viewer);
    expect(pdf.statusCode, pdf.body).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toBe(`attachment; filename="${runId}-report.pdf"`);
    expect(pdf.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    if (poppler) {
      expect(pdfInfo(pdf.rawPayload).title).toBe(`luckyfive run ${runId}`);
      expect(pdfText(pdf.rawPayload)).toContain('exact baseline');
    }
  }, 60_000);

  it('[15.2.13] csv: byte for byte the CLI report (and tickets.csv)', async () => {
    const api = await s.get(url('csv'), s.keys.viewer);
    expect(api.statusCode, api.body).toBe(200);
    expect(api.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(api.headers['content-disposition']).toBe(`attachment; filename="${runId}-tickets.csv"`);
    const out = join(s.dir, 'r.csv');
    const r = await cli(['report', 'run', runId, '--format', 'csv', '--out', out], { dataDir: s.dir });
    expect(r.code, r.stderr).toBe(0);
    expect(api.rawPayload.equals(readFileSync(out))).toBe(true);
    expect(api.body).toBe((await s.get(`/api/v1/runs/${runId}/tickets.csv`, s.keys.viewer)).body);
  });

  it('[15.2.14] an unknown run is 404 in every format, a run without its file 409 E_DATA_MISSING; a bad id is 400', async () => {
    // an index row whose file is gone (as server-runs.test.ts makes one)
    s.catalog.db
      .prepare(
        `INSERT INTO runs (run_id, name, recipe_hash, recipe_json, strategy, seed, numbers_per_ticket, tickets_per_contest, engine_version,
          first_contest, last_contest, status, contests_planned, file, created_at) VALUES ('fake-0001', 'gone', 'abc', '{}', 'random', 1, 5, 3, 'e', 4001, 4010, 'completed', 10, 'runs/fake-0001.sqlite', '2025-01-01T00:00:00.000Z')`,
      )
      .run();
    for (const format of ['html', 'pdf', 'png', 'csv']) {
      const r = await s.get(url(format, 'fake-0001'), s.keys.viewer);
      expect(r.statusCode, format).toBe(409);
      expect(r.json().error.code).toBe('E_DATA_MISSING');
    }
    for (const format of ['html', 'pdf', 'png', 'csv']) {
      const r = await s.get(url(format, '20990101-000000-abcdef'), s.keys.viewer);
      expect(r.statusCode, format).toBe(404);
      expect(r.json().error.code).toBe('E_NOT_FOUND');
    }
    expect((await s.get(url('html', 'NOT..an id'), s.keys.viewer)).statusCode).toBe(400);
  });

  it('[15.2.15] the OpenAPI document lists every report route with its media type and role; pdf and png draw from the heavy bucket', async () => {
    const doc = (await s.get('/api/v1/openapi.json')).json();
    const media = { html: 'text/html', pdf: 'application/pdf', png: 'image/png', csv: 'text/csv' } as const;
    for (const [format, type] of Object.entries(media)) {
      const op = doc.paths[`/api/v1/runs/{run_id}/report.${format}`]?.get;
      expect(op, format).toBeDefined();
      expect(op['x-role']).toBe('viewer');
      expect(op.responses['200'].content[type]).toBeDefined();
      expect(op.responses['404']).toBeDefined();
      expect(op.responses['409']).toBeDefined();
    }
    const table = s.app.routeTable;
    expect(table.find((r) => r.method === 'GET' && r.url === '/api/v1/runs/:run_id/report.pdf')?.rateClass).toBe('heavy');
    expect(table.find((r) => r.method === 'GET' && r.url === '/api/v1/runs/:run_id/report.html')?.rateClass).toBe('read');
  });
});

describe('GET /books/report.*?from=D&to=D', () => {
  const books = (format: string, query = 'from=2025-08-01&to=2025-09-30') => `/api/v1/books/report.${format}?${query}`;

  it("[15.2.16] every format for a viewer (401 without a key), attachments named for the period; the CSV is the CLI's byte for byte", async () => {
    expect((await s.get(books('html'))).statusCode).toBe(401);
    const html = await s.get(books('html'), s.keys.viewer);
    expect(html.statusCode, html.body).toBe(200);
    expect(html.headers['content-disposition']).toBe('attachment; filename="books-2025-08-01-2025-09-30-report.html"');
    expect(html.body).not.toMatch(/<script|\ssrc=|\shref=|url\(/i);
    expect(new Set([...html.body.matchAll(/https?:\/\/[^\s"'<>)]+/g)].map((m) => m[0]))).toEqual(
      new Set(['http://www.w3.org/2000/svg', 'http://www.w3.org/1999/xlink']),
    );
    const pdf = await s.get(books('pdf'), s.keys.viewer);
    expect(pdf.statusCode, pdf.body).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    if (poppler) expect(pdfText(pdf.rawPayload)).toContain('2025-08-01');
    const png = await s.get(books('png'), s.keys.viewer);
    expect(png.statusCode, png.body).toBe(200);
    expect(png.rawPayload.subarray(12, 16).toString('latin1')).toBe('IHDR');
    const csv = await s.get(books('csv'), s.keys.viewer);
    expect(csv.statusCode, csv.body).toBe(200);
    expect(csv.headers['content-disposition']).toBe('attachment; filename="books-2025-08-01-2025-09-30.csv"');
    const out = join(s.dir, 'books.csv');
    const r = await cli(['report', 'books', '--from', '2025-08-01', '--to', '2025-09-30', '--format', 'csv', '--out', out], { dataDir: s.dir });
    expect(r.code, r.stderr).toBe(0);
    expect(csv.rawPayload.equals(readFileSync(out))).toBe(true);
    expect(csv.body.split('\n').length).toBeGreaterThanOrEqual(3);
    // the CLI refuses a backwards period with exit 2 and writes nothing
    const backwards = await cli(['report', 'books', '--from', '2025-09-30', '--to', '2025-08-01', '--out', join(s.dir, 'never.html')], { dataDir: s.dir });
    expect(backwards.code).toBe(2);
    expect(existsSync(join(s.dir, 'never.html'))).toBe(false);
  }, 60_000);

  it('[15.2.17] a period that ends before it starts, or a date off the calendar, is 400; a missing date is 400', async () => {
    const backwards = await s.get(books('html', 'from=2025-09-30&to=2025-08-01'), s.keys.viewer);
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().error.code).toBe('E_INPUT_INVALID');
    expect((await s.get(books('pdf', 'from=2025-02-30&to=2025-03-01'), s.keys.viewer)).statusCode).toBe(400);
    expect((await s.get(books('csv', 'from=2025-02-01'), s.keys.viewer)).statusCode).toBe(400);
  });
});

describe('GET /sweeps/{sweep_id}/report.* and /compare/report.*?runs=A,B', () => {
  it("[15.2.18] a sweep's report in every format for a viewer; its CSV is the CLI's byte for byte; an unknown sweep is 404", async () => {
    const base = `/api/v1/sweeps/${sweepId}/report`;
    expect((await s.get(`${base}.html`)).statusCode).toBe(401);
    for (const [format, type] of [
      ['html', 'text/html; charset=utf-8'],
      ['pdf', 'application/pdf'],
      ['png', 'image/png'],
      ['csv', 'text/csv; charset=utf-8'],
    ] as const) {
      const r = await s.get(`${base}.${format}`, s.keys.viewer);
      expect(r.statusCode, `${format}: ${r.body.slice(0, 300)}`).toBe(200);
      expect(r.headers['content-type']).toBe(type);
      expect(r.headers['content-disposition']).toMatch(new RegExp(`^attachment; filename="sweep-${sweepId}-(report\\.${format}|cells\\.csv)"$`));
    }
    const html = (await s.get(`${base}.html`, s.keys.viewer)).body;
    expect(html).toContain(sweepId);
    expect(html).not.toMatch(/<script|\ssrc=|\shref=|url\(/i);
    expect(new Set([...html.matchAll(/https?:\/\/[^\s"'<>)]+/g)].map((m) => m[0]))).toEqual(
      new Set(['http://www.w3.org/2000/svg', 'http://www.w3.org/1999/xlink']),
    );
    const out = join(s.dir, 'sweep.csv');
    const r = await cli(['report', 'sweep', sweepId, '--format', 'csv', '--out', out], { dataDir: s.dir });
    expect(r.code, r.stderr).toBe(0);
    expect((await s.get(`${base}.csv`, s.keys.viewer)).rawPayload.equals(readFileSync(out))).toBe(true);
    const unknown = await s.get('/api/v1/sweeps/no-such-sweep/report.html', s.keys.viewer);
    expect(unknown.statusCode).toBe(404);
  }, 60_000);

  it("[15.2.19] a comparison's report in every format (heavy bucket), its CSV the CLI's; one run, a bad id or too many runs is 400, an unknown run 404", async () => {
    const base = '/api/v1/compare/report';
    const runs = `runs=${runId},${otherRunId}`;
    for (const format of ['html', 'pdf', 'png', 'csv']) {
      const r = await s.get(`${base}.${format}?${runs}`, s.keys.viewer);
      expect(r.statusCode, `${format}: ${r.body.slice(0, 300)}`).toBe(200);
      expect(r.headers['content-disposition']).toMatch(/^attachment; filename="compare-/);
    }
    const html = (await s.get(`${base}.html?${runs}`, s.keys.viewer)).body;
    expect(html).toContain(runId);
    expect(html).toContain(otherRunId);
    expect(html).not.toMatch(/<script|\ssrc=|\shref=|url\(/i);
    expect(new Set([...html.matchAll(/https?:\/\/[^\s"'<>)]+/g)].map((m) => m[0]))).toEqual(
      new Set(['http://www.w3.org/2000/svg', 'http://www.w3.org/1999/xlink']),
    );
    const out = join(s.dir, 'compare.csv');
    const cliCsv = await cli(['report', 'compare', runId, otherRunId, '--format', 'csv', '--out', out], { dataDir: s.dir });
    expect(cliCsv.code, cliCsv.stderr).toBe(0);
    expect((await s.get(`${base}.csv?${runs}`, s.keys.viewer)).rawPayload.equals(readFileSync(out))).toBe(true);
    // the CLI refuses what the API refuses: one run is exit 2
    expect((await cli(['report', 'compare', runId, '--format', 'csv', '--out', '-'], { dataDir: s.dir })).code).toBe(2);
    expect((await s.get(`${base}.html?runs=${runId}`, s.keys.viewer)).statusCode).toBe(400);
    expect((await s.get(`${base}.html?runs=${runId},../etc`, s.keys.viewer)).statusCode).toBe(400);
    expect((await s.get(`${base}.html?runs=${Array(7).fill(runId).join(',')}`, s.keys.viewer)).statusCode).toBe(400);
    expect((await s.get(`${base}.html?runs=${runId},20990101-000000-abcdef`, s.keys.viewer)).statusCode).toBe(404);
    const table = s.app.routeTable;
    expect(table.find((r) => r.url === '/api/v1/compare/report.csv')?.rateClass).toBe('heavy');
    expect(table.find((r) => r.url === '/api/v1/sweeps/:sweep_id/report.html')?.role).toBe('viewer');
  }, 60_000);
});
