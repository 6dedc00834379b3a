// Sweeps through the BullMQ queue (issue 14): the sweep a flow of cell jobs on `luckyfive worker`
// child processes, on a real redis-server on a free port (skipped with a message when it is not
// installed, a failure under LUCKYFIVE_REQUIRE_SHARED=1). Faults are in queue-sweep-faults.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../helpers/cli.js';
import { makeDraws, seedDraws } from '../helpers/draws.js';
import { type TestWorker, startWorker, stopWorker } from '../helpers/queue.js';
import { SWEEP_RECIPE, cellsOf, figuresOf, runRowsOf, sweepArgs } from '../helpers/queue-sweep.js';
import { writeRecipe } from '../helpers/recipes.js';
import { haveRedisServer, startRedis, type TestRedis } from '../helpers/redis.js';

describe.skipIf(!haveRedisServer())('sweeps through the run queue', () => {
  let redis: TestRedis;
  let dir: string;
  let cleanup: () => void;
  let recipe: string;
  let local: { show: unknown; tickets: Record<number, string> };
  const workers: TestWorker[] = [];
  const onQueue = () => ({ LUCKYFIVE_QUEUE_URL: redis.url });

  beforeAll(async () => {
    redis = await startRedis();
    ({ dir, cleanup } = tempDir());
    seedDraws(dir, makeDraws(4001, 4200));
    recipe = writeRecipe(dir, 'sweepy', SWEEP_RECIPE);
    const l = await cli(sweepArgs(recipe), { dataDir: dir });
    expect(l.code, l.stderr).toBe(0);
    local = await figuresOf(dir, l.json().sweep_id);
    workers.push(await startWorker(['--queue', redis.url, '--threads', '1', '--name', 'w1']));
  }, 60_000);
  afterAll(async () => {
    for (const w of workers) await stopWorker(w);
    await redis?.stop();
    cleanup?.();
  });

  it('[14.1.1] a sweep on the queue, with 1 worker then 2, gives the figures and tickets of the same sweep run locally', async () => {
    expect(Object.keys(local.tickets)).toHaveLength(4);
    const one = await cli(sweepArgs(recipe), { dataDir: dir, env: onQueue() });
    expect(one.code, one.stderr).toBe(0);
    expect(one.json()).toMatchObject({ status: 'completed', cells_total: 4, cells_done: 4, cells_run: 4, failed_cells: [] });
    expect(await figuresOf(dir, one.json().sweep_id)).toEqual(local);
    // every cell run is registered once, as a cell run of its sweep, and its job is gone from Redis
    const rows = runRowsOf(dir, one.json().sweep_id);
    expect(rows).toHaveLength(4);
    for (const r of rows) expect(r).toMatchObject({ sweep_id: one.json().sweep_id, status: 'completed', n: 1 });
    expect(workers[0]!.stderr()).toContain(`${rows[0]!.run_id} done`);

    workers.push(await startWorker(['--queue', redis.url, '--threads', '1', '--name', 'w2']));
    const two = await cli(sweepArgs(recipe), { dataDir: dir, env: onQueue() });
    expect(two.code, two.stderr).toBe(0);
    expect(await figuresOf(dir, two.json().sweep_id)).toEqual(local);
    // the cells were shared: each worker ran at least one
    for (const w of workers) expect(w.stderr()).toMatch(/run \S+ done/);
    const listed = await cli(['runs', 'list', '--sweep', two.json().sweep_id, '--json'], { dataDir: dir });
    expect(listed.json().count).toBe(4);
  }, 120_000);

  it('[14.1.2] --max-cells on the queue queues that many cells; --resume queues only the rest and never a cell twice', async () => {
    const first = await cli([...sweepArgs(recipe, { name: 'limited' }), '--max-cells', '1'], { dataDir: dir, env: onQueue() });
    expect(first.code, first.stderr).toBe(0);
    const id = first.json().sweep_id as string;
    expect(first.json()).toMatchObject({ status: 'stopped', complete: false, cells_done: 1, cells_run: 1, stop_reason: 'max_cells' });
    const doneFirst = cellsOf(dir, id).filter((c) => c.status === 'completed');
    expect(doneFirst).toHaveLength(1);
    const second = await cli(['sweep', '--resume', id, '--json', '--queue', redis.url], { dataDir: dir });
    expect(second.code, second.stderr).toBe(0);
    expect(second.json()).toMatchObject({ status: 'completed', cells_done: 4, cells_skipped: 1, cells_run: 3 });
    // the first cell kept its run; every cell ran once on the workers
    expect(cellsOf(dir, id).find((c) => c.cell_index === doneFirst[0]!.cell_index)!.run_id).toBe(doneFirst[0]!.run_id);
    const logs = workers.map((w) => w.stderr()).join('\n');
    for (const c of cellsOf(dir, id)) expect(logs.split(`run ${c.run_id} done`).length - 1).toBe(1);
    expect((await figuresOf(dir, id)).tickets).toEqual(local.tickets);
  }, 120_000);

  it('[14.1.3] --deadline on the queue: no cell starts after it, the coordinator stops within seconds, --resume completes with the local figures', async () => {
    const started = Date.now();
    const r = await cli([...sweepArgs(recipe, { name: 'deadline', alphas: '0.2,0.3,0.5', last: 150 }), '--deadline', '2s'], { dataDir: dir, env: onQueue() });
    expect(r.code, r.stderr).toBe(0);
    console.info(`queued sweep with --deadline 2s returned after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const id = r.json().sweep_id as string;
    expect(r.json()).toMatchObject({ status: 'stopped', complete: false, stop_reason: 'deadline' });
    // the cells not done are pending or (stopping on a worker) running: none is lost
    for (const c of cellsOf(dir, id)) expect(['completed', 'pending', 'running']).toContain(c.status);
    const resumed = await cli(['sweep', '--resume', id, '--json'], { dataDir: dir, env: onQueue() });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.json()).toMatchObject({ status: 'completed', cells_done: 6 });
    const local6 = await cli(sweepArgs(recipe, { name: 'deadline', alphas: '0.2,0.3,0.5', last: 150 }), { dataDir: dir });
    expect(await figuresOf(dir, id)).toEqual(await figuresOf(dir, local6.json().sweep_id));
  }, 120_000);

  it('[14.1.4] a sweep with a holdout on the queue: cells on the workers, the holdout here; the same figures as locally', async () => {
    const withHoldout = [
      'sweep',
      '--recipe',
      recipe,
      '--param',
      'alpha=0.2,0.5',
      '--from',
      '4121',
      '--to',
      '4150',
      '--holdout-from',
      '4171',
      '--holdout-to',
      '4200',
      '--holdout-top',
      '1',
      '--name',
      'holdout',
      '--json',
    ];
    const l = await cli(withHoldout, { dataDir: dir });
    expect(l.code, l.stderr).toBe(0);
    const q = await cli(withHoldout, { dataDir: dir, env: onQueue() });
    expect(q.code, q.stderr).toBe(0);
    expect(q.json()).toMatchObject({ status: 'completed', cells_done: 2 });
    const [a, b] = [await figuresOf(dir, l.json().sweep_id), await figuresOf(dir, q.json().sweep_id)];
    expect((b.show as { best: { holdout: unknown } }).best.holdout).not.toBeNull();
    expect(b).toEqual(a);
  }, 120_000);
});
