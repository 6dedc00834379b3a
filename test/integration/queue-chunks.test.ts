// One long simulate split into contest chunks across workers (issue 14): `simulate --chunks N`
// with `queue_url` against two `luckyfive worker` child processes on a real redis-server on a
// free port (skipped with a message when it is not installed, a failure under
// LUCKYFIVE_REQUIRE_SHARED=1).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUN_QUEUE } from '../../src/engine/queue/connection.js';
import { runChunksOnQueue } from '../../src/engine/queue/chunks.js';
import { submitRemoteRun } from '../../src/engine/queue/submit.js';
import { openCatalog } from '../../src/store/catalog.js';
import { resolveRun } from '../../src/usecases/runs-start.js';
import { cli, tempDir } from '../helpers/cli.js';
import { makeDraws, seedDraws } from '../helpers/draws.js';
import { type TestWorker, startWorker, stopWorker } from '../helpers/queue.js';
import { haveRedisServer, startRedis, type TestRedis } from '../helpers/redis.js';
import { writeRecipe } from '../helpers/recipes.js';

// frequency: each contest's tickets depend on its history window, so a chunk planned on the wrong draws would show
const RECIPE = { version: '2', name: 'chunky', strategy: 'frequency', tickets: 5, numbers_per_ticket: 6, history: 40, seed: 21 };

/** A report without what differs between two runs of the same request. */
function reportOf(report: Record<string, unknown>): Record<string, unknown> {
  const { run_id: _id, file: _file, started_at: _s, finished_at: _f, created_at: _c, duration_ms: _d, elapsed_ms: _e, ...rest } = report;
  return rest;
}

/** A run's index row without what differs between two runs of the same request. */
function rowOf(row: Record<string, unknown>): Record<string, unknown> {
  const { run_id: _id, created_at: _c, started_at: _s, finished_at: _f, file: _file, owner: _o, ...rest } = row;
  return rest;
}

describe.skipIf(!haveRedisServer())('simulate split into contest chunks across workers', () => {
  let redis: TestRedis;
  let dir: string;
  let cleanup: () => void;
  let recipeFile: string;
  const workers: TestWorker[] = [];
  const onQueue = () => ({ LUCKYFIVE_QUEUE_URL: redis.url });
  // what runs/ holds besides the -wal/-shm files readers leave beside a run file
  const runFiles = () =>
    readdirSync(join(dir, 'runs'))
      .filter((f) => !/-(wal|shm)$/.test(f))
      .sort();

  beforeAll(async () => {
    redis = await startRedis();
    ({ dir, cleanup } = tempDir());
    // 4150 and 4151 are missing: reported by the run, never the edge of a chunk
    seedDraws(
      dir,
      makeDraws(4001, 4300).filter((d) => d.contest !== 4150 && d.contest !== 4151),
    );
    recipeFile = writeRecipe(dir, 'chunky', RECIPE);
    workers.push(await startWorker(['--queue', redis.url, '--threads', '1', '--name', 'w1']));
    workers.push(await startWorker(['--queue', redis.url, '--threads', '1', '--name', 'w2']));
  }, 60_000);
  afterAll(async () => {
    for (const w of workers) await stopWorker(w);
    await redis?.stop();
    cleanup?.();
  });

  it('[14.3.5] simulate --chunks 3 on two workers gives the same run as the same simulate locally', async () => {
    const args = ['simulate', '--recipe', recipeFile, '--from', '4101', '--to', '4260', '--json'];
    const local = await cli(args, { dataDir: dir });
    expect(local.code, local.stderr).toBe(0);
    const split = await cli([...args.slice(0, -1), '--chunks', '3', '--ndjson'], { dataDir: dir, env: onQueue() });
    expect(split.code, split.stderr).toBe(0);
    const events = split.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const a = local.json();
    const b = events.at(-1)!;
    expect(b.type).toBe('summary');
    expect(b.run_id).not.toBe(a.run_id);
    expect(b.status).toBe('completed');
    expect(b.missing_contests).toEqual([4150, 4151]);
    const { type: _t, ...report } = b;
    expect(reportOf(report)).toEqual(reportOf(a));
    // one run_start, then every contest once, in contest order
    expect(events.filter((e) => e.type === 'run_start')).toHaveLength(1);
    const contests = events.filter((e) => e.type === 'contest').map((e) => e.contest as number);
    expect(contests).toHaveLength(158);
    expect(contests).toEqual([...contests].sort((x, y) => x - y));
    // every ticket and per-contest row the same
    const exportOf = async (id: string, ...more: string[]) => (await cli(['runs', 'export', id, '--format', 'csv', ...more], { dataDir: dir })).stdout;
    const ticketsA = await exportOf(a.run_id);
    expect(ticketsA.split('\n').length).toBeGreaterThan(158 * 5);
    expect(await exportOf(b.run_id as string)).toBe(ticketsA);
    const shown = async (id: string) => {
      const r = (await cli(['runs', 'show', id, '--json'], { dataDir: dir })).json();
      return reportOf(r);
    };
    expect(await shown(b.run_id as string)).toEqual(await shown(a.run_id));
    const rows = (await cli(['runs', 'list', '--json'], { dataDir: dir })).json().runs as Array<Record<string, unknown>>;
    expect(rowOf(rows.find((r) => r.run_id === b.run_id)!)).toEqual(rowOf(rows.find((r) => r.run_id === a.run_id)!));
    const verify = await cli(['runs', 'verify', b.run_id as string, '--all', '--json'], { dataDir: dir });
    expect(verify.code, verify.stdout).toBe(0);
    // the three chunks went through the queue, each taken by a worker; nothing else is left in runs/
    const taken = workers.flatMap((w) => [...w.stderr().matchAll(/run (\S+-c\dof3) taken/g)].map((m) => m[1]!));
    expect(taken.sort()).toEqual([1, 2, 3].map((k) => `${b.run_id as string}-c${k}of3`));
    console.info(`chunks taken: ${workers.map((w, i) => `w${i + 1} ${(w.stderr().match(/-c\dof3 taken/g) ?? []).length}`).join(', ')}`);
    expect(runFiles()).toEqual([`${a.run_id}.sqlite`, `${b.run_id as string}.sqlite`].sort());
  }, 60_000);

  it('[14.3.6] a chunk a worker refuses fails the run naming it, with its code; nothing is registered or left in runs/', async () => {
    const before = (await cli(['runs', 'list', '--json'], { dataDir: dir })).json().count as number;
    const files = runFiles();
    const catalog = openCatalog(dir);
    try {
      const resolved = resolveRun({ catalog }, { request: { recipe_file: recipeFile, from: 4201, to: 4290 }, cwd: dir });
      // chunk 2 is planned for another engine: its worker refuses it, the others are real
      const submit: typeof submitRemoteRun = (url, payload, opts) =>
        submitRemoteRun(url, payload.run_id.endsWith('-c2of3') ? { ...payload, engine_version: 'luckyfive-engine/1' } : payload, opts);
      await expect(
        runChunksOnQueue({ catalog, queue_url: redis.url, now: () => new Date(), submit }, resolved, '20260101-000000-c4c4c4', 3),
      ).rejects.toMatchObject({
        code: 'E_CONFLICT',
        message: expect.stringMatching(/^chunk 2 of 3 \(contests 4231\.\.4260\) of run 20260101-000000-c4c4c4: .*planned for engine luckyfive-engine\/1/),
      });
    } finally {
      catalog.close();
    }
    expect((await cli(['runs', 'list', '--json'], { dataDir: dir })).json().count).toBe(before);
    expect(runFiles()).toEqual(files);
    expect(workers.map((w) => w.stderr()).join('')).toContain('run 20260101-000000-c4c4c4-c2of3 refused: E_CONFLICT');
  }, 60_000);

  it('[14.3.8] Ctrl-C while the chunks wait in the queue withdraws every one of them (E_INTERRUPTED); nothing is registered', async () => {
    const lonely = await startRedis(); // a queue without workers
    const catalog = openCatalog(dir);
    const queue = new Queue(RUN_QUEUE, { connection: { host: '127.0.0.1', port: lonely.port } });
    try {
      const before = (await cli(['runs', 'list', '--json'], { dataDir: dir })).json().count as number;
      const files = runFiles();
      const resolved = resolveRun({ catalog }, { request: { recipe_file: recipeFile, from: 4201, to: 4290 }, cwd: dir });
      const abort = new AbortController();
      const run = runChunksOnQueue({ catalog, queue_url: lonely.url, now: () => new Date(), signal: abort.signal }, resolved, '20260101-000000-ab0b0b', 3);
      await expect.poll(() => queue.getJobCounts('waiting').then((c) => c.waiting), { timeout: 10_000 }).toBe(3);
      abort.abort();
      await expect(run).rejects.toMatchObject({ code: 'E_INTERRUPTED', message: expect.stringContaining('run 20260101-000000-ab0b0b was withdrawn') });
      expect(await queue.getJobCounts('waiting', 'active', 'delayed')).toEqual({ waiting: 0, active: 0, delayed: 0 });
      expect((await cli(['runs', 'list', '--json'], { dataDir: dir })).json().count).toBe(before);
      expect(runFiles()).toEqual(files);
    } finally {
      await queue.close();
      catalog.close();
      await lonely.stop();
    }
  }, 30_000);

  it('[14.3.7] --chunks without a queue, or above the run contest count, is E_USAGE', async () => {
    const none = await cli(['simulate', '--recipe', recipeFile, '--last', '5', '--chunks', '2'], { dataDir: dir });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--chunks splits a run across queue workers: set queue_url');
    const many = await cli(['simulate', '--recipe', recipeFile, '--last', '5', '--chunks', '6'], { dataDir: dir, env: onQueue() });
    expect(many.code).toBe(2);
    expect(many.stderr).toContain("--chunks must be at most the run's 5 contest(s), got 6");
    const zero = await cli(['simulate', '--recipe', recipeFile, '--last', '5', '--chunks', '0'], { dataDir: dir, env: onQueue() });
    expect(zero.code).toBe(2);
    const resume = await cli(['simulate', '--resume', '20260101-000000-abcdef', '--chunks', '2'], { dataDir: dir });
    expect(resume.code).toBe(2);
  });
});
