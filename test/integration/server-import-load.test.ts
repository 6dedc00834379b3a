// POST /imports imports uploads on a pool thread: a zip bomb or a flood of bad rows is refused
// while /health keeps answering.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PredictPool, createPredictPool } from '../../src/engine/pool.js';
import { createImportOnPool } from '../../src/server/import-on-pool.js';
import { quantile, sampleHealthWhile } from '../helpers/health-latency.js';
import { type TestServer, startTestServer } from '../helpers/server.js';
import { QUINA_XLSX, haveShared } from '../helpers/shared.js';
import { buildXlsxBomb } from '../helpers/zip-bomb.js';

let s: TestServer;
let pool: PredictPool;

function multipart(fileName: string, content: Uint8Array | string): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----luckyfive-load-boundary';
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  const payload = Buffer.concat([Buffer.from(head), Buffer.from(content), Buffer.from(`\r\n--${boundary}--\r\n`)]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

beforeAll(async () => {
  pool = createPredictPool(1);
  s = await startTestServer({ upload_max_mb: 20, rate_limit_heavy: 1000, rate_limit_read: 100_000, rate_limit_ip: 10_000_000 }, { runJobs: false, pool });
  // the service `serve` wires, on this test's pool
  await s.restart({ importFile: createImportOnPool(s.catalog, pool) });
  // warm the pool thread up (its first task loads the modules)
  await pool.runTask!('comparePairs', { iterations: 1, seed: 0, pairs: [] });
}, 60_000);
afterAll(async () => {
  await s.close();
  await pool.close();
});

/** The upload, its body built now (outside any health sampling): call it to send. */
const prepareUpload = (name: string, content: Uint8Array | string) => {
  const body = multipart(name, content);
  return () =>
    s.app.inject({ method: 'POST', url: '/api/v1/imports', headers: { authorization: `Bearer ${s.keys.analyst}`, ...body.headers }, payload: body.payload });
};
const upload = (name: string, content: Uint8Array | string) => prepareUpload(name, content)();

describe('[12.1.2] uploads never hold the event loop', () => {
  it('[12.1.2] a 3 MB workbook whose parts inflate to 500 MB: 422 at the 32 MiB budget, /health within 100 ms (90th percentile) meanwhile', async () => {
    const { result: r, latencies } = await sampleHealthWhile(s, prepareUpload('bomb.xlsx', buildXlsxBomb(5, 100)));
    expect(r.statusCode, r.body).toBe(422);
    expect(r.json().error.message).toMatch(/inflate to more than 32 MiB/);
    expect(quantile(latencies, 0.9), `health latencies (ms): ${latencies.map((l) => l.toFixed(0)).join(' ')}`).toBeLessThan(100);
  }, 60_000);

  it('[12.1.2] a 14 MB CSV of a million bad rows: 422 after 1,000 rejected rows, /health within 100 ms (90th percentile) meanwhile', async () => {
    const csv = `contest,draw_date,b1,b2,b3,b4,b5\n${'x,1/1/2000,1,2,3,4\n'.repeat(1_000_000)}`;
    expect(csv.length).toBeGreaterThan(14_000_000);
    const { result: r, latencies } = await sampleHealthWhile(s, prepareUpload('bad.csv', csv));
    expect(r.statusCode, r.body).toBe(422);
    expect(r.json().error.message).toMatch(/^bad\.csv: stopped at row 1001 after 1,000 rejected rows/);
    expect(quantile(latencies, 0.9), `health latencies (ms): ${latencies.map((l) => l.toFixed(0)).join(' ')}`).toBeLessThan(100);
    expect((s.catalog.db.prepare('SELECT COUNT(*) AS n FROM draws').get() as { n: number }).n).toBe(0);
  }, 60_000);

  it('[12.1.2] an upload over the limit is 413 with the limit in the message', async () => {
    const r = await upload('big.csv', Buffer.alloc(20 * 1024 * 1024 + 10, 65));
    expect(r.statusCode).toBe(413);
    expect(r.json().error.message).toBe('the file is larger than the upload limit of 20 MiB');
  });

  it.runIf(haveShared())(
    "[12.1.2] the operator's workbook: imported on the pool, 6,882 draws written; /health within 100 ms (90th percentile) meanwhile",
    async () => {
      const { result: r, latencies } = await sampleHealthWhile(s, prepareUpload('Quina.xlsx', readFileSync(QUINA_XLSX)));
      expect(r.statusCode, r.body).toBe(201);
      expect(r.json()).toMatchObject({ inserted: 6882, format: 'xlsx', rejected: [], date_inversions: [] });
      expect(quantile(latencies, 0.9), `health latencies (ms): ${latencies.map((l) => l.toFixed(0)).join(' ')}`).toBeLessThan(100);
      s.catalog.db.prepare('DELETE FROM draws').run();
    },
    60_000,
  );

  it('[12.1.2] a good upload still lands (imported on the pool, seen by the server at once)', async () => {
    s.catalog.db.prepare('DELETE FROM draws').run();
    const csv = 'contest,draw_date,b1,b2,b3,b4,b5\n1,1994-03-13,25,45,60,76,79\n2,1994-03-16,1,2,3,4,5\n';
    const r = await upload('good.csv', csv);
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({ inserted: 2, format: 'csv', rejected: [] });
    const draw = await s.get('/api/v1/draws/2', s.keys.viewer);
    expect(draw.statusCode, draw.body).toBe(200);
    expect(draw.json().balls).toEqual([1, 2, 3, 4, 5]);
  });
});
