// The faults a queued sweep must survive (issue 14), each against a real redis-server on a free
// port with `luckyfive worker` child processes (or, for a cell that always fails, a BullMQ Worker
// in this process around the real engine). Every process is stopped by its PID; every wait is bounded.
import { Queue, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUN_QUEUE } from '../../src/engine/queue/connection.js';
import { checkRemotePayload, executeRemotePayload } from '../../src/engine/queue/execute.js';
import { createPredictPool } from '../../src/engine/pool.js';
import type { RemoteRunPayload } from '../../src/core/remote-run.js';
import { cli, tempDir } from '../helpers/cli.js';
import { makeDraws, seedDraws } from '../helpers/draws.js';
import { type TestWorker, killWorker, startWorker, stopWorker } from '../helpers/queue.js';
import { SWEEP_RECIPE, cellsOf, figuresOf, killChild, runRowsOf, spawnCli, sweepArgs } from '../helpers/queue-sweep.js';
import { writeRecipe } from '../helpers/recipes.js';
import { haveRedisServer, startRedis } from '../helpers/redis.js';

const LAST = 60;

describe.skipIf(!haveRedisServer())('queued sweep faults', () => {
  let dir: string;
  let cleanup: () => void;
  let recipe: string;
  let local: { show: unknown; tickets: Record<number, string> };
  const args = () => sweepArgs(recipe, { last: LAST, name: 'faults' });
  /** times each run id appears as done in these logs */
  const doneCounts = (logs: string) => {
    const n = new Map<string, number>();
    for (const m of logs.matchAll(/run (\S+) done:/g)) n.set(m[1]!, (n.get(m[1]!) ?? 0) + 1);
    return n;
  };

  beforeAll(async () => {
    ({ dir, cleanup } = tempDir());
    seedDraws(dir, makeDraws(4001, 4200));
    recipe = writeRecipe(dir, 'sweepy', SWEEP_RECIPE);
    const l = await cli(args(), { dataDir: dir });
    expect(l.code, l.stderr).toBe(0);
    local = await figuresOf(dir, l.json().sweep_id);
    expect(Object.keys(local.tickets)).toHaveLength(4);
  }, 60_000);
  afterAll(() => cleanup?.());

  it('[14.6.1] kill -9 of a worker mid-cell: after its lock expires (--lock-timeout 3) another worker finishes the cell; BullMQ reports the stall; same results as locally', async () => {
    const redis = await startRedis();
    const ws: TestWorker[] = [];
    try {
      for (const name of ['k1', 'k2']) ws.push(await startWorker(['--queue', redis.url, '--threads', '1', '--name', name, '--lock-timeout', '3']));
      const sweep = cli(args(), { dataDir: dir, env: { LUCKYFIVE_QUEUE_URL: redis.url } });
      await expect.poll(() => /k1: run (\S+) taken/.exec(ws[0]!.stderr())?.[1], { timeout: 20_000, interval: 20 }).toBeTruthy();
      const victim = /k1: run (\S+) taken/.exec(ws[0]!.stderr())![1]!;
      await killWorker(ws[0]!);
      expect(ws[0]!.stderr()).not.toContain(`run ${victim} done`);
      const r = await sweep;
      expect(r.code, r.stderr).toBe(0);
      expect(r.json()).toMatchObject({ status: 'completed', cells_done: 4 });
      expect(r.json().cells_stalled).toBeGreaterThanOrEqual(1);
      expect(r.stderr).toMatch(/stalled: its worker stopped answering; BullMQ gives run \S+ to another worker/);
      // the survivor ran the victim's cell, once; every cell run is registered once
      expect(doneCounts(ws[1]!.stderr()).get(victim)).toBe(1);
      const rows = runRowsOf(dir, r.json().sweep_id);
      expect(rows.map((x) => x.n)).toEqual([1, 1, 1, 1]);
      expect(rows.map((x) => x.run_id)).toContain(victim);
      expect(await figuresOf(dir, r.json().sweep_id)).toEqual(local);
    } finally {
      for (const w of ws) await killWorker(w);
      await redis.stop();
    }
  }, 90_000);

  it('[14.6.2] a cell that always fails is retried RUN_JOB_OPTIONS.attempts times, then the sweep ends with exit 6 naming it; the other cells are correct', async () => {
    const redis = await startRedis();
    const pool = createPredictPool(1);
    const attempts = new Map<string, number>();
    const worker = new Worker<RemoteRunPayload>(
      RUN_QUEUE,
      async (job, _token, signal) => {
        if (job.data.request.name?.includes(' #1 ')) {
          attempts.set(job.id!, (attempts.get(job.id!) ?? 0) + 1);
          throw new Error('this cell always fails');
        }
        return executeRemotePayload(checkRemotePayload(job.data), { pool, signal });
      },
      { connection: { host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: null }, concurrency: 2 },
    );
    worker.on('error', () => undefined);
    try {
      const r = await cli(args(), { dataDir: dir, env: { LUCKYFIVE_QUEUE_URL: redis.url } });
      expect(r.code, r.stderr).toBe(6); // E_CELLS_FAILED
      expect(r.stderr).toMatch(/cell 1 \(alpha=0\.2 history=40\): E_INTERNAL: run \S+ failed on the worker: this cell always fails/);
      expect([...attempts.values()]).toEqual([3]);
      expect(r.stderr).toContain('failed after 3 attempt(s)');
      const id = /sweep (sw-[a-z0-9-]+)/.exec(r.stderr)![1]!;
      const cells = cellsOf(dir, id);
      expect(cells.map((c) => c.status)).toEqual(['completed', 'failed', 'completed', 'completed']);
      // nothing registered for the failed cell; the others are the local sweep's
      expect(runRowsOf(dir, id).map((x) => x.run_id)).not.toContain(cells[1]!.run_id);
      const { tickets } = await figuresOf(dir, id);
      expect(tickets).toEqual({ 0: local.tickets[0], 2: local.tickets[2], 3: local.tickets[3] });
    } finally {
      await worker.close(true);
      await pool.close();
      await redis.stop();
    }
  }, 90_000);

  it('[14.6.3] Redis restarted mid-sweep: coordinator and workers say so and carry on, every cell registered once; Redis gone past queue_patience: exit 9, sweep stopped, --resume completes it', async () => {
    const { dir: redisDir, cleanup: dropRedisDir } = tempDir();
    const redis = await startRedis({ persistDir: redisDir });
    const ws: TestWorker[] = [];
    try {
      for (const name of ['r1', 'r2']) ws.push(await startWorker(['--queue', redis.url, '--threads', '1', '--name', name]));
      const logs = () => ws.map((w) => w.stderr()).join('\n');
      // a restart of a few seconds, well within the patience
      const sweep = cli(args(), { dataDir: dir, env: { LUCKYFIVE_QUEUE_URL: redis.url } });
      await expect.poll(() => logs(), { timeout: 20_000, interval: 20 }).toMatch(/run \S+ taken/);
      await redis.stop();
      await new Promise((res) => setTimeout(res, 1_500));
      await redis.restart();
      const r = await sweep;
      expect(r.code, r.stderr).toBe(0);
      expect(r.json()).toMatchObject({ status: 'completed', cells_done: 4 });
      expect(r.stderr).toMatch(/Redis at 127\.0\.0\.1:\d+ is unreachable; retrying/);
      expect(r.stderr).toMatch(/Redis at 127\.0\.0\.1:\d+ is back after/);
      expect(logs()).toMatch(/r[12]: Redis at 127\.0\.0\.1:\d+ is back/);
      expect(runRowsOf(dir, r.json().sweep_id).map((x) => x.n)).toEqual([1, 1, 1, 1]);
      expect(await figuresOf(dir, r.json().sweep_id)).toEqual(local);

      // gone for longer than the coordinator's patience (2 s)
      const patient = cli(args(), { dataDir: dir, env: { LUCKYFIVE_QUEUE_URL: redis.url, LUCKYFIVE_QUEUE_PATIENCE: '2' } });
      const before = (logs().match(/taken/g) ?? []).length;
      await expect.poll(() => (logs().match(/taken/g) ?? []).length, { timeout: 20_000, interval: 20 }).toBeGreaterThan(before);
      await redis.stop();
      const down = await patient;
      expect(down.code, down.stderr).toBe(9); // E_QUEUE_DOWN
      expect(down.stderr).toContain('has been unreachable for 2 s: giving up');
      expect(down.stderr).toMatch(/luckyfive sweep --resume sw-/);
      const id = /sweep (sw-\S+): 4 cells/.exec(down.stderr)![1]!;
      expect((await cli(['sweep', 'list', '--json'], { dataDir: dir })).json().sweeps.find((s: { sweep_id: string }) => s.sweep_id === id).status).toBe(
        'stopped',
      );
      await redis.restart();
      const resumed = await cli(['sweep', '--resume', id, '--json'], { dataDir: dir, env: { LUCKYFIVE_QUEUE_URL: redis.url } });
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.json()).toMatchObject({ status: 'completed', cells_done: 4 });
      expect(runRowsOf(dir, id).map((x) => x.n)).toEqual([1, 1, 1, 1]);
      expect(await figuresOf(dir, id)).toEqual(local);
    } finally {
      for (const w of ws) await killWorker(w);
      await redis.stop();
      dropRedisDir();
    }
  }, 120_000);

  it('[14.6.4] the coordinator killed (kill -9) while workers run: --resume collects what finished meanwhile, no cell runs twice, same results', async () => {
    const redis = await startRedis();
    const ws: TestWorker[] = [];
    try {
      for (const name of ['c1', 'c2']) ws.push(await startWorker(['--queue', redis.url, '--threads', '1', '--name', name]));
      const logs = () => ws.map((w) => w.stderr()).join('\n');
      const coordinator = spawnCli(args(), { LUCKYFIVE_DATA_DIR: dir, LUCKYFIVE_QUEUE_URL: redis.url });
      await expect.poll(() => logs(), { timeout: 30_000, interval: 20 }).toMatch(/run \S+ taken/);
      await killChild(coordinator);
      const id = /sweep (sw-\S+): 4 cells/.exec(coordinator.stderr())![1]!;
      // the workers go on with every queued cell
      await expect.poll(() => doneCounts(logs()).size, { timeout: 60_000, interval: 100 }).toBe(4);
      const r = await cli(['sweep', '--resume', id, '--json'], { dataDir: dir, env: { LUCKYFIVE_QUEUE_URL: redis.url } });
      expect(r.code, r.stderr).toBe(0);
      expect(r.json()).toMatchObject({ status: 'completed', cells_done: 4 });
      expect([...doneCounts(logs()).values()]).toEqual([1, 1, 1, 1]);
      expect(runRowsOf(dir, id).map((x) => x.n)).toEqual([1, 1, 1, 1]);
      expect(await figuresOf(dir, id)).toEqual(local);
      // collected results are removed from Redis
      const q = new Queue(RUN_QUEUE, { connection: { host: '127.0.0.1', port: redis.port } });
      try {
        expect(await q.getJobCounts('completed', 'waiting', 'active', 'failed')).toEqual({ completed: 0, waiting: 0, active: 0, failed: 0 });
      } finally {
        await q.close();
      }
    } finally {
      for (const w of ws) await killWorker(w);
      await redis.stop();
    }
  }, 120_000);

  it('[14.6.5] two coordinators on the same sweep: the second gets exit 5 (E_BUSY); Ctrl-C detaches the first, whose cells a later --resume collects', async () => {
    const redis = await startRedis(); // no worker yet: the cells wait in Redis
    const env = { LUCKYFIVE_DATA_DIR: dir, LUCKYFIVE_QUEUE_URL: redis.url };
    let w: TestWorker | undefined;
    const first = spawnCli(args(), env);
    try {
      await expect.poll(() => /sweep (sw-\S+): 4 cells/.exec(first.stderr())?.[1], { timeout: 30_000 }).toBeTruthy();
      const id = /sweep (sw-\S+): 4 cells/.exec(first.stderr())![1]!;
      const queued = new Queue(RUN_QUEUE, { connection: { host: '127.0.0.1', port: redis.port } });
      try {
        await expect.poll(() => queued.getWaitingCount(), { timeout: 20_000 }).toBe(4);
      } finally {
        await queued.close();
      }
      const second = await cli(['sweep', '--resume', id], { dataDir: dir, env: { LUCKYFIVE_QUEUE_URL: redis.url } });
      expect(second.code).toBe(5); // E_BUSY
      expect(second.stderr).toContain(`sweep ${id} is being run by process`);
      // Ctrl-C: the first detaches (exit 130), its cells stay queued
      process.kill(first.child.pid!, 'SIGINT');
      expect(await first.exited).toBe(130);
      expect(first.stderr()).toContain(`luckyfive sweep --resume ${id}`);
      // two resumes at once: one runs, the other is refused
      w = await startWorker(['--queue', redis.url, '--threads', '1', '--name', 'late']);
      const [a, b] = await Promise.all([
        cli(['sweep', '--resume', id, '--json'], { dataDir: dir, env: { LUCKYFIVE_QUEUE_URL: redis.url } }),
        new Promise((res) => setTimeout(res, 300)).then(() =>
          cli(['sweep', '--resume', id, '--json'], { dataDir: dir, env: { LUCKYFIVE_QUEUE_URL: redis.url } }),
        ),
      ]);
      expect([a.code, b.code].sort()).toEqual([0, 5]);
      const ok = a.code === 0 ? a : b;
      expect(ok.json()).toMatchObject({ status: 'completed', cells_done: 4, cells_run: 0 });
      expect([...doneCounts(w.stderr()).values()]).toEqual([1, 1, 1, 1]);
      expect(await figuresOf(dir, id)).toEqual(local);
    } finally {
      await killChild(first);
      if (w) await stopWorker(w);
      await redis.stop();
    }
  }, 120_000);

  it('[14.6.6] cells refused by the worker (another engine version, draws off their dataset hash): failed with the code named, exit 6, nothing registered for them', async () => {
    const redis = await startRedis();
    let w: TestWorker | undefined;
    try {
      const sweep = cli(args(), { dataDir: dir, env: { LUCKYFIVE_QUEUE_URL: redis.url } });
      const q = new Queue<RemoteRunPayload>(RUN_QUEUE, { connection: { host: '127.0.0.1', port: redis.port } });
      try {
        await expect.poll(() => q.getWaitingCount(), { timeout: 20_000 }).toBe(4);
        // what a coordinator on another engine version, or with other draws, would have queued
        const jobs = (await q.getWaiting()).sort((x, y) => (x.data.request.name! < y.data.request.name! ? -1 : 1));
        await jobs[0]!.updateData({ ...jobs[0]!.data, engine_version: 'luckyfive-engine/0' });
        const draws = jobs[2]!.data.draws.map((d) => [...d] as typeof d);
        draws[5]![2] = [1, 2, 3, 4, 5];
        await jobs[2]!.updateData({ ...jobs[2]!.data, draws });
      } finally {
        await q.close();
      }
      w = await startWorker(['--queue', redis.url, '--threads', '1', '--name', 'strict']);
      const r = await sweep;
      expect(r.code, r.stderr).toBe(6);
      expect(r.stderr).toMatch(/cell 0 \(alpha=0\.2 history=30\): E_CONFLICT: the worker refused run \S+: run \S+ was planned for engine luckyfive-engine\/0/);
      expect(r.stderr).toMatch(/cell 2 \(alpha=0\.5 history=30\): E_DATA_INVALID: the worker refused run \S+: run \S+: the draws sent do not hash/);
      const id = /sweep (sw-[a-z0-9-]+)/.exec(r.stderr)![1]!;
      const cells = cellsOf(dir, id);
      expect(cells.map((c) => c.status)).toEqual(['failed', 'completed', 'failed', 'completed']);
      const registered = runRowsOf(dir, id).map((x) => x.run_id);
      expect(registered).toHaveLength(2);
      expect(registered).not.toContain(cells[0]!.run_id);
      expect(registered).not.toContain(cells[2]!.run_id);
      // refused at once, never retried
      expect(w.stderr().match(/refused: E_/g)).toHaveLength(2);
    } finally {
      if (w) await stopWorker(w);
      await redis.stop();
    }
  }, 90_000);
});
