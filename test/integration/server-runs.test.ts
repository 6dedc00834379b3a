// /runs: the index (filters, order, keyset pages), reports, per-contest results, the tickets
// CSV (identical to `runs export`), the run file download and delete; ids never reach a path.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PredictPool, createPredictPool } from '../../src/engine/pool.js';
import { holdOwnership, ownerTag } from '../../src/store/process-owner.js';
import { refreshRunLifts, runOwnerKey } from '../../src/store/runs-repo.js';
import { cli } from '../helpers/cli.js';
import { makeDraws, seedDraws } from '../helpers/draws.js';
import { type TestServer, startTestServer } from '../helpers/server.js';

const TINY = { version: '2', name: 'tiny', strategy: 'random', tickets: 3, numbers_per_ticket: 5, history: 30, seed: 5 };
const FAKE = 30;

let pool: PredictPool;
let s: TestServer;
let real: { run_id: string; [k: string]: unknown };

beforeAll(async () => {
  pool = createPredictPool(1);
  s = await startTestServer({ rate_limit_read: 100_000 }, { pool, runJobs: false });
  seedDraws(s.dir, makeDraws(4001, 4100));
  // Index rows without files: enough for pages, every status, metrics with NULLs.
  const ins = s.catalog.db.prepare(
    `INSERT INTO runs (run_id, name, recipe_hash, recipe_json, strategy, seed, numbers_per_ticket, tickets_per_contest, engine_version,
      first_contest, last_contest, status, contests_planned, file, created_at, mean_hits) VALUES (?, ?, ?, '{}', 'random', 1, 5, 3, 'e', ?, ?, ?, 10, ?, ?, ?)`,
  );
  const statuses = ['completed', 'completed', 'failed', 'cancelled', 'running'];
  for (let i = 0; i < FAKE; i++) {
    const id = `fake-${String(i).padStart(4, '0')}`;
    ins.run(
      id,
      i % 2 ? `odd ${i}` : `even ${i}`,
      i % 3 === 0 ? `abc${i}` : `def${i}`,
      4000 + i,
      4010 + i,
      statuses[i % 5],
      `runs/${id}.sqlite`,
      new Date(Date.UTC(2025, 0, 1) + (i % 7) * 86_400_000).toISOString(),
      i % 4 === 0 ? null : ((i * 37) % 11) / 10,
    );
    // A `running` row is running only while its owner lives: this test process holds them.
    if (statuses[i % 5] === 'running') {
      s.catalog.db.prepare('UPDATE runs SET owner = ? WHERE run_id = ?').run(ownerTag(), id);
      holdOwnership(runOwnerKey(id));
    }
  }
  // the lifts hit metrics are listed by, as the index row builder stores them
  refreshRunLifts(s.catalog.db);
  const r = await s.post('/api/v1/simulations', s.keys.analyst, { recipe: TINY, from: 4081, to: 4100, name: 'real one' });
  expect(r.statusCode, r.body).toBe(200);
  real = r.json();
});
afterAll(async () => {
  await s.close();
  await pool.close();
});

const all = async (query: string) => {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const r = await s.get(`/api/v1/runs?limit=7${query}${cursor ? `&cursor=${cursor}` : ''}`, s.keys.viewer);
    expect(r.statusCode, r.body).toBe(200);
    ids.push(...r.json().items.map((x: { run_id: string }) => x.run_id));
    cursor = r.json().next_cursor;
    pages++;
  } while (cursor !== null && pages < 20);
  return ids;
};

describe('GET /runs', () => {
  it('pages through every run exactly once, in the order one big page gives, for any order', async () => {
    for (const q of ['', '&order_by=mean_hits', '&order_by=mean_hits&desc=true', '&order_by=created_at&desc=false', '&order_by=first_contest&desc=1']) {
      const paged = await all(q);
      const whole = (await s.get(`/api/v1/runs?limit=500${q}`, s.keys.viewer)).json().items.map((x: { run_id: string }) => x.run_id);
      expect(paged, q).toEqual(whole);
      expect(new Set(paged).size, q).toBe(FAKE + 1);
    }
    const byMean = (await s.get('/api/v1/runs?limit=500&order_by=mean_hits', s.keys.viewer)).json().items.map((x: { mean_hits: number | null }) => x.mean_hits);
    const nonNull = byMean.filter((m: number | null) => m !== null);
    expect(nonNull).toEqual([...nonNull].sort((a, b) => a - b));
    expect(byMean.slice(nonNull.length).every((m: number | null) => m === null)).toBe(true);
  });

  it('filters by status, name, recipe hash prefix and contest range; items have the CLI shape', async () => {
    const failed = (await s.get('/api/v1/runs?status=failed&limit=500', s.keys.viewer)).json().items;
    expect(failed.length).toBe(6);
    expect(failed.every((r: { status: string }) => r.status === 'failed')).toBe(true);
    expect((await s.get('/api/v1/runs?name=odd', s.keys.viewer)).json().items.length).toBe(15);
    const abc = (await s.get('/api/v1/runs?recipe_hash=abc&limit=500', s.keys.viewer)).json().items;
    expect(abc.length).toBe(10);
    const ranged = (await s.get('/api/v1/runs?from=4020&to=4035&limit=500', s.keys.viewer)).json().items;
    expect(ranged.map((r: { run_id: string }) => r.run_id).sort()).toEqual(Array.from({ length: 6 }, (_, i) => `fake-${String(20 + i).padStart(4, '0')}`));
    const mine = (await s.get('/api/v1/runs?name=real', s.keys.viewer)).json().items[0];
    const listed = (await cli(['runs', 'list', '--name', 'real', '--json'], { dataDir: s.dir })).json().runs[0];
    expect(mine).toEqual(listed);
  });

  it('refuses bad parameters and foreign cursors', async () => {
    const other = (await s.get('/api/v1/runs?limit=2&order_by=mean_hits', s.keys.viewer)).json().next_cursor;
    const cases: Array<[string, RegExp]> = [
      ['/api/v1/runs?order_by=bogus', /query\.order_by/],
      ['/api/v1/runs?status=done', /query\.status/],
      ['/api/v1/runs?recipe_hash=XYZ', /query\.recipe_hash/],
      ['/api/v1/runs?limit=0', /query\.limit/],
      [`/api/v1/runs?cursor=${other}`, /query\.cursor/],
      ['/api/v1/runs?cursor=abc', /query\.cursor/],
      ['/api/v1/runs?colour=red', /query/],
    ];
    for (const [url, detail] of cases) {
      const r = await s.get(url, s.keys.viewer);
      expect(r.statusCode, url).toBe(400);
      expect(r.json().error.details.join('\n'), url).toMatch(detail);
    }
    expect((await s.get('/api/v1/runs')).statusCode).toBe(401);
  });
});

describe('one run', () => {
  it('GET /runs/{id} is the report the simulation returned; unknown is 404, a row without its file 409', async () => {
    const r = await s.get(`/api/v1/runs/${real.run_id}`, s.keys.viewer);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual(real);
    const shown = (await cli(['runs', 'show', real.run_id, '--json'], { dataDir: s.dir })).json();
    expect(r.json().summary).toEqual(shown.summary);
    const missing = await s.get('/api/v1/runs/nosuchrun', s.keys.viewer);
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('E_NOT_FOUND');
    const noFile = await s.get('/api/v1/runs/fake-0001', s.keys.viewer);
    expect(noFile.statusCode).toBe(409);
    expect(noFile.json().error.code).toBe('E_DATA_MISSING');
  });

  it('contests: pages in contest order, min_hits filter, best ticket numbers', async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const r = await s.get(`/api/v1/runs/${real.run_id}/contests?limit=6${cursor ? `&cursor=${cursor}` : ''}`, s.keys.viewer);
      expect(r.statusCode, r.body).toBe(200);
      seen.push(...r.json().items.map((c: { contest: number }) => c.contest));
      cursor = r.json().next_cursor;
    } while (cursor !== null);
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => 4081 + i));
    const page = (await s.get(`/api/v1/runs/${real.run_id}/contests?limit=500`, s.keys.viewer)).json().items;
    const csv = (await cli(['runs', 'export', real.run_id, '--format', 'csv'], { dataDir: s.dir })).stdout.trim().split('\n').slice(1);
    for (const c of page) {
      expect(c.hits_histogram.reduce((a: number, b: number) => a + b, 0)).toBe(3);
      expect(c.draw).toHaveLength(5);
      expect(csv).toContain(`${c.contest},${c.best_ticket},${c.best_numbers.join(' ')},${c.best_hits}`);
    }
    const best = Math.max(...page.map((c: { best_hits: number }) => c.best_hits));
    const filtered = (await s.get(`/api/v1/runs/${real.run_id}/contests?min_hits=${best}&limit=500`, s.keys.viewer)).json().items;
    expect(filtered.length).toBe(page.filter((c: { best_hits: number }) => c.best_hits >= best).length);
    expect((await s.get(`/api/v1/runs/${real.run_id}/contests?min_hits=6`, s.keys.viewer)).statusCode).toBe(400);
    expect((await s.get('/api/v1/runs/nosuchrun/contests', s.keys.viewer)).statusCode).toBe(404);
  });

  it('tickets.csv is byte for byte `luckyfive runs export --format csv`', async () => {
    const r = await s.get(`/api/v1/runs/${real.run_id}/tickets.csv`, s.keys.viewer);
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(r.headers['content-disposition']).toBe(`attachment; filename="${real.run_id}-tickets.csv"`);
    const exported = await cli(['runs', 'export', real.run_id, '--format', 'csv'], { dataDir: s.dir });
    expect(r.body).toBe(exported.stdout);
    expect(r.body.split('\n')).toHaveLength(20 * 3 + 2);
    const gz = await s.get(`/api/v1/runs/${real.run_id}/tickets.csv`, s.keys.viewer, { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
  });

  it('the run file downloads as an attachment; a running run is refused', async () => {
    const r = await s.get(`/api/v1/runs/${real.run_id}/file`, s.keys.viewer);
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-disposition']).toBe(`attachment; filename="${real.run_id}.sqlite"`);
    expect(r.rawPayload.subarray(0, 16).toString('latin1')).toBe('SQLite format 3\u0000');
    const running = await s.get('/api/v1/runs/fake-0004/file', s.keys.viewer);
    expect(running.statusCode).toBe(409);
  });

  it('run ids never reach a path: traversal and odd ids are 400 on every route', async () => {
    for (const id of ['..%2F..%2Fetc', '..%2F..%2Fetc%2Fpasswd', '%2e%2e', 'UPPER-case', 'a', 'x%00yyyyyy', 'run id 1']) {
      for (const tail of ['', '/contests', '/tickets.csv', '/file']) {
        const r = await s.get(`/api/v1/runs/${id}${tail}`, s.keys.viewer);
        // `%2e%2e` is a dot segment the router resolves away: no route (404), never a file.
        expect(r.statusCode, `${id}${tail}`).toBe(id === '%2e%2e' ? r.statusCode : 400);
        expect([400, 404]).toContain(r.statusCode);
        expect(r.json().error.code).toMatch(/^E_(INPUT_INVALID|NOT_FOUND)$/);
        expect(r.body).not.toMatch(/SQLite format|root:/);
      }
      const d = await s.app.inject({ method: 'DELETE', url: `/api/v1/runs/${id}`, headers: { authorization: `Bearer ${s.keys.analyst}` } });
      expect([400, 404], id).toContain(d.statusCode);
    }
  });

  it('the traversal of the brief, exactly: ..%2F..%2Fetc is 400 on the run routes', async () => {
    for (const tail of ['', '/tickets.csv', '/file', '/contests']) {
      const r = await s.get(`/api/v1/runs/..%2F..%2Fetc${tail}`, s.keys.viewer);
      expect(r.statusCode, tail).toBe(400);
      expect(r.json().error.details.join('\n')).toMatch(/^path\.run_id: must be a run id/);
    }
  });

  it('DELETE needs an analyst, refuses a running run and removes row and file', async () => {
    const del = (id: string, key: string) => s.app.inject({ method: 'DELETE', url: `/api/v1/runs/${id}`, headers: { authorization: `Bearer ${key}` } });
    expect((await del(real.run_id, s.keys.viewer)).statusCode).toBe(403);
    expect((await del('fake-0004', s.keys.analyst)).json().error.code).toBe('E_BUSY');
    const r = await del(real.run_id, s.keys.analyst);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ run_id: real.run_id, deleted: true });
    expect((await s.get(`/api/v1/runs/${real.run_id}`, s.keys.viewer)).statusCode).toBe(404);
    expect((await del(real.run_id, s.keys.analyst)).statusCode).toBe(404);
  });
});
