// `serve` with `queue_url` (issue 14): POST /simulations jobs run on `luckyfive worker` child
// processes through a real redis-server on a free port (skipped with a message when it is not
// installed, a failure under LUCKYFIVE_REQUIRE_SHARED=1): the holding worker in GET, a cancel
// across processes, a graceful restart that collects instead of queueing again, /metrics, and a
// Redis that does not answer.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PredictPool, createPredictPool } from '../../src/engine/pool.js';
import { requestJobCancel } from '../../src/store/jobs-repo.js';
import { cli } from '../helpers/cli.js';
import { makeDraws, seedDraws } from '../helpers/draws.js';
import { type TestWorker, startWorker, stopWorker } from '../helpers/queue.js';
import { type TestRedis, haveRedisServer, startRedis } from '../helpers/redis.js';
import { SLOW_RECIPE } from '../helpers/recipes.js';
import { type TestServer, startTestServer } from '../helpers/server.js';

const QUICK = { version: '2', name: 'quick', strategy: 'random', tickets: 6, numbers_per_ticket: 7, history: 50, seed: 7 };

/** A run's index row without what differs between two runs of the same request. */
function rowOf(row: Record<string, unknown>): Record<string, unknown> {
  const { run_id: _id, created_at: _c, started_at: _s, finished_at: _f, file: _file, owner: _o, name: _n, ...rest } = row;
  return rest;
}

describe.skipIf(!haveRedisServer())('serve with queue_url: simulation jobs on the run queue', () => {
  let redis: TestRedis;
  let pool: PredictPool;
  let s: TestServer;
  let worker: TestWorker;

  beforeAll(async () => {
    redis = await startRedis();
    pool = createPredictPool(1);
    s = await startTestServer({ queue_url: redis.url }, { pool });
    seedDraws(s.dir, makeDraws(4001, 4400));
    worker = await startWorker(['--queue', redis.url, '--threads', '1', '--name', 'wq1']);
  }, 30_000);
  afterAll(async () => {
    if (worker) await stopWorker(worker);
    await s?.close();
    await pool?.close();
    await redis?.stop();
  });

  const job = async (id: string) => (await s.get(`/api/v1/simulations/${id}`, s.keys.viewer)).json();
  const metrics = async () => {
    const r = await s.get('/api/v1/metrics', s.keys.viewer);
    expect(r.statusCode).toBe(200);
    return r.body;
  };
  const submit = async (body: object) => {
    const r = await s.post('/api/v1/simulations', s.keys.analyst, body);
    expect(r.statusCode, r.body).toBe(202);
    return r.json();
  };

  it('[14.4.1] a job runs on a worker, names it, and its run equals the same simulation run locally; /metrics shows the queue', async () => {
    // the first scrape starts the queue listener: the queue is up, one worker, nothing queued
    const before = await metrics();
    expect(before).toMatch(/^luckyfive_queue_up 1$/m);
    expect(before).toMatch(/^luckyfive_queue_workers 1$/m);
    expect(before).toMatch(/^luckyfive_queue_jobs\{state="waiting"\} 0$/m);

    const accepted = await submit({ recipe: QUICK, from: 4101, to: 4200 });
    expect(accepted).toMatchObject({ status: 'pending', placement: 'queue', worker: null });
    await expect.poll(async () => (await job(accepted.job_id)).status, { timeout: 30_000, interval: 200 }).toBe('completed');
    const done = await job(accepted.job_id);
    expect(done).toMatchObject({ worker: 'wq1', run_status: 'completed', contests_done: 100, contests_planned: 100, error: null, error_code: null });
    expect(worker.stderr()).toContain(`run ${done.run_id} done: 100 contests`);

    // the same simulation, locally
    const recipeFile = join(s.dir, 'quick.json');
    writeFileSync(recipeFile, JSON.stringify(QUICK));
    const local = await cli(['simulate', '--recipe', recipeFile, '--from', '4101', '--to', '4200', '--json'], { dataDir: s.dir });
    expect(local.code, local.stderr).toBe(0);
    const localId = local.json().run_id as string;
    const exportOf = async (id: string) => (await cli(['runs', 'export', id, '--format', 'csv'], { dataDir: s.dir })).stdout;
    const tickets = await exportOf(localId);
    expect(tickets.split('\n').length).toBeGreaterThan(100 * 6);
    expect(await exportOf(done.run_id)).toBe(tickets);
    const rows = (await cli(['runs', 'list', '--json'], { dataDir: s.dir })).json().runs as Array<Record<string, unknown>>;
    expect(rowOf(rows.find((r) => r.run_id === done.run_id)!)).toEqual(rowOf(rows.find((r) => r.run_id === localId)!));

    // the completion was counted by job name (rate() of it is runs per second); the result was collected
    await expect.poll(metrics, { timeout: 10_000 }).toMatch(/^luckyfive_queue_jobs_completed_total\{name="run"\} 1$/m);
    expect(await metrics()).toMatch(/^luckyfive_queue_jobs\{state="completed"\} 0$/m);
  }, 60_000);

  it('[14.4.2] GET shows the holding worker and its progress; a cancel stops the run on that worker at a contest boundary; the job ends cancelled', async () => {
    const accepted = await submit({ recipe: SLOW_RECIPE, from: 4101, to: 4400 });
    await expect
      .poll(
        async () => {
          const j = await job(accepted.job_id);
          return j.status === 'running' && j.worker === 'wq1' && (j.contests_done ?? 0) > 0;
        },
        { timeout: 30_000, interval: 100 },
      )
      .toBe(true);
    const running = await job(accepted.job_id);
    expect(running).toMatchObject({ placement: 'queue', worker: 'wq1', contests_planned: 300, run_status: null });
    const listed = (await s.get('/api/v1/simulations?status=running', s.keys.viewer)).json();
    expect(listed.items.find((j: { job_id: string }) => j.job_id === accepted.job_id)).toMatchObject({ worker: 'wq1' });

    const cancel = await s.post(`/api/v1/simulations/${accepted.job_id}/cancel`, s.keys.analyst);
    expect(cancel.statusCode, cancel.body).toBe(200);
    await expect.poll(async () => (await job(accepted.job_id)).status, { timeout: 15_000, interval: 100 }).toBe('cancelled');
    await expect.poll(() => worker.stderr(), { timeout: 10_000 }).toContain(`run ${running.run_id} cancelled by its coordinator: stopping at the next contest`);
    await expect.poll(() => worker.stderr(), { timeout: 10_000 }).toContain(`run ${running.run_id} stopped: E_INTERRUPTED`);
    const ended = await job(accepted.job_id);
    expect(ended.contests_done).toBeLessThan(300);
    expect(ended.error).toBeNull();
    await expect.poll(metrics, { timeout: 10_000 }).toMatch(/^luckyfive_queue_jobs_failed_total\{name="run",code="E_INTERRUPTED"\} 1$/m);
  }, 60_000);

  it('[14.4.6] a cancel from another server process reaches the run on its worker: through the catalog, and for a run a stopped server left on the queue', async () => {
    // another process's cancel is a request in the catalog; the runner following the job sees it at its next poll
    const a = await submit({ recipe: SLOW_RECIPE, from: 4101, to: 4400, seed: 9 });
    await expect.poll(async () => (await job(a.job_id)).worker, { timeout: 30_000, interval: 100 }).toBe('wq1');
    const runA = (await job(a.job_id)).run_id as string;
    expect(requestJobCancel(s.catalog.db, a.job_id)).toBe(true);
    await expect.poll(async () => (await job(a.job_id)).status, { timeout: 15_000, interval: 100 }).toBe('cancelled');
    await expect.poll(() => worker.stderr(), { timeout: 10_000 }).toContain(`run ${runA} cancelled by its coordinator`);

    // a server stopped while its job ran: the job is pending again, its run still on the worker; a cancel now stops it there
    const b = await submit({ recipe: SLOW_RECIPE, from: 4101, to: 4400, seed: 10 });
    await expect.poll(async () => (await job(b.job_id)).worker, { timeout: 30_000, interval: 100 }).toBe('wq1');
    const runB = (await job(b.job_id)).run_id as string;
    await s.restart({ runJobs: false });
    try {
      expect(await job(b.job_id)).toMatchObject({ status: 'pending', run_id: runB });
      const cancel = await s.post(`/api/v1/simulations/${b.job_id}/cancel`, s.keys.analyst);
      expect(cancel.statusCode, cancel.body).toBe(200);
      expect(cancel.json().status).toBe('cancelled');
      await expect.poll(() => worker.stderr(), { timeout: 10_000 }).toContain(`run ${runB} cancelled by its coordinator`);
    } finally {
      await s.restart({ runJobs: true });
    }
  }, 90_000);

  it('[14.4.3] a graceful restart leaves the run on its worker; the restarted server collects it instead of queueing it again', async () => {
    const accepted = await submit({ recipe: SLOW_RECIPE, from: 4151, to: 4400, seed: 5 });
    await expect.poll(async () => (await job(accepted.job_id)).worker, { timeout: 30_000, interval: 100 }).toBe('wq1');
    const runId = (await job(accepted.job_id)).run_id as string;
    await s.restart();
    await expect.poll(async () => (await job(accepted.job_id)).status, { timeout: 30_000, interval: 200 }).toBe('completed');
    expect(await job(accepted.job_id)).toMatchObject({ run_id: runId, run_status: 'completed', contests_done: 250, worker: 'wq1', attempts: 2 });
    // taken once and done once: the restart followed the run, it did not run it again
    expect(worker.stderr().split(`run ${runId} taken`).length - 1).toBe(1);
    expect(worker.stderr().split(`run ${runId} done`).length - 1).toBe(1);
  }, 60_000);

  it('[14.4.4] a Redis that does not answer: the job fails with E_QUEUE_DOWN, /metrics says luckyfive_queue_up 0, the server stays up', async () => {
    const down = await startTestServer({ queue_url: 'redis://127.0.0.1:1' }, { pool });
    try {
      seedDraws(down.dir, makeDraws(4001, 4200));
      const r = await down.post('/api/v1/simulations', down.keys.analyst, { recipe: QUICK, from: 4101, to: 4200 });
      expect(r.statusCode, r.body).toBe(202);
      const id = r.json().job_id as string;
      await expect
        .poll(async () => (await down.get(`/api/v1/simulations/${id}`, down.keys.viewer)).json().status, { timeout: 15_000, interval: 200 })
        .toBe('failed');
      const failed = (await down.get(`/api/v1/simulations/${id}`, down.keys.viewer)).json();
      expect(failed).toMatchObject({ error_code: 'E_QUEUE_DOWN', worker: null });
      expect(failed.error).toContain('Redis at 127.0.0.1:1 does not answer');
      const scrape = await down.get('/api/v1/metrics', down.keys.viewer);
      expect(scrape.statusCode).toBe(200);
      expect(scrape.body).toMatch(/^luckyfive_queue_up 0$/m);
      expect(scrape.body).not.toMatch(/^luckyfive_queue_workers /m);
      // still serving, and a small simulation still answers in the request on the server's pool
      expect((await down.get('/api/v1/health')).statusCode).toBe(200);
      const small = await down.post('/api/v1/simulations', down.keys.analyst, { recipe: QUICK, from: 4191, to: 4200 });
      expect(small.statusCode, small.body).toBe(200);
    } finally {
      await down.close();
    }
  }, 60_000);
});
