// The job runner beside other processes: a second runner never takes a live runner's job, and a
// claim never blocks the event loop while another process holds the catalog's write lock.
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobRunner } from '../../src/engine/job-runner.js';
import type { PredictPool } from '../../src/engine/pool.js';
import { insertJob, readJob } from '../../src/store/jobs-repo.js';
import { type TestServer, startPooledServer } from '../helpers/server.js';
import { SLOW_RECIPE, TINY_RECIPE } from '../helpers/recipes.js';

const request = (recipe: object, from: number, to: number) => JSON.stringify({ preset: null, recipe_name: null, recipe, from, to, name: 'queued', threads: 1 });

let pool: PredictPool;
let s: TestServer;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ s, pool, close } = await startPooledServer({ rate_limit_heavy: 1000, rate_limit_write: 1000, rate_limit_read: 100_000 }, { from: 4001, to: 4200 }));
});
afterAll(() => close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitFor(jobId: string, statuses: string[], timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const job = readJob(s.catalog.db, jobId)!;
    if (statuses.includes(job.status)) return job;
    if (Date.now() > until) throw new Error(`job ${jobId} still ${job.status}`);
    await sleep(20);
  }
}
let seq = 0;
const queue = (recipe: object, from: number, to: number) => {
  const job_id = `job-owner-${String(++seq).padStart(6, '0')}`;
  insertJob(s.catalog.db, { job_id, kind: 'simulate', request_json: request(recipe, from, to), created_at: new Date().toISOString() });
  return job_id;
};

describe('one runner per job', () => {
  it("[12.3.3] a second runner on the same catalog leaves the first one's running job alone", async () => {
    const a = new JobRunner({ catalog: s.catalog, pool, concurrency: 1, now: Date.now, pollMs: 20 });
    const b = new JobRunner({ catalog: s.catalog, pool, concurrency: 1, now: Date.now, pollMs: 20 });
    try {
      a.start();
      const id = queue(SLOW_RECIPE, 4100, 4160);
      const until = Date.now() + 20_000;
      while ((readJob(s.catalog.db, id)?.contests_done ?? 0) === 0) {
        if (Date.now() > until) throw new Error('job did not start');
        await sleep(10);
      }
      expect(b.start()).toEqual({ requeued: 0, failed: 0 });
      await sleep(100); // several polls of b
      expect(b.running).toBe(0);
      const job = await waitFor(id, ['completed', 'failed', 'pending']);
      expect(job).toMatchObject({ status: 'completed', attempts: 1, run_status: 'completed', contests_done: 61, owner: null });
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it('[12.3.3] a job whose runner process is alive is not requeued; once that process is gone it is', async () => {
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    const runner = new JobRunner({ catalog: s.catalog, pool, concurrency: 1, now: Date.now, pollMs: 20 });
    try {
      const id = queue(TINY_RECIPE, 4120, 4150);
      s.catalog.db
        .prepare("UPDATE jobs SET status = 'running', attempts = 1, run_id = 'owner-run-000001', owner = ? WHERE job_id = ?")
        .run(`${holder.pid}@${hostname()}`, id);
      expect(runner.start()).toEqual({ requeued: 0, failed: 0 });
      await sleep(150);
      expect(readJob(s.catalog.db, id)).toMatchObject({ status: 'running', attempts: 1 });
      holder.kill('SIGKILL');
      await new Promise((r) => holder.once('exit', r));
      const job = await waitFor(id, ['completed', 'failed']);
      expect(job).toMatchObject({ status: 'completed', attempts: 2, run_id: 'owner-run-000001', contests_done: 31 });
    } finally {
      if (holder.exitCode === null && holder.signalCode === null) holder.kill('SIGKILL');
      await runner.stop();
    }
  });
});

describe('runs whose process died, over the API', () => {
  it('[12.3.2] GET /runs and /runs/{id} show a running run as interrupted once its owner is gone (cached pages too); ?status=interrupted finds it', async () => {
    const r = await s.post('/api/v1/simulations', s.keys.analyst, { recipe: TINY_RECIPE, from: 4101, to: 4110 });
    expect(r.statusCode, r.body).toBe(200);
    const id = r.json().run_id as string;
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      s.catalog.db.prepare("UPDATE runs SET status = 'running', owner = ? WHERE run_id = ?").run(`${holder.pid}@${hostname()}`, id);
      expect((await s.get(`/api/v1/runs/${id}`, s.keys.viewer)).json().status).toBe('running');
      expect((await s.get('/api/v1/runs?status=running', s.keys.viewer)).json().items.map((x: { run_id: string }) => x.run_id)).toEqual([id]);
      expect((await s.get('/api/v1/dashboard', s.keys.viewer)).json().runs.by_status).toMatchObject({ running: 1, interrupted: 0 });
    } finally {
      holder.kill('SIGKILL');
      await new Promise((res) => holder.once('exit', res));
    }
    // No write marks the death: the answers (cached by the catalog's version) must still change.
    expect((await s.get(`/api/v1/runs/${id}`, s.keys.viewer)).json().status).toBe('interrupted');
    expect((await s.get('/api/v1/runs?status=running', s.keys.viewer)).json().items).toEqual([]);
    expect((await s.get('/api/v1/runs?status=interrupted', s.keys.viewer)).json().items.map((x: { run_id: string }) => x.run_id)).toEqual([id]);
    expect((await s.get('/api/v1/dashboard', s.keys.viewer)).json().runs.by_status).toMatchObject({ running: 0, interrupted: 1 });
    const del = await s.app.inject({ method: 'DELETE', url: `/api/v1/runs/${id}`, headers: { authorization: `Bearer ${s.keys.analyst}` } });
    expect(del.statusCode, del.body).toBe(200);
  });
});

describe('claims never block the event loop', () => {
  it('[12.1.4] with the catalog write lock held by another connection, /health keeps answering within 100 ms while the runner tries to claim; the job runs once the lock is released', async () => {
    const id = queue(TINY_RECIPE, 4120, 4140);
    const locker = new Database(join(s.dir, 'catalog.sqlite'));
    locker.exec('BEGIN IMMEDIATE');
    const runner = new JobRunner({ catalog: s.catalog, pool, concurrency: 1, now: Date.now, pollMs: 200 });
    await s.get('/api/v1/health'); // warm: the first request compiles the route's serializer
    try {
      // The runner starts (recovery, then a claim) while /health is being sampled.
      const starter = setTimeout(() => runner.start(), 30);
      const latencies: number[] = [];
      const until = performance.now() + 1500;
      while (performance.now() < until) {
        const t0 = performance.now();
        const r = await s.get('/api/v1/health');
        latencies.push(performance.now() - t0);
        expect(r.statusCode).toBe(200);
        await sleep(20);
      }
      clearTimeout(starter);
      expect(readJob(s.catalog.db, id)!.status).toBe('pending');
      // The 90th percentile, not the max: a loaded 2-core machine can delay any one request. A
      // claim that waited for the lock would hold the loop for the whole busy timeout (5 s).
      latencies.sort((x, y) => x - y);
      const p90 = latencies[Math.floor(latencies.length * 0.9)]!;
      expect(latencies.length).toBeGreaterThan(10);
      expect(p90).toBeLessThan(100);
    } finally {
      if (locker.inTransaction) locker.exec('COMMIT');
      locker.close();
    }
    const job = await waitFor(id, ['completed', 'failed']);
    expect(job.status).toBe('completed');
    await runner.stop();
  });
});
