// The main job end to end: `balanced` over 100 contests on 1 and 2 threads (pool started and
// warmed first, so worker start-up is not counted), plus the run file's bytes per ticket.
// `BENCH_ITERATIONS` (tinybench samples per task, default 3), `BENCH_PAIRS` (interleaved
// 1-thread/2-thread pairs for the speed-up, default 5), `BENCH_CONTESTS` (default 100).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import { buildHistory } from '../src/core/draw.js';
import { loadPreset } from '../src/engine/recipe-files.js';
import { canonicalRecipeJson } from '../src/core/recipe/schema.js';
import { createPredictPool } from '../src/engine/pool.js';
import type { PredictTask } from '../src/engine/predict.worker.js';
import { simulate } from '../src/engine/simulate.js';
import { openCatalog } from '../src/store/catalog.js';
import { makeDraws, seedDraws } from '../test/helpers/draws.js';

const dir = mkdtempSync(join(tmpdir(), 'lf-bench-sim-'));
const draws = makeDraws(4001, 6000);
seedDraws(dir, draws);
const catalog = openCatalog(dir);
const recipe = loadPreset('balanced');
const contests = Number(process.env.BENCH_CONTESTS ?? 100);
const pools = { 1: createPredictPool(1), 2: createPredictPool(2) };
const simulateOn = (threads: 1 | 2) => simulate({ catalog, pool: pools[threads], now: () => new Date() }, { recipe, range: { last: contests } });
let lastFile = '';
let lastTickets = 0;

// Warm both pools with a full-size run: worker start-up, module load and, above all, the JIT of
// every worker. (A 4-contest warm-up left the second worker of the 2-thread pool cold, and its
// first measured runs made the speed-up look like 1.6-1.75x.)
for (const t of [1, 2] as const) await simulateOn(t);

const bench = new Bench({ iterations: Number(process.env.BENCH_ITERATIONS ?? 3), time: 0, warmup: false });
for (const t of [1, 2] as const) {
  bench.add(`simulate balanced, ${contests} contests, ${t} thread(s)`, async () => {
    const r = await simulateOn(t);
    lastFile = r.file;
    lastTickets = r.tickets;
  });
}
await bench.run();
console.table(bench.table());
const mean = (i: number) => (bench.tasks[i]!.result as { latency?: { mean: number } } | undefined)?.latency?.mean ?? Number.NaN;
console.log(`speed-up 1 -> 2 threads (tinybench means, one task after the other): ${(mean(0) / mean(1)).toFixed(2)}x`);

// The same comparison in interleaved pairs (1 thread, then 2, repeated), so a machine that gets
// busier or quieter during the bench moves both sides of each ratio alike. Each pair also
// measures the machine's ceiling at that moment: the predictor alone (one task holding all the
// contests, no scoring, no writes, no scheduling), once on one thread, then twice at once on
// two. Two threads of the same work slow each other down (shared caches and memory, and
// whatever the hypervisor does with the two vCPUs); the ceiling is what is left of 2x.
const pairs = Number(process.env.BENCH_PAIRS ?? 5);
const history = buildHistory(draws);
const depth = recipe.history;
const lo = draws.length - contests - depth;
const wholeTask: PredictTask = {
  recipes: [canonicalRecipeJson(recipe)],
  contests: history.contests.slice(lo),
  balls: history.balls.slice(lo * 5),
  targets: Array.from({ length: contests }, (_, i) => ({ contest: draws[draws.length - contests + i]!.contest, end: depth + i, recipes: [0] })),
  share_stats: false,
};
const timed = async (f: () => Promise<unknown>) => {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
};
const speedups: number[] = [];
const ceilings: number[] = [];
for (let i = 0; i < pairs; i++) {
  const one = await timed(() => simulateOn(1));
  const two = await timed(() => simulateOn(2));
  const alone = await timed(() => pools[1].run(wholeTask));
  const together = await timed(() => Promise.all([pools[2].run(wholeTask), pools[2].run(wholeTask)]));
  speedups.push(one / two);
  ceilings.push((2 * alone) / together);
  console.log(
    `  pair ${i + 1}: 1 thread ${one.toFixed(0)} ms, 2 threads ${two.toFixed(0)} ms, speed-up ${(one / two).toFixed(2)}x; ceiling ${((2 * alone) / together).toFixed(2)}x (predictor alone ${alone.toFixed(0)} ms, twice at once ${together.toFixed(0)} ms)`,
  );
}
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
console.log(
  `speed-up 1 -> 2 threads, median of ${pairs} interleaved pairs: ${median(speedups).toFixed(2)}x (min ${Math.min(...speedups).toFixed(2)}x, max ${Math.max(...speedups).toFixed(2)}x); machine ceiling ${median(ceilings).toFixed(2)}x; efficiency ${((median(speedups) / median(ceilings)) * 100).toFixed(0)}%`,
);
console.log(`run file: ${statSync(lastFile).size} bytes for ${lastTickets} tickets = ${(statSync(lastFile).size / lastTickets).toFixed(1)} bytes/ticket`);
await Promise.all(Object.values(pools).map((p) => p.close()));
catalog.close();
rmSync(dir, { recursive: true, force: true });
