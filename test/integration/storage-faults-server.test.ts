// The server under storage faults: a catalog that cannot be written still serves reads, /health
// reports a low disk and recent faults with 503, a damaged database is E_DATA_INVALID naming the
// file, and a stream that breaks mid-way aborts the connection.
import { writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { damageTable } from '../helpers/data-dir.js';
import { makeDraws, seedDraws } from '../helpers/draws.js';
import { type TestServer, startTestServer } from '../helpers/server.js';

let s: TestServer | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

describe('storage faults over HTTP', () => {
  it('[12.4.1] authenticated reads keep working when the catalog is full (last_used_at is best-effort)', async () => {
    s = await startTestServer({ rate_limit_read: 100_000 });
    const db = s.catalog.db;
    // A real SQLITE_FULL on the bookkeeping write: each touch of api_keys must add pages to a
    // table, and the catalog may not grow.
    db.exec('CREATE TABLE filler (b BLOB)');
    db.exec('CREATE TEMP TRIGGER fill_on_touch AFTER UPDATE OF last_used_at ON main.api_keys BEGIN INSERT INTO filler VALUES (randomblob(200000)); END');
    db.exec('CREATE TEMP TRIGGER fill_on_save AFTER INSERT ON main.saved_recipes BEGIN INSERT INTO filler VALUES (randomblob(200000)); END');
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    for (let i = 0; i < 3; i++) {
      const r = await s.get('/api/v1/draws', s.keys.viewer);
      expect(r.statusCode, r.body).toBe(200);
      s.advance(61_000);
    }
    const lastUsed = db.prepare('SELECT last_used_at FROM api_keys WHERE role = ?').pluck().get('viewer');
    expect(lastUsed).toBeNull();
    // A write the request itself needs is a documented 507, not "internal error".
    const w = await s.post('/api/v1/recipes', s.keys.analyst, {
      name: 'x',
      recipe: { version: '2', name: 'x', strategy: 'random', tickets: 3, history: 30, seed: 1 },
    });
    expect(w.statusCode, w.body).toBe(507);
    expect(w.json().error.code).toBe('E_DISK_FULL');
    const h = await s.get('/api/v1/health');
    expect(h.statusCode).toBe(503);
    expect(h.json().last_fault.code).toBe('E_DISK_FULL');
  });

  it('[12.4.1] /health answers 503 with the free bytes when the disk is below disk_min_free_mb', async () => {
    s = await startTestServer({ disk_min_free_mb: 1_000_000 });
    const h = await s.get('/api/v1/health');
    expect(h.statusCode).toBe(503);
    expect(h.json()).toMatchObject({ status: 'unhealthy', disk: { status: 'low', min_free_bytes: 1_000_000 * 1024 * 1024 } });
    expect(h.json().disk.free_bytes).toBeGreaterThan(0);
    await s.close();
    s = await startTestServer({ disk_min_free_mb: 0 });
    const ok = await s.get('/api/v1/health');
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().disk.status).toBe('ok');
  });
});

/** GET over a real socket: the status, the body received, and whether the body ended cleanly. */
function fetchRaw(port: number, path: string, key: string, encoding: string): Promise<{ status: number; body: string; clean: boolean }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path, headers: { authorization: `Bearer ${key}`, 'accept-encoding': encoding }, timeout: 20_000 },
      (res) => {
        let body = '';
        let clean = false;
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => (clean = res.complete));
        res.on('close', () => resolve({ status: res.statusCode ?? 0, body, clean: clean && res.complete }));
        res.on('error', () => undefined);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('a damaged database over HTTP', () => {
  it('[12.4.2] a damaged catalog table is 422 E_DATA_INVALID naming the file, and /health turns 503', async () => {
    s = await startTestServer({ rate_limit_read: 100_000 });
    seedDraws(s.dir, makeDraws(4001, 4400));
    expect((await s.get('/api/v1/draws', s.keys.viewer)).statusCode).toBe(200);
    expect((await s.get('/api/v1/health')).statusCode).toBe(200);
    s.catalog.db.pragma('wal_checkpoint(TRUNCATE)');
    damageTable(s.catalog.file, 'draws');
    const r = await s.get('/api/v1/draws?limit=500', s.keys.viewer);
    expect(r.statusCode, r.body).toBe(422);
    expect(r.json().error.code).toBe('E_DATA_INVALID');
    expect(r.json().error.message).toMatch(/^catalog\.sqlite is damaged/);
    expect(r.body).not.toContain(s.dir);
    const h = await s.get('/api/v1/health');
    expect(h.statusCode).toBe(503);
    expect(h.json().last_fault).toMatchObject({ code: 'E_DATA_INVALID' });
    expect(h.body).not.toContain(s.dir);
  });

  it('[12.4.2] tickets.csv of a damaged run file: 422 when it fails at once, an aborted connection (logged and counted) when it fails mid-way', async () => {
    s = await startTestServer({ rate_limit_read: 100_000 });
    seedDraws(s.dir, makeDraws(4001, 4400));
    const recipe = join(s.dir, 'r.json');
    writeFileSync(recipe, JSON.stringify({ version: '2', name: 'wide', strategy: 'random', tickets: 40, history: 30, seed: 4 }));
    const runIds: string[] = [];
    for (let i = 0; i < 2; i++) {
      const r = await cli(['simulate', '--recipe', recipe, '--from', '4101', '--to', '4400', '--json'], { dataDir: s.dir, env: { LUCKYFIVE_THREADS: '1' } });
      expect(r.code, r.stderr).toBe(0);
      runIds.push(r.json().run_id as string);
    }
    const [atOnce, midway] = runIds as [string, string];
    damageTable(join(s.dir, 'runs', `${atOnce}.sqlite`), 'tickets');
    damageTable(join(s.dir, 'runs', `${midway}.sqlite`), 'tickets', 'last-leaf');

    const first = await s.get(`/api/v1/runs/${atOnce}/tickets.csv`, s.keys.viewer);
    expect(first.statusCode, first.body).toBe(422);
    expect(first.json().error.message).toContain(`runs/${atOnce}.sqlite`);
    expect(first.body).not.toContain(s.dir);

    await s.app.listen({ host: '127.0.0.1', port: 0 });
    const port = (s.app.server.address() as AddressInfo).port;
    for (const encoding of ['identity', 'gzip']) {
      const r = await fetchRaw(port, `/api/v1/runs/${midway}/tickets.csv`, s.keys.viewer, encoding);
      expect(r.status).toBe(200);
      if (encoding === 'identity') {
        expect(r.body.startsWith('contest,ticket,numbers,hits\n')).toBe(true);
        expect(r.body.split('\n').length).toBeGreaterThan(100);
      }
      // The client sees a failure: the chunked body never ends cleanly.
      expect(r.clean).toBe(false);
    }
    const metrics = await s.get('/api/v1/metrics', s.keys.admin);
    expect(metrics.body).toMatch(/luckyfive_stream_failures_total\{route="\/runs\/:run_id\/tickets.csv"\} [1-9]/);
  });
});
