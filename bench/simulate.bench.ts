// The main job end to end: `balanced` over 100 contests on 1 and 2 threads (pool started and
// warmed first, so worker start-up is not counted), plus the run file's bytes per ticket.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import { loadPreset } from '../src/core/recipe/load.js';
import { createPredictPool } from '../src/engine/pool.js';
import { simulate } from '../src/engine/simulate.js';
import { openCatalog } from '../src/store/catalog.js';
import { makeDraws, seedDraws } from '../test/helpers/draws.js';

const dir = mkdtempSync(join(tmpdir(), 'lf-bench-sim-'));
seedDraws(dir, makeDraws(4001, 6000));
const catalog = openCatalog(dir);
const recipe = loadPreset('balanced');
const contests = Number(process.env.BENCH_CONTESTS ?? 100);
const pools = { 1: createPredictPool(1), 2: createPredictPool(2) };
const env = (threads: 1 | 2) => ({ catalog, pool: pools[threads], now: () => new Date() });
let lastFile = '';
let lastTickets = 0;

// warm both pools (worker start-up, module load, JIT)
for (const t of [1, 2] as const) await simulate(env(t), { recipe, range: { last: 4 } });

const bench = new Bench({ iterations: Number(process.env.BENCH_ITERATIONS ?? 3), time: 0, warmup: false });
for (const t of [1, 2] as const) {
  bench.add(`simulate balanced, ${contests} contests, ${t} thread(s)`, async () => {
    const r = await simulate(env(t), { recipe, range: { last: contests } });
    lastFile = r.file;
    lastTickets = r.tickets;
  });
}
await bench.run();
console.table(bench.table());
const mean = (i: number) => (bench.tasks[i]!.result as { latency?: { mean: number } } | undefined)?.latency?.mean ?? Number.NaN;
console.log(`speed-up 1 -> 2 threads: ${(mean(0) / mean(1)).toFixed(2)}x`);
console.log(`run file: ${statSync(lastFile).size} bytes for ${lastTickets} tickets = ${(statSync(lastFile).size / lastTickets).toFixed(1)} bytes/ticket`);
await Promise.all(Object.values(pools).map((p) => p.close()));
catalog.close();
rmSync(dir, { recursive: true, force: true });
