// Runs through the BullMQ queue (issue 14, first slice): `simulate` with `queue_url` against
// `luckyfive worker` child processes, on a real redis-server on a free port (skipped with a
// message when it is not installed, a failure under LUCKYFIVE_REQUIRE_SHARED=1).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUN_QUEUE } from '../../src/engine/queue/connection.js';
import { ENGINE_VERSION } from '../../src/engine/run-types.js';
import { buildRemotePayload, cancelRemoteRun, submitRemoteRun } from '../../src/engine/queue/submit.js';
import { resolveRun } from '../../src/usecases/runs-start.js';
import { openCatalog } from '../../src/store/catalog.js';
import { cli, tempDir } from '../helpers/cli.js';
import { makeDraws, seedDraws } from '../helpers/draws.js';
import { type TestWorker, startWorker, stopWorker } from '../helpers/queue.js';
import { haveRedisServer, startRedis, type TestRedis } from '../helpers/redis.js';
import { SLOW_RECIPE, writeRecipe } from '../helpers/recipes.js';

/** A run's index row without what differs between two runs of the same request. */
function rowOf(row: Record<string, unknown>): Record<string, unknown> {
  const { run_id: _id, created_at: _c, started_at: _s, finished_at: _f, file: _file, owner: _o, ...rest } = row;
  return rest;
}

function reportOf(report: Record<string, unknown>): Record<string, unknown> {
  const { run_id: _id, file: _file, started_at: _s, finished_at: _f, created_at: _c, duration_ms: _d, elapsed_ms: _e, ...rest } = report;
  return rest;
}

describe.skipIf(!haveRedisServer())('simulate through the run queue', () => {
  let redis: TestRedis;
  let dir: string;
  let cleanup: () => void;
  let recipeFile: string;
  let worker: TestWorker;
  const onQueue = () => ({ LUCKYFIVE_QUEUE_URL: redis.url });

  beforeAll(async () => {
    redis = await startRedis();
    ({ dir, cleanup } = tempDir());
    seedDraws(dir, makeDraws(4001, 4400));
    recipeFile = join(dir, 'quick.json');
    writeFileSync(recipeFile, JSON.stringify({ version: '2', name: 'quick', strategy: 'random', tickets: 6, numbers_per_ticket: 7, history: 50, seed: 7 }));
    worker = await startWorker(['--queue', redis.url, '--threads', '2', '--name', 'w1']);
  }, 30_000);
  afterAll(async () => {
    if (worker) await stopWorker(worker);
    await redis?.stop();
    cleanup?.();
  });

  it('[14.1] a simulate through the queue gives the same run as the same simulate locally', async () => {
    const args = ['simulate', '--recipe', recipeFile, '--from', '4101', '--to', '4300', '--json'];
    const local = await cli(args, { dataDir: dir });
    expect(local.code, local.stderr).toBe(0);
    const queued = await cli(args, { dataDir: dir, env: onQueue() });
    expect(queued.code, queued.stderr).toBe(0);
    const a = local.json();
    const b = queued.json();
    expect(b.run_id).not.toBe(a.run_id);
    expect(b.status).toBe('completed');
    expect(reportOf(b)).toEqual(reportOf(a));
    const exportOf = async (id: string) => (await cli(['runs', 'export', id, '--format', 'csv'], { dataDir: dir })).stdout;
    const ticketsA = await exportOf(a.run_id);
    expect(ticketsA.split('\n').length).toBeGreaterThan(200 * 6);
    expect(await exportOf(b.run_id)).toBe(ticketsA);
    const rows = (await cli(['runs', 'list', '--json'], { dataDir: dir })).json().runs as Array<Record<string, unknown>>;
    const rowA = rows.find((r) => r.run_id === a.run_id)!;
    const rowB = rows.find((r) => r.run_id === b.run_id)!;
    expect(rowOf(rowB)).toEqual(rowOf(rowA));
    const verify = await cli(['runs', 'verify', b.run_id, '--all', '--json'], { dataDir: dir });
    expect(verify.code, verify.stdout).toBe(0);
    // the worker said what it did, and how big the run file it returned was
    const done = /run (\S+) done: (\d+) contests in [\d.]+ s, run file (\d+) bytes, (\d+) gzip/.exec(worker.stderr());
    expect(done?.[1]).toBe(b.run_id);
    const [contests, bytes, gz] = [Number(done![2]), Number(done![3]), Number(done![4])];
    console.info(`queued run file: ${bytes} bytes (${Math.round(bytes / contests)} per contest), ${gz} gzip (${Math.round(gz / contests)} per contest)`);
  }, 60_000);

  it('[14.1] --resume with a queue is refused with E_USAGE', async () => {
    const r = await cli(['simulate', '--resume', '20260101-000000-abcdef'], { dataDir: dir, env: onQueue() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unset queue_url');
  });

  it('[14.2] a worker refuses another engine version and draws that do not hash to the dataset hash; nothing is registered', async () => {
    const catalog = openCatalog(dir);
    try {
      const resolved = resolveRun({ catalog }, { request: { recipe_file: recipeFile, from: 4301, to: 4320 }, cwd: dir });
      const before = (await cli(['runs', 'list', '--json'], { dataDir: dir })).json().count as number;
      const older = { ...buildRemotePayload(catalog, resolved, 'queue-test-engine'), engine_version: 'luckyfive-engine/1' };
      await expect(submitRemoteRun(redis.url, older)).rejects.toMatchObject({
        code: 'E_CONFLICT',
        message: expect.stringContaining(`planned for engine luckyfive-engine/1, this worker runs ${ENGINE_VERSION}`),
      });
      const tampered = buildRemotePayload(catalog, resolved, 'queue-test-draws');
      tampered.draws[10]![2] = [1, 2, 3, 4, 5];
      await expect(submitRemoteRun(redis.url, tampered)).rejects.toMatchObject({
        code: 'E_DATA_INVALID',
        message: expect.stringContaining('do not hash to the dataset hash'),
      });
      expect((await cli(['runs', 'list', '--json'], { dataDir: dir })).json().count).toBe(before);
      expect(worker.stderr()).toContain('run queue-test-engine refused: E_CONFLICT');
    } finally {
      catalog.close();
    }
  }, 30_000);

  it('[14.3] worker: E_NOT_CONFIGURED without a queue URL, E_QUEUE_DOWN when Redis does not answer, exit 0 on SIGTERM while idle', async () => {
    const none = await cli(['worker'], { dataDir: dir });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no run queue is configured');
    const down = await cli(['worker', '--queue', 'redis://127.0.0.1:1'], { dataDir: dir });
    expect(down.code).toBe(9); // E_QUEUE_DOWN
    expect(down.stderr).toContain('queue_url: Redis at 127.0.0.1:1 does not answer');
    const idle = await startWorker(['--threads', '1', '--name', 'idle'], onQueue());
    expect(await stopWorker(idle)).toBe(0);
    expect(idle.stderr()).toContain('idle: stopped after 0 run(s) done');
    // a simulate whose queue does not answer is refused before anything is registered
    const sim = await cli(['simulate', '--recipe', recipeFile, '--last', '5'], { dataDir: dir, env: { LUCKYFIVE_QUEUE_URL: 'redis://127.0.0.1:1' } });
    expect(sim.code).toBe(9); // E_QUEUE_DOWN
    expect(sim.stderr).toContain('does not answer');
  }, 30_000);

  it('aborting a queued run no worker has taken withdraws it from the queue (E_INTERRUPTED)', async () => {
    const lonely = await startRedis(); // a queue without workers
    const catalog = openCatalog(dir);
    try {
      const resolved = resolveRun({ catalog }, { request: { recipe_file: recipeFile, from: 4301, to: 4310 }, cwd: dir });
      const abort = new AbortController();
      const submitted = submitRemoteRun(lonely.url, buildRemotePayload(catalog, resolved, 'queue-test-abort'), {
        signal: abort.signal,
        onQueued: () => abort.abort(),
      });
      await expect(submitted).rejects.toMatchObject({ code: 'E_INTERRUPTED' });
      const queue = new Queue(RUN_QUEUE, { connection: { host: '127.0.0.1', port: lonely.port } });
      try {
        expect(await queue.getJob('queue-test-abort')).toBeUndefined();
      } finally {
        await queue.close();
      }
    } finally {
      catalog.close();
      await lonely.stop();
    }
  }, 30_000);

  it('SIGTERM while a run is executing: the worker finishes it, returns it, then exits 0', async () => {
    const own = await startRedis(); // this worker alone takes the run
    const slow = writeRecipe(dir, 'slow', SLOW_RECIPE);
    const catalog = openCatalog(dir);
    const draining = await startWorker(['--queue', own.url, '--threads', '2', '--name', 'drain']);
    try {
      const resolved = resolveRun({ catalog }, { request: { recipe_file: slow, from: 4101, to: 4400 }, cwd: dir });
      const payload = buildRemotePayload(catalog, resolved, 'queue-test-drain');
      const result = submitRemoteRun(own.url, payload);
      await expect.poll(() => draining.stderr(), { timeout: 10_000 }).toContain('run queue-test-drain taken');
      process.kill(draining.child.pid!, 'SIGTERM');
      await expect(result).resolves.toMatchObject({ run_id: 'queue-test-drain', contests: 300 });
      expect(await draining.exited).toBe(0);
      expect(draining.stderr()).toContain('drain: stopped after 1 run(s) done');
    } finally {
      await stopWorker(draining);
      catalog.close();
      await own.stop();
    }
  }, 60_000);

  it('[14.4] two workers, two simulations at once: both complete and register', async () => {
    const second = await startWorker(['--queue', redis.url, '--threads', '1', '--name', 'w2']);
    try {
      const run = (from: number, to: number) =>
        cli(['simulate', '--recipe', recipeFile, '--from', String(from), '--to', String(to), '--seed', String(from), '--json'], {
          dataDir: dir,
          env: onQueue(),
        });
      const [x, y] = await Promise.all([run(4201, 4300), run(4301, 4400)]);
      expect(x.code, x.stderr).toBe(0);
      expect(y.code, y.stderr).toBe(0);
      const rows = (await cli(['runs', 'list', '--json'], { dataDir: dir })).json().runs as Array<Record<string, unknown>>;
      for (const id of [x.json().run_id, y.json().run_id]) expect(rows.find((r) => r.run_id === id)?.status).toBe('completed');
    } finally {
      expect(await stopWorker(second)).toBe(0);
    }
  }, 60_000);

  it('[14.2.1] a coordinator on another connection cancels a running run: its worker stops it at a contest boundary and takes the next', async () => {
    const own = await startRedis();
    const slow = writeRecipe(dir, 'slow', SLOW_RECIPE);
    const catalog = openCatalog(dir);
    const w = await startWorker(['--queue', own.url, '--threads', '2', '--name', 'cancelme']);
    try {
      const resolved = resolveRun({ catalog }, { request: { recipe_file: slow, from: 4101, to: 4400 }, cwd: dir });
      const holders: string[] = [];
      const progress: number[] = [];
      const running = submitRemoteRun(own.url, buildRemotePayload(catalog, resolved, 'queue-test-cancel'), {
        onActive: (name) => holders.push(name),
        onProgress: (p) => progress.push(p.done),
      });
      running.catch(() => undefined);
      await expect.poll(() => progress.length, { timeout: 15_000 }).toBeGreaterThan(0);
      expect(holders).toEqual(['cancelme']);
      expect(await cancelRemoteRun(own.url, 'queue-test-cancel')).toBe('stopping');
      await expect(running).rejects.toMatchObject({ code: 'E_INTERRUPTED' });
      expect(w.stderr()).toContain('run queue-test-cancel cancelled by its coordinator');
      // still serving: the next run completes
      const next = buildRemotePayload(
        catalog,
        resolveRun({ catalog }, { request: { recipe_file: recipeFile, from: 4391, to: 4400 }, cwd: dir }),
        'queue-test-after',
      );
      await expect(submitRemoteRun(own.url, next)).resolves.toMatchObject({ run_id: 'queue-test-after', contests: 10 });
      expect(await cancelRemoteRun(own.url, 'queue-test-after')).toBe('gone');
    } finally {
      await stopWorker(w);
      catalog.close();
      await own.stop();
    }
  }, 60_000);

  it('[14.2.2] a run whose not_after has passed is refused by the worker, without retry', async () => {
    const catalog = openCatalog(dir);
    try {
      const payload = {
        ...buildRemotePayload(catalog, resolveRun({ catalog }, { request: { recipe_file: recipeFile, from: 4391, to: 4400 }, cwd: dir }), 'queue-test-late'),
        not_after: new Date(Date.now() - 1000).toISOString(),
      };
      await expect(submitRemoteRun(redis.url, payload)).rejects.toMatchObject({ code: 'E_INTERRUPTED', message: expect.stringContaining('deadline') });
      expect(worker.stderr()).toContain('run queue-test-late stopped: E_INTERRUPTED');
    } finally {
      catalog.close();
    }
  }, 30_000);

  it('[14.2.3] Redis gone for longer than the patience: the coordinator and the worker give up with E_QUEUE_DOWN (exit 9)', async () => {
    const doomed = await startRedis();
    const slow = writeRecipe(dir, 'slow', SLOW_RECIPE);
    const catalog = openCatalog(dir);
    const w = await startWorker(['--queue', doomed.url, '--threads', '1', '--name', 'orphan'], { LUCKYFIVE_QUEUE_PATIENCE: '2' });
    try {
      const resolved = resolveRun({ catalog }, { request: { recipe_file: slow, from: 4101, to: 4400 }, cwd: dir });
      const lines: string[] = [];
      const waiting = submitRemoteRun(doomed.url, buildRemotePayload(catalog, resolved, 'queue-test-down'), { patience_ms: 2_000, log: (l) => lines.push(l) });
      waiting.catch(() => undefined);
      await expect.poll(() => w.stderr(), { timeout: 15_000 }).toContain('run queue-test-down taken');
      await doomed.stop();
      await expect(waiting).rejects.toMatchObject({ code: 'E_QUEUE_DOWN' });
      expect(lines.join('\n')).toMatch(/is unreachable; retrying for up to 2 s/);
      expect(await w.exited).toBe(9);
      expect(w.stderr()).toContain('has been unreachable for 2 s: giving up');
    } finally {
      await stopWorker(w);
      catalog.close();
      await doomed.stop();
    }
  }, 60_000);

  it('[14.2.4] Redis restarted while a run executes (with its append-only file): the worker and the coordinator carry on, the result arrives once', async () => {
    const { dir: redisDir, cleanup: dropRedisDir } = tempDir();
    const durable = await startRedis({ persistDir: redisDir });
    const catalog = openCatalog(dir);
    const w = await startWorker(['--queue', durable.url, '--threads', '2', '--name', 'survivor']);
    try {
      const slow = writeRecipe(dir, 'slow', SLOW_RECIPE);
      const resolved = resolveRun({ catalog }, { request: { recipe_file: slow, from: 4201, to: 4400 }, cwd: dir });
      const lines: string[] = [];
      const waiting = submitRemoteRun(durable.url, buildRemotePayload(catalog, resolved, 'queue-test-restart'), { log: (l) => lines.push(l), poll_ms: 500 });
      waiting.catch(() => undefined);
      await expect.poll(() => w.stderr(), { timeout: 15_000 }).toContain('run queue-test-restart taken');
      await durable.stop();
      await new Promise((r) => setTimeout(r, 1_500));
      await durable.restart();
      const result = await waiting;
      expect(result).toMatchObject({ run_id: 'queue-test-restart', contests: 200 });
      expect(lines.join('\n')).toMatch(/is back after/);
      expect(w.stderr()).toMatch(/survivor: Redis at 127\.0\.0\.1:\d+ is back/);
      // done once: one completion in the worker's log
      expect(w.stderr().split('run queue-test-restart done').length - 1).toBe(1);
    } finally {
      await stopWorker(w);
      catalog.close();
      await durable.stop();
      dropRedisDir();
    }
  }, 90_000);
});
