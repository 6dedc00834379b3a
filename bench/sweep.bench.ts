// A 4x4 sweep of the `balanced` preset (alpha x history) over the last 50 contests on 2 threads,
// against the same 16 recipes run one after another with `simulate` on the same pool, and against
// the sweep with window-statistics sharing turned off (one recipe per task, no cache). Each
// workload is timed end to end (files, index, summaries included); the pool is started and warmed
// first. Workloads alternate across repeats so machine noise spreads evenly.
// Run: `node --import tsx bench/sweep.bench.ts` (or `npm run bench sweep`); BENCH_REPEATS (2),
// BENCH_CONTESTS (50), BENCH_THREADS (2).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCellRecipe } from '../src/core/sweep/apply-params.js';
import { expandGrid } from '../src/core/sweep/grid.js';
import { createPredictPool } from '../src/engine/pool.js';
import { simulate } from '../src/engine/simulate.js';
import { createSweep } from '../src/engine/sweep/create.js';
import { defineSweep } from '../src/engine/sweep/define.js';
import { runSweep } from '../src/engine/sweep/run.js';
import { openCatalog } from '../src/store/catalog.js';
import { makeDraws, seedDraws } from '../test/helpers/draws.js';

const contests = Number(process.env.BENCH_CONTESTS ?? 50);
const repeats = Number(process.env.BENCH_REPEATS ?? 2);
const threads = Number(process.env.BENCH_THREADS ?? 2);
const dir = mkdtempSync(join(tmpdir(), 'lf-bench-sweep-'));
seedDraws(dir, makeDraws(4001, 6000));
const catalog = openCatalog(dir);
const pool = createPredictPool(threads);
const now = () => new Date();
const env = { catalog, pool, now };
const params = ['alpha=0.2,0.35,0.5,0.65', 'history=100,200,300,400'];
const def = defineSweep({ preset: 'balanced', params, range: { last: contests } });
const recipes = expandGrid(def).map((c) => buildCellRecipe(def.base, c.params, c.index));

// warm the pool (worker start-up, module load, JIT)
await simulate(env, { recipe: recipes[0]!, range: { last: 4 } });

const workloads: Record<string, () => Promise<void>> = {
  'sweep, shared window statistics': async () => {
    const { sweep_id } = createSweep(catalog, def, { metric: 'mean_hits', holdout_top: 0, now });
    const o = await runSweep(env, sweep_id);
    if (!o.complete || o.cells_done !== 16) throw new Error(`sweep incomplete: ${JSON.stringify(o)}`);
  },
  '16 sequential simulates': async () => {
    for (const recipe of recipes) await simulate(env, { recipe, range: { last: contests } });
  },
  'sweep, sharing off': async () => {
    const { sweep_id } = createSweep(catalog, def, { metric: 'mean_hits', holdout_top: 0, now });
    const o = await runSweep(env, sweep_id, { share_stats: false });
    if (!o.complete || o.cells_done !== 16) throw new Error(`sweep incomplete: ${JSON.stringify(o)}`);
  },
};

// Wall time, and CPU time of the whole process (main thread and workers): on a shared machine
// the CPU time shows the work done even when other processes stretch the wall time.
const times: Record<string, number[]> = Object.fromEntries(Object.keys(workloads).map((k) => [k, []]));
const cpu: Record<string, number[]> = Object.fromEntries(Object.keys(workloads).map((k) => [k, []]));
for (let r = 0; r < repeats; r++) {
  for (const [name, fn] of Object.entries(workloads)) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await fn();
    const c = process.cpuUsage(c0);
    times[name]!.push((performance.now() - t0) / 1000);
    cpu[name]!.push((c.user + c.system) / 1e6);
  }
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
console.log(`balanced preset, ${params.join(' ')}, last ${contests} contests, ${threads} threads, ${repeats} repeat(s)`);
console.table(
  Object.entries(times).map(([name, xs]) => ({
    workload: name,
    'wall mean s': mean(xs).toFixed(2),
    'wall min s': Math.min(...xs).toFixed(2),
    'wall max s': Math.max(...xs).toFixed(2),
    'cpu mean s': mean(cpu[name]!).toFixed(2),
    'wall runs': xs.map((x) => x.toFixed(1)).join(' '),
  })),
);
const [shared, sequential, off] = Object.values(times).map((xs) => Math.min(...xs)) as [number, number, number];
const [cShared, cSequential, cOff] = Object.values(cpu).map(mean) as [number, number, number];
console.log(
  `best wall time: sweep ${shared.toFixed(2)} s, sequential ${sequential.toFixed(2)} s (${(sequential / shared).toFixed(2)}x), sharing off ${off.toFixed(2)} s (${(off / shared).toFixed(2)}x)`,
);
console.log(`mean CPU time: sweep ${cShared.toFixed(2)} s, sequential ${cSequential.toFixed(2)} s, sharing off ${cOff.toFixed(2)} s`);
console.log('target: the sweep under 90 s on 2 threads and never slower than the 16 sequential simulates');
await pool.close();
catalog.close();
rmSync(dir, { recursive: true, force: true });
