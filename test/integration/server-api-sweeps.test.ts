// POST /sweeps and its reads: a sweep recorded at once and run as a job of the server; cancel, resume, a restart; hostile bodies refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PredictPool, createPredictPool } from '../../src/engine/pool.js';
import { makeDraws, seedDraws } from '../helpers/draws.js';
import { type TestServer, startTestServer } from '../helpers/server.js';

let s: TestServer;
let pool: PredictPool;

const RECIPE = { version: '2', name: 'tiny', strategy: 'random', tickets: 3, numbers_per_ticket: 5, history: 30, seed: 5 };

function spec(over: Record<string, unknown> = {}): Record<string, unknown> {
  return { version: '1', name: 'api sweep', base: { recipe: RECIPE }, parameters: [{ name: 'seed', list: [1, 2, 3] }], range: { last: 10 }, ...over };
}

async function sweepDoc(id: string): Promise<Record<string, any>> {
  const r = await s.get(`/api/v1/sweeps/${id}`, s.keys.viewer);
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
}

/** Polls the sweep until `until` holds of it (bounded). */
async function waitFor(id: string, until: (d: Record<string, any>) => boolean, ms = 60_000): Promise<Record<string, any>> {
  const end = Date.now() + ms;
  for (;;) {
    const d = await sweepDoc(id);
    if (until(d)) return d;
    if (Date.now() > end) throw new Error(`sweep ${id} never got there: status ${d.status}, job ${JSON.stringify(d.job)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  pool = createPredictPool(1);
  s = await startTestServer({ rate_limit_read: 100_000, rate_limit_write: 99_998, rate_limit_heavy: 99_999, rate_limit_ip: 1_000_000 }, { pool });
  seedDraws(s.dir, makeDraws(1, 2600));
}, 60_000);
afterAll(async () => {
  await s.close();
  await pool.close();
});

describe('POST /sweeps', () => {
  it('[18.4.1] records the sweep at once (202 with job and sweep), runs it as a job, and GET /sweeps/{id} shows its job and progress', async () => {
    const r = await s.post(
      '/api/v1/sweeps',
      s.keys.analyst,
      spec({ holdout: { from: 2580, to: 2590 }, metric: 'mean_hits', holdout_top: 2, range: { from: 2500, to: 2520 } }),
    );
    expect(r.statusCode, r.body).toBe(202);
    const body = r.json();
    expect(body.job).toMatchObject({ kind: 'sweep', status: 'pending', cancel_requested: false });
    expect(body.sweep).toMatchObject({ name: 'api sweep', cells_total: 3, invalid_cells: [] });
    const done = await waitFor(body.sweep.sweep_id, (d) => d.job?.status === 'completed');
    expect(done).toMatchObject({ status: 'completed', complete: true, cells_total: 3, cells_done: 3, cells_failed: 0, metric: 'mean_hits' });
    expect(done.job.job_id).toBe(body.job.job_id);
    expect(done.holdout).toEqual({ from: 2580, to: 2590, top: 2 });
    expect(done.cells.filter((c: { holdout: unknown }) => c.holdout !== null)).toHaveLength(2);
    // a simulation list does not show sweep jobs
    const sims = await s.get('/api/v1/simulations', s.keys.viewer);
    expect(sims.json().items.map((j: { job_id: string }) => j.job_id)).not.toContain(body.job.job_id);
    expect((await s.get(`/api/v1/simulations/${body.job.job_id}`, s.keys.viewer)).statusCode).toBe(404);
    // a complete sweep has nothing to resume or cancel
    expect((await s.post(`/api/v1/sweeps/${body.sweep.sweep_id}/resume`, s.keys.analyst)).statusCode).toBe(409);
    expect((await s.post(`/api/v1/sweeps/${body.sweep.sweep_id}/cancel`, s.keys.analyst)).statusCode).toBe(409);
  }, 90_000);

  it('[18.4.2] needs an analyst (401 without a key, 403 for a viewer) and draws from the heavy bucket', async () => {
    expect((await s.post('/api/v1/sweeps', undefined, spec())).statusCode).toBe(401);
    expect((await s.post('/api/v1/sweeps', s.keys.viewer, spec())).statusCode).toBe(403);
    expect((await s.post('/api/v1/sweeps/abcdef-123/cancel', s.keys.viewer)).statusCode).toBe(403);
    expect((await s.post('/api/v1/sweeps/abcdef-123/resume', s.keys.viewer)).statusCode).toBe(403);
    // the bucket each route draws from: its limit is in the answer's headers (400s count too)
    const limitOf = async (url: string, body?: unknown) => (await s.post(url, s.keys.analyst, body)).headers['x-ratelimit-limit'];
    expect(await limitOf('/api/v1/sweeps', spec({ range: { from: 1, to: 2 } }))).toBe('99999');
    expect(await limitOf('/api/v1/sweeps/zzzzzz-unknown/resume')).toBe('99999');
    expect(await limitOf('/api/v1/sweeps/zzzzzz-unknown/cancel')).toBe('99998');
    expect((await s.get('/api/v1/sweeps', s.keys.viewer)).headers['x-ratelimit-limit']).toBe('100000');
  });

  it('[18.4.3] refuses hostile and wrong bodies with 400 and the field at fault, before anything is recorded', async () => {
    const before = (await s.get('/api/v1/sweeps?limit=1000', s.keys.viewer)).json().items.length;
    const refused = async (body: unknown, field: RegExp, raw = false) => {
      const r = raw
        ? await s.app.inject({
            method: 'POST',
            url: '/api/v1/sweeps',
            headers: { authorization: `Bearer ${s.keys.analyst}`, 'content-type': 'application/json' },
            payload: body as string,
          })
        : await s.post('/api/v1/sweeps', s.keys.analyst, body);
      expect(r.statusCode, r.body).toBe(400);
      expect(JSON.stringify(r.json().error)).toMatch(field);
    };
    await refused(spec({ base: { recipe_file: '/etc/passwd' } }), /base/);
    await refused(spec({ parameters: Array.from({ length: 21 }, (_, i) => ({ name: `p${i}`, list: [1] })) }), /parameters/);
    await refused(spec({ parameters: [{ name: 'seed', list: Array.from({ length: 10_001 }, (_, i) => i) }] }), /parameters/);
    await refused(spec({ extra: 1 }), /extra|unrecognized/i);
    await refused(spec({ range: undefined }), /range/);
    await refused(
      spec({
        parameters: [
          { name: 'seed', list: [1] },
          { name: 'seed', list: [2] },
        ],
      }),
      /duplicate/,
    );
    await refused(spec({ parameters: [{ name: 'nonsense', list: [1, 2] }] }), /nonsense/);
    await refused(spec({ holdout: { from: 2505, to: 2515 }, range: { from: 2500, to: 2510 } }), /holdout|overlap/i);
    await refused(spec({ metric: 'luck' }), /metric/);
    await refused(spec({ holdout_top: 2 }), /holdout_top/);
    let deep: unknown = 1;
    for (let i = 0; i < 50; i++) deep = { a: deep };
    await refused(spec({ base: { recipe: { ...RECIPE, params: deep } } }), /nests/);
    await refused('{"version":"1","__proto__":{"polluted":true}}', /./, true);
    await refused('{"version":"1","constructor":{"prototype":{"polluted":true}}}', /./, true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const huge = await s.post('/api/v1/sweeps', s.keys.analyst, spec({ description: 'x'.repeat(300_000) }));
    expect(huge.statusCode).toBe(413);
    expect((await s.get('/api/v1/sweeps?limit=1000', s.keys.viewer)).json().items.length).toBe(before);
  });

  it('[18.4.4] 404 for an unknown sweep, 400 for a malformed id, 409 when there is no job to cancel', async () => {
    expect((await s.post('/api/v1/sweeps/zzzzzz-unknown/cancel', s.keys.analyst)).statusCode).toBe(404);
    expect((await s.post('/api/v1/sweeps/zzzzzz-unknown/resume', s.keys.analyst)).statusCode).toBe(404);
    expect((await s.post('/api/v1/sweeps/..%2Fetc/cancel', s.keys.analyst)).statusCode).toBe(400);
  });
});

describe('sweep jobs: cancel, resume, restart', () => {
  const big = () =>
    spec({
      name: 'long sweep',
      base: { recipe: { ...RECIPE, tickets: 10, numbers_per_ticket: 7, history: 100 } },
      parameters: [{ name: 'seed', list: [1, 2, 3, 4] }],
      range: { from: 2000, to: 2500 },
    });

  it('[18.4.5] cancel stops a running sweep (stopped, resumable); resume completes it, each cell with one run', async () => {
    const r = await s.post('/api/v1/sweeps', s.keys.analyst, big());
    expect(r.statusCode, r.body).toBe(202);
    const id = r.json().sweep.sweep_id;
    await waitFor(id, (d) => d.job?.status === 'running');
    const c = await s.post(`/api/v1/sweeps/${id}/cancel`, s.keys.analyst);
    expect(c.statusCode, c.body).toBe(200);
    expect(c.json().cancel_requested).toBe(true);
    const stopped = await waitFor(id, (d) => d.job?.status === 'cancelled');
    expect(stopped.status).toBe('stopped');
    expect(stopped.cells_done).toBeLessThan(4);
    expect((await s.post(`/api/v1/sweeps/${id}/cancel`, s.keys.analyst)).statusCode).toBe(409);
    const again = await s.post(`/api/v1/sweeps/${id}/resume`, s.keys.analyst);
    expect(again.statusCode, again.body).toBe(202);
    expect((await s.post(`/api/v1/sweeps/${id}/resume`, s.keys.analyst)).statusCode).toBe(409);
    const done = await waitFor(id, (d) => d.job?.status === 'completed', 120_000);
    expect(done).toMatchObject({ status: 'completed', cells_done: 4 });
    const runIds = done.cells.map((x: { run_id: string }) => x.run_id);
    expect(new Set(runIds).size).toBe(4);
  }, 180_000);

  it('[18.4.6] a graceful stop requeues a running sweep job and the restarted server resumes it to the end', async () => {
    const r = await s.post('/api/v1/sweeps', s.keys.analyst, big());
    expect(r.statusCode, r.body).toBe(202);
    const id = r.json().sweep.sweep_id;
    await waitFor(id, (d) => d.job?.status === 'running');
    await s.restart();
    const done = await waitFor(id, (d) => d.job?.status === 'completed', 120_000);
    expect(done).toMatchObject({ status: 'completed', cells_done: 4 });
    expect(done.job.attempts).toBe(2);
  }, 180_000);
});
