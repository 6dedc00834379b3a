// POST /optimizations and its reads: a study recorded at once and searched as a job of the server; list, show with the verdict, cancel, resume, restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PredictPool, createPredictPool } from '../../src/engine/pool.js';
import { makeDraws, seedDraws } from '../helpers/draws.js';
import { type TestServer, startTestServer } from '../helpers/server.js';

let s: TestServer;
let pool: PredictPool;

const RECIPE = { version: '2', name: 'tiny', strategy: 'random', tickets: 3, numbers_per_ticket: 5, history: 30, seed: 5 };

function spec(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: '1',
    name: 'api study',
    base: { recipe: RECIPE },
    parameters: [{ name: 'seed', range: { min: 1, max: 1000, step: 1 } }],
    train: { from: 2400, to: 2420 },
    holdout: { from: 2500, to: 2510 },
    method: 'random',
    trials: 4,
    holdout_top: 2,
    seed: 7,
    ...over,
  };
}

async function studyDoc(id: string): Promise<Record<string, any>> {
  const r = await s.get(`/api/v1/optimizations/${id}`, s.keys.viewer);
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
}

async function waitFor(id: string, until: (d: Record<string, any>) => boolean, ms = 90_000): Promise<Record<string, any>> {
  const end = Date.now() + ms;
  for (;;) {
    const d = await studyDoc(id);
    if (until(d)) return d;
    if (Date.now() > end) throw new Error(`study ${id} never got there: status ${d.status}, job ${JSON.stringify(d.job)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  pool = createPredictPool(1);
  s = await startTestServer({ rate_limit_read: 1_000_000, rate_limit_write: 1_000_000, rate_limit_heavy: 1_000_000, rate_limit_ip: 1_000_000 }, { pool });
  seedDraws(s.dir, makeDraws(1, 2600));
}, 60_000);
afterAll(async () => {
  await s.close();
  await pool.close();
});

describe('POST /optimizations', () => {
  it('[18.4.7] records the study (202 with job and study), searches it as a job until completed, and GET shows the verdict, trials and looks', async () => {
    const r = await s.post('/api/v1/optimizations', s.keys.analyst, spec());
    expect(r.statusCode, r.body).toBe(202);
    const body = r.json();
    expect(body.job).toMatchObject({ kind: 'optimize', status: 'pending' });
    expect(body.study).toMatchObject({ name: 'api study', method: 'random', trials_planned: 4 });
    const id = body.study.study_id;
    const done = await waitFor(id, (d) => d.job?.status === 'completed');
    expect(done).toMatchObject({ status: 'completed', complete: true, search_done: true, trials_done: 4, method: 'random' });
    expect(done.trials).toHaveLength(4);
    expect(done.looks).toHaveLength(1);
    expect(typeof done.verdict.sentence).toBe('string');
    expect(done.verdict.holdout).toHaveLength(2);
    const list = await s.get('/api/v1/optimizations?limit=1', s.keys.viewer);
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().items[0]).toMatchObject({ study_id: id, trials_done: 4, complete: true });
    expect((await s.post(`/api/v1/optimizations/${id}/resume`, s.keys.analyst)).statusCode).toBe(409);
    expect((await s.post(`/api/v1/optimizations/${id}/cancel`, s.keys.analyst)).statusCode).toBe(409);
  }, 120_000);

  it('[18.4.8] refuses without an analyst key, hostile bodies with 400, unknown studies with 404; pages the list by cursor', async () => {
    expect((await s.post('/api/v1/optimizations', undefined, spec())).statusCode).toBe(401);
    expect((await s.post('/api/v1/optimizations', s.keys.viewer, spec())).statusCode).toBe(403);
    expect((await s.get('/api/v1/optimizations', undefined)).statusCode).toBe(401);
    const refused = async (body: unknown, field: RegExp) => {
      const r = await s.post('/api/v1/optimizations', s.keys.analyst, body);
      expect(r.statusCode, r.body).toBe(400);
      expect(JSON.stringify(r.json().error)).toMatch(field);
    };
    await refused(spec({ base: { recipe_file: '/etc/passwd' } }), /base/);
    await refused(spec({ parameters: Array.from({ length: 21 }, (_, i) => ({ name: `p${i}`, list: [1, 2] })) }), /parameters/);
    await refused(spec({ holdout: { from: 2410, to: 2415 } }), /holdout/);
    await refused(spec({ holdout: undefined }), /holdout/);
    await refused(spec({ trials: 10_001 }), /trials/);
    await refused(spec({ method: 'annealing' }), /method/);
    await refused(spec({ method: 'evolutionary', population: 4, elite: 4 }), /elite/);
    await refused(spec({ extra: true }), /extra|unrecognized/i);
    await refused(spec({ parameters: [{ name: 'seed', list: Array.from({ length: 10_001 }, (_, i) => i) }] }), /parameters/);
    await refused(spec({ constraints: Array.from({ length: 21 }, () => ({ type: 'min', parameters: ['seed'], value: 0 })) }), /constraints/);
    let deep: unknown = 1;
    for (let i = 0; i < 50; i++) deep = [deep];
    await refused(spec({ base: { recipe: { ...RECIPE, params: deep } } }), /nests/);
    for (const raw of ['{"version":"1","__proto__":{"polluted":true}}', '{"version":"1","constructor":{"prototype":{"polluted":true}}}']) {
      const r = await s.app.inject({
        method: 'POST',
        url: '/api/v1/optimizations',
        headers: { authorization: `Bearer ${s.keys.analyst}`, 'content-type': 'application/json' },
        payload: raw,
      });
      expect(r.statusCode, r.body).toBe(400);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await s.post('/api/v1/optimizations', s.keys.analyst, spec({ description: 'x'.repeat(300_000) }))).statusCode).toBe(413);
    expect((await s.get('/api/v1/optimizations/zzzzzz-unknown', s.keys.viewer)).statusCode).toBe(404);
    expect((await s.post('/api/v1/optimizations/zzzzzz-unknown/cancel', s.keys.analyst)).statusCode).toBe(404);
    expect((await s.post('/api/v1/optimizations/zzzzzz-unknown/resume', s.keys.analyst)).statusCode).toBe(404);
    expect((await s.get('/api/v1/optimizations/..%2Fx', s.keys.viewer)).statusCode).toBe(400);
    expect((await s.get('/api/v1/optimizations?cursor=bm90LWEtY3Vyc29y', s.keys.viewer)).statusCode).toBe(400);
  });

  it('[18.4.9] cancel stops a running study (stopped), resume completes it; a graceful stop requeues and a restart finishes it', async () => {
    const long = () =>
      spec({ name: 'long study', base: { recipe: { ...RECIPE, tickets: 10, numbers_per_ticket: 7, history: 100 } }, train: { from: 1900, to: 2400 } });
    const r = await s.post('/api/v1/optimizations', s.keys.analyst, long());
    expect(r.statusCode, r.body).toBe(202);
    const id = r.json().study.study_id;
    await waitFor(id, (d) => d.job?.status === 'running');
    expect((await s.post(`/api/v1/optimizations/${id}/cancel`, s.keys.analyst)).statusCode).toBe(200);
    const stopped = await waitFor(id, (d) => d.job?.status === 'cancelled');
    expect(stopped.status).toBe('stopped');
    expect((await s.post(`/api/v1/optimizations/${id}/resume`, s.keys.analyst)).statusCode).toBe(202);
    await waitFor(id, (d) => d.job?.status === 'running');
    await s.restart();
    const done = await waitFor(id, (d) => d.job?.status === 'completed', 150_000);
    expect(done).toMatchObject({ status: 'completed', trials_done: 4 });
    expect(done.job.attempts).toBe(2);
    // one study a page: following the cursor gives every study once, then no more
    const all = (await s.get('/api/v1/optimizations?limit=500', s.keys.viewer)).json().items.map((x: { study_id: string }) => x.study_id);
    expect(all).toContain(id);
    const seen: string[] = [];
    for (let cursor: string | null = null, n = 0; n === 0 || cursor !== null; n++) {
      const page: { items: Array<{ study_id: string }>; next_cursor: string | null } = (
        await s.get(`/api/v1/optimizations?limit=1${cursor ? `&cursor=${cursor}` : ''}`, s.keys.viewer)
      ).json();
      seen.push(...page.items.map((x) => x.study_id));
      cursor = page.next_cursor;
    }
    expect(seen).toEqual(all);
  }, 240_000);
});
