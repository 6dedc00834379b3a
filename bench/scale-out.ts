// The scale-out suite: the same 16-cell sweep (the `balanced` preset, alpha x history 4x4, the
// last BENCH_CONTESTS contests) run locally on BENCH_THREADS threads, then through the queue with
// 1 worker (BENCH_THREADS threads) and with 2 workers (half the threads each), worker processes
// on this machine and a throwaway redis-server on 127.0.0.1. Reports wall time, cells per second
// and this process's CPU per cell (locally: the pool's threads, i.e. all the work; on the queue:
// the coordinator's own work, the workers being other processes); then the coordinator's overhead per cell in parts: the queue
// round trip of a 1-contest run (queue, take, execute, return, collect), the payload and result
// bytes, and the time to verify and register a returned run file (`registerRemoteRun`).
// Needs redis-server. Run: `npx tsx bench/scale-out.ts`; BENCH_CONTESTS (30), BENCH_THREADS (2), BENCH_ROUND_TRIPS (10).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Redis } from 'ioredis';
import { REMOTE_RUN_VERSION, type RemoteRunResult } from '../src/core/remote-run.js';
import { buildRemotePayload, registerRemoteRun, submitRemoteRun } from '../src/engine/queue/submit.js';
import { createPredictPool } from '../src/engine/pool.js';
import { planRun } from '../src/engine/plan.js';
import { createSweep } from '../src/engine/sweep/create.js';
import { defineSweep } from '../src/engine/sweep/define.js';
import { runSweep } from '../src/engine/sweep/run.js';
import { buildResolvedRequest } from '../src/core/run-request.js';
import { parseRecipe } from '../src/core/recipe/schema.js';
import { openCatalog } from '../src/store/catalog.js';
import { runFilePath } from '../src/store/run-file.js';
import { listCells } from '../src/store/sweeps-repo.js';
import { makeDraws, seedDraws } from '../test/helpers/draws.js';
import { type TestWorker, startWorker, stopWorker } from '../test/helpers/queue.js';
import { haveRedisServer, startRedis } from '../test/helpers/redis.js';

const contests = Number(process.env.BENCH_CONTESTS ?? 30);
const threads = Number(process.env.BENCH_THREADS ?? 2);
const roundTrips = Number(process.env.BENCH_ROUND_TRIPS ?? 10);
if (!haveRedisServer()) {
  console.log('scale-out: redis-server is not installed; skipped');
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), 'lf-bench-scale-'));
seedDraws(dir, makeDraws(4001, 6000));
const catalog = openCatalog(dir);
const now = () => new Date();
const params = ['alpha=0.2,0.35,0.5,0.65', 'history=100,200,300,400'];
const def = defineSweep({ preset: 'balanced', params, range: { last: contests } });
const redis = await startRedis();
const workers: TestWorker[] = [];
const noPool = {
  threads: 0,
  run: () => Promise.reject(new Error('the coordinator runs no cell')),
  close: () => Promise.resolve(),
};

interface Row {
  setup: string;
  wall_s: number;
  cells_per_s: number;
  process_cpu_ms_per_cell: number;
  /** Redis commands processed per cell (every client: coordinator and workers), and its network bytes in and out per cell */
  redis_cmds_per_cell?: number;
  redis_kb_in_per_cell?: number;
  redis_kb_out_per_cell?: number;
}
const probe = new Redis(redis.url);
/** Redis's own counters: commands processed, bytes received and sent. */
const redisStats = async (): Promise<{ cmds: number; inBytes: number; outBytes: number }> => {
  const info = await probe.info('stats');
  const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1] ?? 0);
  return { cmds: field('total_commands_processed'), inBytes: field('total_net_input_bytes'), outBytes: field('total_net_output_bytes') };
};
const rows: Row[] = [];
const sweepOnce = async (setup: string, queue: boolean): Promise<string> => {
  const { sweep_id } = createSweep(catalog, def, { metric: 'mean_hits', holdout_top: 0, now });
  const pool = queue ? noPool : createPredictPool(threads);
  const r0 = queue ? await redisStats() : undefined;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  try {
    const o = await runSweep({ catalog, pool, now }, sweep_id, {
      queue: queue ? { url: redis.url, patience_ms: 60_000, log: (l) => console.log(`  ${l}`) } : undefined,
    });
    if (!o.complete || o.cells_done !== 16) throw new Error(`sweep incomplete: ${JSON.stringify(o)}`);
  } finally {
    if (!queue) await pool.close();
  }
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const r1 = r0 ? await redisStats() : undefined;
  rows.push({
    setup,
    wall_s: Number(wall.toFixed(2)),
    cells_per_s: Number((16 / wall).toFixed(2)),
    process_cpu_ms_per_cell: Number(((c.user + c.system) / 1000 / 16).toFixed(1)),
    ...(r0 && r1
      ? {
          redis_cmds_per_cell: Math.round((r1.cmds - r0.cmds) / 16),
          redis_kb_in_per_cell: Math.round((r1.inBytes - r0.inBytes) / 1024 / 16),
          redis_kb_out_per_cell: Math.round((r1.outBytes - r0.outBytes) / 1024 / 16),
        }
      : {}),
  });
  return sweep_id;
};

try {
  // warm: one local cell-sized run through each path is not needed for the local pool (started per
  // sweep, as a CLI invocation would); the workers are started and warmed by a first round trip
  const localId = await sweepOnce(`local, ${threads} threads`, false);

  workers.push(await startWorker(['--queue', redis.url, '--threads', String(threads), '--name', 'b1']));
  const cell0 = listCells(catalog.db, localId)[0]!;
  const recipe0 = parseRecipe(JSON.parse(cell0.recipe_json!));
  const tinyPlan = planRun(catalog.db, { last: 1 }, recipe0.history);
  const tinyRequest = buildResolvedRequest({
    preset: null,
    recipe_name: null,
    recipe: recipe0,
    from: tinyPlan.first_contest,
    to: tinyPlan.last_contest,
    name: 'round trip',
    threads: null,
    dataset_hash: tinyPlan.dataset_hash,
  });
  const trip = async (i: number) => {
    const payload = buildRemotePayload(catalog, { request: tinyRequest, plan: tinyPlan }, `bench-trip-${process.pid}-${i}`);
    const t0 = performance.now();
    await submitRemoteRun(redis.url, payload, { poll_ms: 1_000 });
    return performance.now() - t0;
  };
  await trip(-1); // warm the worker's threads
  const trips: number[] = [];
  for (let i = 0; i < roundTrips; i++) trips.push(await trip(i));
  trips.sort((a, b) => a - b);

  await sweepOnce(`queue, 1 worker x ${threads} threads`, true);
  await stopWorker(workers.pop()!);
  const half = Math.max(1, Math.floor(threads / 2));
  for (const name of ['b1', 'b2']) workers.push(await startWorker(['--queue', redis.url, '--threads', String(half), '--name', name]));
  await sweepOnce(`queue, 2 workers x ${half} thread(s)`, true);

  // registration of a returned run file, per cell: the local sweep's run files as a worker returns
  // them, registered into fresh catalogs with the same draws: one after another with the check on
  // this thread, then all at once with the check on a pool of `threads` threads (as a queued
  // sweep's coordinator does)
  const reg: number[] = [];
  let payloadBytes = 0;
  let resultBytes = 0;
  let fileBytes = 0;
  const returned = listCells(catalog.db, localId).map((cell) => {
    const recipe = parseRecipe(JSON.parse(cell.recipe_json!));
    const plan = planRun(catalog.db, { last: contests }, recipe.history);
    const request = buildResolvedRequest({
      preset: null,
      recipe_name: null,
      recipe,
      from: plan.first_contest,
      to: plan.last_contest,
      name: null,
      threads: null,
      dataset_hash: plan.dataset_hash,
    });
    const payload = buildRemotePayload(catalog, { request, plan }, cell.run_id!);
    const bytes = readFileSync(runFilePath(catalog.dataDir, cell.run_id!));
    const result: RemoteRunResult = {
      version: REMOTE_RUN_VERSION,
      run_id: cell.run_id!,
      file_gz: gzipSync(bytes).toString('base64'),
      bytes: bytes.length,
      contests,
    };
    payloadBytes += JSON.stringify(payload).length;
    resultBytes += result.file_gz.length;
    fileBytes += bytes.length;
    return { payload, result };
  });
  const freshCatalog = () => {
    const d = mkdtempSync(join(tmpdir(), 'lf-bench-scale-reg-'));
    seedDraws(d, makeDraws(4001, 6000));
    return { d, c: openCatalog(d) };
  };
  const here = freshCatalog();
  let hereTotal = 0;
  try {
    for (const { payload, result } of returned) {
      const t0 = performance.now();
      await registerRemoteRun(here.c, payload, result);
      reg.push(performance.now() - t0);
      hereTotal += reg.at(-1)!;
    }
  } finally {
    here.c.close();
    rmSync(here.d, { recursive: true, force: true });
  }
  const onPool = freshCatalog();
  const checkPool = createPredictPool(threads);
  let poolTotal = 0;
  try {
    // the threads started and warm, as in a coordinator that has already checked a file
    await registerRemoteRun(onPool.c, returned[0]!.payload, returned[0]!.result, checkPool);
    const t0 = performance.now();
    await Promise.all(returned.slice(1).map(({ payload, result }) => registerRemoteRun(onPool.c, payload, result, checkPool)));
    poolTotal = ((performance.now() - t0) / (returned.length - 1)) * returned.length;
  } finally {
    await checkPool.close();
    onPool.c.close();
    rmSync(onPool.d, { recursive: true, force: true });
  }
  reg.sort((a, b) => a - b);
  const med = (xs: number[]) => xs[Math.floor(xs.length / 2)]!;

  console.log(`\nbalanced preset, ${params.join(' ')} (16 cells), last ${contests} contests, ${threads} threads in all`);
  console.table(rows);
  console.log('coordinator overhead per cell:');
  console.table([
    {
      part: `queue round trip, 1-contest run (median of ${roundTrips})`,
      value: `${med(trips).toFixed(0)} ms (min ${trips[0]!.toFixed(0)}, max ${trips.at(-1)!.toFixed(0)})`,
    },
    { part: 'payload queued (JSON: request, draws, prices)', value: `${Math.round(payloadBytes / 16)} bytes` },
    { part: 'result returned (run file, gzip, base64)', value: `${Math.round(resultBytes / 16)} bytes (run file ${Math.round(fileBytes / 16)} bytes)` },
    { part: 'verify + register the run file (registerRemoteRun, median of 16)', value: `${med(reg).toFixed(1)} ms (max ${reg.at(-1)!.toFixed(1)})` },
    { part: 'run files registered per second, checked on this thread', value: (16_000 / hereTotal).toFixed(1) },
    { part: `run files registered per second, checked on ${threads} pool threads`, value: (16_000 / poolTotal).toFixed(1) },
  ]);
} finally {
  for (const w of workers) await stopWorker(w);
  probe.disconnect();
  await redis.stop();
  catalog.close();
  rmSync(dir, { recursive: true, force: true });
}
