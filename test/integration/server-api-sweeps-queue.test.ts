// POST /sweeps and POST /optimizations on a server with queue_url: the job runs on the server, its cells and trials on a
// `luckyfive worker` through the run queue (a real redis-server on a free port; skipped with a message when it is not installed).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PredictPool, createPredictPool } from '../../src/engine/pool.js';
import { makeDraws, seedDraws } from '../helpers/draws.js';
import { type TestWorker, startWorker, stopWorker } from '../helpers/queue.js';
import { haveRedisServer, startRedis, type TestRedis } from '../helpers/redis.js';
import { type TestServer, startTestServer } from '../helpers/server.js';

const RECIPE = { version: '2', name: 'tiny', strategy: 'random', tickets: 3, numbers_per_ticket: 5, history: 30, seed: 5 };

describe.skipIf(!haveRedisServer())('sweeps and studies over the API with queue_url', () => {
  let redis: TestRedis;
  let worker: TestWorker;
  let pool: PredictPool;
  let s: TestServer;

  async function until(url: string, done: (d: Record<string, any>) => boolean): Promise<Record<string, any>> {
    for (const end = Date.now() + 90_000; ; await new Promise((ok) => setTimeout(ok, 200))) {
      const d = (await s.get(url, s.keys.viewer)).json();
      if (done(d)) return d;
      if (Date.now() > end) throw new Error(`${url} never got there: ${JSON.stringify(d.job)}`);
    }
  }

  beforeAll(async () => {
    redis = await startRedis();
    worker = await startWorker(['--queue', redis.url, '--threads', '1', '--name', 'api-w1']);
    pool = createPredictPool(1);
    s = await startTestServer({ queue_url: redis.url, rate_limit_read: 1_000_000, rate_limit_ip: 1_000_000 }, { pool });
    seedDraws(s.dir, makeDraws(4001, 4200));
  }, 60_000);
  afterAll(async () => {
    await s?.close();
    await pool?.close();
    if (worker) await stopWorker(worker);
    await redis?.stop();
  });

  it('[18.4.16] a sweep posted to a server with queue_url runs its cells on the worker and completes', async () => {
    const r = await s.post('/api/v1/sweeps', s.keys.analyst, {
      version: '1',
      name: 'queued sweep',
      base: { recipe: RECIPE },
      parameters: [{ name: 'seed', list: [1, 2, 3] }],
      range: { from: 4150, to: 4165 },
    });
    expect(r.statusCode, r.body).toBe(202);
    const done = await until(`/api/v1/sweeps/${r.json().sweep.sweep_id}`, (d) => d.job?.status === 'completed' || d.job?.status === 'failed');
    expect(done.job.status).toBe('completed');
    expect(done).toMatchObject({ status: 'completed', cells_done: 3 });
    for (const c of done.cells as Array<{ run_id: string }>) expect(worker.stderr()).toContain(`${c.run_id} done`);
  }, 120_000);

  it('[18.4.17] a study posted to a server with queue_url runs its trials on the worker and completes with its verdict', async () => {
    const r = await s.post('/api/v1/optimizations', s.keys.analyst, {
      version: '1',
      name: 'queued study',
      base: { recipe: RECIPE },
      parameters: [{ name: 'seed', range: { min: 1, max: 300, step: 1 } }],
      train: { from: 4150, to: 4165 },
      holdout: { from: 4180, to: 4190 },
      trials: 3,
      holdout_top: 1,
      seed: 2,
    });
    expect(r.statusCode, r.body).toBe(202);
    const done = await until(`/api/v1/optimizations/${r.json().study.study_id}`, (d) => d.job?.status === 'completed' || d.job?.status === 'failed');
    expect(done.job.status).toBe('completed');
    expect(done).toMatchObject({ status: 'completed', trials_done: 3 });
    expect(typeof done.verdict.sentence).toBe('string');
    for (const t of done.trials as Array<{ run_id: string }>) expect(worker.stderr()).toContain(`${t.run_id} done`);
  }, 120_000);
});
