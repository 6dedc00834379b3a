// POST /simulations (sync and as jobs), the job runner (claim, cancel, graceful shutdown,
// restart recovery) and the simulation metrics. One worker pool for the whole file: each pool
// costs a second or two of worker start-up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PredictPool, createPredictPool } from '../../src/engine/pool.js';
import { parseRecipe } from '../../src/core/recipe/schema.js';
import { resumeRun, simulate } from '../../src/engine/simulate.js';
import { JobRunner } from '../../src/engine/job-runner.js';
import { insertJob, readJob, requestJobCancel } from '../../src/store/jobs-repo.js';
import { getRun } from '../../src/store/runs-repo.js';
import { cli } from '../helpers/cli.js';
import { makeDraws, seedDraws } from '../helpers/draws.js';
import { type TestServer, startTestServer } from '../helpers/server.js';
import { SLOW_RECIPE, TINY_RECIPE } from '../helpers/recipes.js';

let pool: PredictPool;
let s: TestServer;

beforeAll(async () => {
  pool = createPredictPool(2);
  s = await startTestServer({ rate_limit_heavy: 1000, rate_limit_write: 1000, rate_limit_read: 100_000 }, { pool });
  seedDraws(s.dir, makeDraws(4001, 4200));
});
afterAll(async () => {
  await s.close();
  await pool.close();
});

const waitFor = async (jobId: string, statuses: string[], timeoutMs = 30_000) => {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const job = (await s.get(`/api/v1/simulations/${jobId}`, s.keys.viewer)).json();
    if (statuses.includes(job.status)) return job;
    if (Date.now() > until) throw new Error(`job ${jobId} still ${job.status}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

describe('POST /simulations', () => {
  it('a small range answers in the request with the same report as the CLI', async () => {
    const r = await s.post('/api/v1/simulations', s.keys.analyst, { recipe: TINY_RECIPE, from: 4101, to: 4115, name: 'http' });
    expect(r.statusCode, r.body).toBe(200);
    const report = r.json();
    expect(report).toMatchObject({
      status: 'completed',
      contests: 15,
      tickets: 45,
      first_contest: 4101,
      last_contest: 4115,
      name: 'http',
      synthetic_data: true,
    });
    expect(report.file).toBe(`runs/${report.run_id}.sqlite`);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(`${s.dir}/tiny.json`, JSON.stringify(TINY_RECIPE));
    const c = await cli(['simulate', '--recipe', `${s.dir}/tiny.json`, '--from', '4101', '--to', '4115', '--threads', '1', '--json'], { dataDir: s.dir });
    expect(c.code, c.stderr).toBe(0);
    const viaCli = c.json();
    expect(report.summary).toEqual(viaCli.summary);
    expect(report.finance).toEqual(viaCli.finance);
    expect(report.recipe_hash).toBe(viaCli.recipe_hash);
    expect(report.dataset_hash).toBe(viaCli.dataset_hash);
    const csv = async (id: string) => (await cli(['runs', 'export', id, '--format', 'csv'], { dataDir: s.dir })).stdout;
    expect(await csv(report.run_id)).toBe(await csv(viaCli.run_id));
  });

  it('seed and threads are honoured; results do not depend on threads', async () => {
    const one = (await s.post('/api/v1/simulations', s.keys.analyst, { recipe: TINY_RECIPE, last: 10, seed: 99, threads: 1 })).json();
    const two = (await s.post('/api/v1/simulations', s.keys.analyst, { recipe: { ...TINY_RECIPE, seed: 99 }, last: 10 })).json();
    expect(one.seed).toBe(99);
    expect(one.first_contest).toBe(4191);
    expect(one.recipe_hash).toBe(two.recipe_hash);
    expect(one.summary).toEqual(two.summary);
  });

  it('refuses bad bodies before creating anything, with path: problem details', async () => {
    const runsBefore = (s.catalog.db.prepare('SELECT COUNT(*) AS n FROM runs').get() as { n: number }).n;
    const cases: Array<[unknown, number, string, RegExp]> = [
      [{ recipe: { ...TINY_RECIPE, tickets: 0 }, last: 5 }, 400, 'E_RECIPE_INVALID', /^body\.recipe\.tickets: /],
      [{ recipe: { ...TINY_RECIPE, bogus: 1 }, last: 5 }, 400, 'E_RECIPE_INVALID', /^body\.recipe\.bogus: unknown key/],
      [{ recipe: TINY_RECIPE, from: 4150, to: 4100 }, 400, 'E_RANGE_INVALID', /./],
      [{ recipe: TINY_RECIPE, from: 4100, to: 4300 }, 409, 'E_DATA_MISSING', /./],
      [{ recipe: TINY_RECIPE, from: 4100, to: 4110, last: 5 }, 400, 'E_RANGE_INVALID', /^body\.last: /],
      [{ recipe: TINY_RECIPE, from: 4100 }, 400, 'E_RANGE_INVALID', /^body\.to: /],
      [{ recipe: TINY_RECIPE }, 400, 'E_RANGE_INVALID', /^body\.from: give a contest range/],
      [{ preset: 'nope', last: 5 }, 400, 'E_INPUT_INVALID', /^body\.preset: unknown preset "nope"/],
      [{ preset: 'balanced', recipe: TINY_RECIPE, last: 5 }, 400, 'E_INPUT_INVALID', /^body\.recipe: give one of/],
      [{ recipe_name: 'missing', last: 5 }, 400, 'E_INPUT_INVALID', /^body\.recipe_name: no saved recipe/],
      [{ last: 5 }, 400, 'E_INPUT_INVALID', /no default recipe/],
      [{ recipe: TINY_RECIPE, last: 5, threads: 3 }, 400, 'E_INPUT_INVALID', /^body\.threads: at most 2/],
      [{ recipe: TINY_RECIPE, last: '5' }, 400, 'E_INPUT_INVALID', /^body\.last: /],
      [{ recipe: TINY_RECIPE, last: 5, extra: true }, 400, 'E_INPUT_INVALID', /^body: /],
      [{ recipe: 'x', last: 5 }, 400, 'E_INPUT_INVALID', /^body\.recipe: /],
    ];
    for (const [body, status, code, detail] of cases) {
      const r = await s.post('/api/v1/simulations', s.keys.analyst, body);
      const what = JSON.stringify(body).slice(0, 80);
      expect(r.statusCode, what).toBe(status);
      expect(r.json().error.code, what).toBe(code);
      expect(r.json().error.details.join('\n'), what).toMatch(detail);
    }
    expect((s.catalog.db.prepare('SELECT COUNT(*) AS n FROM runs').get() as { n: number }).n).toBe(runsBefore);
    expect((s.catalog.db.prepare('SELECT COUNT(*) AS n FROM jobs').get() as { n: number }).n).toBe(0);
  });

  it('a saved recipe by name, or the default one when the body names none', async () => {
    const saved = (await s.post('/api/v1/recipes', s.keys.analyst, { name: 'tiny', recipe: TINY_RECIPE })).json();
    const byName = (await s.post('/api/v1/simulations', s.keys.analyst, { recipe_name: 'tiny', last: 5 })).json();
    expect(byName.recipe_hash).toBe(saved.recipe_hash);
    await s.post('/api/v1/recipes/tiny/default', s.keys.analyst);
    const byDefault = await s.post('/api/v1/simulations', s.keys.analyst, { last: 5, seed: 12 });
    expect(byDefault.statusCode, byDefault.body).toBe(200);
    expect(byDefault.json().seed).toBe(12);
    expect(byDefault.json().summary.tickets_per_contest).toBe(3);
  });

  it('the advanced strategy goes to the queue sooner: 5 contests of 25 tickets are a job', async () => {
    const r = await s.post('/api/v1/simulations', s.keys.analyst, { preset: 'balanced', last: 5 });
    expect(r.statusCode, r.body).toBe(202);
    // It may finish before the cancel arrives (then 409); either way it ends cleanly.
    expect([200, 409]).toContain((await s.post(`/api/v1/simulations/${r.json().job_id}/cancel`, s.keys.analyst)).statusCode);
    const ended = await waitFor(r.json().job_id, ['cancelled', 'failed', 'completed']);
    expect(['cancelled', 'completed'], ended.error).toContain(ended.status);
  });

  it('a job cancelled the moment it starts ends cancelled, its run resumable though no contest was written', async () => {
    // The job is claimed while the 202 is built; the cancel lands before its first chunk returns.
    const r = await s.post('/api/v1/simulations', s.keys.analyst, { preset: 'balanced', last: 20 });
    expect(r.statusCode, r.body).toBe(202);
    expect((await s.post(`/api/v1/simulations/${r.json().job_id}/cancel`, s.keys.analyst)).statusCode).toBe(200);
    const ended = await waitFor(r.json().job_id, ['cancelled', 'failed', 'completed']);
    expect(ended.status, ended.error).toBe('cancelled');
    expect(ended.run_status).toBe('cancelled');
    expect(ended.contests_done).toBeLessThan(20);
  });

  it('viewers may not simulate (403), anonymous callers are 401', async () => {
    expect((await s.post('/api/v1/simulations', s.keys.viewer, { recipe: TINY_RECIPE, last: 5 })).statusCode).toBe(403);
    expect((await s.post('/api/v1/simulations', undefined, { recipe: TINY_RECIPE, last: 5 })).statusCode).toBe(401);
  });

  it('a larger range is a job: 202, it runs to completed, its run is listed', async () => {
    const r = await s.post('/api/v1/simulations', s.keys.analyst, { preset: 'conservative', last: 30, name: 'job' });
    const small = await s.post('/api/v1/simulations', s.keys.analyst, { recipe: TINY_RECIPE, from: 4100, to: 4160 });
    expect(r.statusCode, r.body).toBe(202);
    expect(small.statusCode).toBe(202);
    const job = r.json();
    expect(job).toMatchObject({ status: 'pending', run_id: null, kind: 'simulate', request: { preset: 'conservative', from: 4171, to: 4200, name: 'job' } });
    expect(job.job_id).toMatch(/^job-/);
    const finished = await waitFor(job.job_id, ['completed', 'failed']);
    expect(finished).toMatchObject({ status: 'completed', run_status: 'completed', contests_done: 30, contests_planned: 30, attempts: 1, error: null });
    const other = await waitFor(small.json().job_id, ['completed', 'failed']);
    expect(other.status).toBe('completed');
    const report = (await s.get(`/api/v1/runs/${finished.run_id}`, s.keys.viewer)).json();
    expect(report).toMatchObject({ run_id: finished.run_id, status: 'completed', name: 'job', contests: 30 });
    const listed = (await s.get('/api/v1/runs?name=job', s.keys.viewer)).json();
    expect(listed.items.map((x: { run_id: string }) => x.run_id)).toContain(finished.run_id);
    const jobs = (await s.get('/api/v1/simulations?status=completed&limit=1', s.keys.viewer)).json();
    expect(jobs.items).toHaveLength(1);
    expect(jobs.next_cursor).not.toBeNull();
    const next = (await s.get(`/api/v1/simulations?status=completed&limit=1&cursor=${jobs.next_cursor}`, s.keys.viewer)).json();
    expect(next.items[0].job_id).not.toBe(jobs.items[0].job_id);
  });

  it('cancelling a running job stops its run at a contest boundary; the run stays resumable', async () => {
    const r = await s.post('/api/v1/simulations', s.keys.analyst, { recipe: SLOW_RECIPE, from: 4100, to: 4200 });
    const jobId = r.json().job_id;
    const until = Date.now() + 20_000;
    while (((await s.get(`/api/v1/simulations/${jobId}`, s.keys.viewer)).json().contests_done ?? 0) === 0) {
      if (Date.now() > until) throw new Error('job did not start');
      await new Promise((res) => setTimeout(res, 10));
    }
    const c = await s.post(`/api/v1/simulations/${jobId}/cancel`, s.keys.analyst);
    expect(c.statusCode).toBe(200);
    expect(c.json().cancel_requested).toBe(true);
    const job = await waitFor(jobId, ['cancelled', 'completed']);
    expect(job.status).toBe('cancelled');
    const run = getRun(s.catalog.db, job.run_id)!;
    expect(run.status).toBe('cancelled');
    expect(run.contests_done).toBeLessThan(101);
    expect((await s.post(`/api/v1/simulations/${jobId}/cancel`, s.keys.analyst)).statusCode).toBe(409);
    const resumed = await resumeRun({ catalog: s.catalog, pool, now: () => new Date() }, job.run_id);
    expect(resumed).toMatchObject({ status: 'completed', contests: 101 });
  });

  it('metrics: durations, contests simulated, queue depth', async () => {
    const text = (await s.get('/api/v1/metrics', s.keys.viewer)).body;
    expect(text).toMatch(/^luckyfive_simulation_duration_seconds_count\{mode="sync",status="completed"\} [1-9]\d*$/m);
    expect(text).toMatch(/^luckyfive_simulation_duration_seconds_count\{mode="job",status="completed"\} [1-9]\d*$/m);
    expect(text).toMatch(/^luckyfive_simulation_duration_seconds_count\{mode="job",status="cancelled"\} [1-9]\d*$/m);
    expect(text).toMatch(/^luckyfive_simulated_contests_total\{mode="sync"\} [1-9]\d*$/m);
    expect(text).toMatch(/^luckyfive_simulation_contests_per_second [0-9.e+]+$/m);
    expect(text).toMatch(/^luckyfive_job_queue_depth 0$/m);
    expect(text).toMatch(/^# TYPE luckyfive_simulation_duration_seconds histogram$/m);
  });
});

describe('the engine, stopped before its first contest', () => {
  it('marks the run cancelled with an empty summary (no baseline) and a resume completes it', async () => {
    const stopped = new AbortController();
    stopped.abort();
    const env = { catalog: s.catalog, pool, now: () => new Date() };
    const report = await simulate(
      { ...env, signal: stopped.signal },
      { recipe: parseRecipe(TINY_RECIPE), range: { from: 4150, to: 4160 }, run_id: 'zero-run-000001' },
    );
    expect(report).toMatchObject({ status: 'cancelled', contests: 0, tickets: 0 });
    expect(report.summary.baseline).toBeNull();
    expect(getRun(s.catalog.db, 'zero-run-000001')).toMatchObject({ status: 'cancelled', contests_done: 0 });
    const shown = await s.get('/api/v1/runs/zero-run-000001', s.keys.viewer);
    expect(shown.statusCode).toBe(200);
    expect(shown.json()).toMatchObject({ status: 'cancelled', contests: 0 });
    expect(await resumeRun(env, 'zero-run-000001')).toMatchObject({ status: 'completed', contests: 11 });
  });
});

describe('the job queue across restarts', () => {
  it('a pending job is cancelled at once; unknown and malformed job ids are 404 and 400', async () => {
    await s.restart({ runJobs: false });
    try {
      const r = await s.post('/api/v1/simulations', s.keys.analyst, { recipe: TINY_RECIPE, from: 4100, to: 4160 });
      expect(r.statusCode).toBe(202);
      const id = r.json().job_id;
      expect((await s.get(`/api/v1/simulations/${id}`, s.keys.viewer)).json().status).toBe('pending');
      expect((await s.get('/api/v1/metrics', s.keys.viewer)).body).toMatch(/^luckyfive_job_queue_depth 1$/m);
      expect((await s.post(`/api/v1/simulations/${id}/cancel`, s.keys.viewer)).statusCode).toBe(403);
      const c = await s.post(`/api/v1/simulations/${id}/cancel`, s.keys.analyst);
      expect(c.statusCode).toBe(200);
      expect(c.json()).toMatchObject({ status: 'cancelled', run_id: null });
      expect((await s.post(`/api/v1/simulations/${id}/cancel`, s.keys.analyst)).json().error.code).toBe('E_CONFLICT');
      const missing = await s.get('/api/v1/simulations/job-20260101-000000-deadbeef', s.keys.viewer);
      expect(missing.statusCode).toBe(404);
      expect(missing.json().error.code).toBe('E_NOT_FOUND');
      expect((await s.get('/api/v1/simulations/..%2F..%2Fetc', s.keys.viewer)).statusCode).toBe(400);
    } finally {
      await s.restart();
    }
  });

  it('a graceful shutdown requeues a running job; the next start resumes its run to the end', async () => {
    const r = await s.post('/api/v1/simulations', s.keys.analyst, { recipe: { ...SLOW_RECIPE, seed: 4 }, from: 4120, to: 4200 });
    const jobId = r.json().job_id;
    const until = Date.now() + 20_000;
    while ((readJob(s.catalog.db, jobId)?.contests_done ?? 0) === 0) {
      if (Date.now() > until) throw new Error('job did not start');
      await new Promise((res) => setTimeout(res, 10));
    }
    await s.restart({ runJobs: false });
    const parked = readJob(s.catalog.db, jobId)!;
    expect(parked.status).toBe('pending');
    expect(parked.run_id).not.toBeNull();
    expect(parked.run_status).toBe('cancelled');
    expect(parked.contests_done).toBeGreaterThan(0);
    expect(parked.contests_done).toBeLessThan(81);
    await s.restart();
    const job = await waitFor(jobId, ['completed', 'failed']);
    expect(job).toMatchObject({ status: 'completed', run_id: parked.run_id, contests_done: 81, attempts: 2 });
    // The resumed run holds exactly the tickets of an uninterrupted one.
    const fresh = (await s.post('/api/v1/simulations', s.keys.analyst, { recipe: { ...SLOW_RECIPE, seed: 4 }, from: 4120, to: 4200 })).json();
    const again = await waitFor(fresh.job_id, ['completed', 'failed']);
    const csv = async (id: string) => (await s.get(`/api/v1/runs/${id}/tickets.csv`, s.keys.viewer)).body;
    expect(await csv(job.run_id)).toBe(await csv(again.run_id));
  });

  it('a runner in another process: it polls for queued jobs and honours a cancel requested through the catalog', async () => {
    await s.restart({ runJobs: false });
    const runner = new JobRunner({ catalog: s.catalog, pool, concurrency: 1, now: Date.now, pollMs: 20 });
    try {
      runner.start();
      const r = await s.post('/api/v1/simulations', s.keys.analyst, { recipe: { ...SLOW_RECIPE, seed: 5 }, from: 4100, to: 4200, threads: 1 });
      const jobId = r.json().job_id;
      const until = Date.now() + 20_000;
      while ((readJob(s.catalog.db, jobId)?.contests_done ?? 0) === 0) {
        if (Date.now() > until) throw new Error('job did not start');
        await new Promise((res) => setTimeout(res, 10));
      }
      // What POST /simulations/{id}/cancel does when the job runs elsewhere: flag it in the catalog.
      expect(requestJobCancel(s.catalog.db, jobId)).toBe(true);
      const job = await waitFor(jobId, ['cancelled', 'completed']);
      expect(job.status).toBe('cancelled');
      expect(job.run_status).toBe('cancelled');
    } finally {
      await runner.stop();
      await s.restart();
    }
  });

  it('jobs left running by a crash are picked up at start: a claimed job without a run starts, one with a run resumes', async () => {
    await s.restart({ runJobs: false });
    const request = (from: number, to: number) =>
      JSON.stringify({ preset: null, recipe_name: null, recipe: TINY_RECIPE, from, to, name: 'crashed', threads: null });
    // Claimed (run id assigned) but the process died before the run was created.
    insertJob(s.catalog.db, { job_id: 'job-crash-000001', kind: 'simulate', request_json: request(4120, 4170), created_at: '2026-01-01T00:00:00.000Z' });
    s.catalog.db.prepare("UPDATE jobs SET status = 'running', attempts = 1, run_id = 'crash-run-000001' WHERE job_id = 'job-crash-000001'").run();
    // Never claimed.
    insertJob(s.catalog.db, { job_id: 'job-crash-000002', kind: 'simulate', request_json: request(4130, 4180), created_at: '2026-01-01T00:00:01.000Z' });
    // Claimed too often already: failed, not retried.
    insertJob(s.catalog.db, { job_id: 'job-crash-000003', kind: 'simulate', request_json: request(4130, 4180), created_at: '2026-01-01T00:00:02.000Z' });
    s.catalog.db.prepare("UPDATE jobs SET status = 'running', attempts = 3, run_id = 'crash-run-000003' WHERE job_id = 'job-crash-000003'").run();
    await s.restart();
    const a = await waitFor('job-crash-000001', ['completed', 'failed']);
    expect(a).toMatchObject({ status: 'completed', run_id: 'crash-run-000001', attempts: 2, contests_done: 51 });
    const b = await waitFor('job-crash-000002', ['completed', 'failed']);
    expect(b).toMatchObject({ status: 'completed', attempts: 1, contests_done: 51 });
    const c = (await s.get('/api/v1/simulations/job-crash-000003', s.keys.viewer)).json();
    expect(c.status).toBe('failed');
    expect(c.error).toMatch(/interrupted 3 times/);
  });
});
