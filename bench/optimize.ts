// `luckyfive optimize` against a sweep of the same trials, and the search's own cost.
// 1. A random study of the `balanced` preset over one parameter (alpha, 12 trials drawn from 19
//    values) on BENCH_CONTESTS (30) train contests with its best trial run on a 40-contest holdout,
//    against a list-parameter sweep of exactly the 12 alpha values the study drew with the same
//    holdout (same recipes, ranges and pool), each timed end to end, BENCH_REPEATS (1) times:
//    trials per second and their ratio. The study's extra work is its bookkeeping (progress and
//    trial reads after each wave, the look record).
// 2. The search alone (tinybench): drawing 50 random trials, and one evolutionary generation of
//    20 from a scored population, over a 3-parameter space; per trial, in microseconds.
// Run: `npm run bench:optimize` (BENCH_THREADS 2, BENCH_TIME_MS 500 for part 2).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import { initialPopulation, nextGeneration } from '../src/core/optimize/evolve.js';
import { randomTrials } from '../src/core/optimize/random-search.js';
import { buildSpace } from '../src/core/optimize/space.js';
import { createStudy } from '../src/engine/optimize/create.js';
import { defineStudy } from '../src/engine/optimize/define.js';
import { readStudy } from '../src/engine/optimize/document.js';
import { runStudy } from '../src/engine/optimize/run.js';
import { createPredictPool } from '../src/engine/pool.js';
import { createSweep } from '../src/engine/sweep/create.js';
import { defineSweep } from '../src/engine/sweep/define.js';
import { runSweep } from '../src/engine/sweep/run.js';
import { simulate } from '../src/engine/simulate.js';
import { openCatalog } from '../src/store/catalog.js';
import { makeDraws, seedDraws } from '../test/helpers/draws.js';

const contests = Number(process.env.BENCH_CONTESTS ?? 30);
const repeats = Number(process.env.BENCH_REPEATS ?? 1);
const threads = Number(process.env.BENCH_THREADS ?? 2);
const TRIALS = 12;
const dir = mkdtempSync(join(tmpdir(), 'lf-bench-optimize-'));
seedDraws(dir, makeDraws(4001, 5000));
const catalog = openCatalog(dir);
const pool = createPredictPool(threads);
const now = () => new Date();
const env = { catalog, pool, now };
const train = { from: 5000 - 40 - contests + 1, to: 5000 - 40 };
const holdout = { from: 4961, to: 5000 };

const studyDef = defineStudy({ preset: 'balanced', params: ['alpha=0.05..0.95:0.05'], train, holdout, trials: TRIALS, seed: 7, holdout_top: 1 });
await simulate(env, { recipe: studyDef.base, range: { last: 4 } }); // warm the pool

let alphas: number[] = [];
const times: Record<string, number[]> = { study: [], sweep: [] };
for (let r = 0; r < repeats; r++) {
  let t0 = performance.now();
  const { study_id } = createStudy(catalog, studyDef, new Date());
  const o = await runStudy(env, study_id);
  times.study!.push((performance.now() - t0) / 1000);
  if (o.trials_done !== TRIALS) throw new Error(`study incomplete: ${JSON.stringify(o)}`);
  alphas = readStudy(catalog, study_id).trials.map((t) => t.params.alpha as number);

  const sweepDef = defineSweep({ preset: 'balanced', params: [`alpha=${alphas.join(',')}`], range: train, holdout, seed: 7 });
  t0 = performance.now();
  const { sweep_id } = createSweep(catalog, sweepDef, { metric: 'mean_hits', holdout_top: 1, now });
  const s = await runSweep(env, sweep_id);
  times.sweep!.push((performance.now() - t0) / 1000);
  if (s.cells_done !== TRIALS) throw new Error(`sweep incomplete: ${JSON.stringify(s)}`);
}
const best = (xs: number[]) => Math.min(...xs);
console.log(`balanced preset, ${TRIALS} trials of alpha, ${contests} train contests, ${threads} threads, ${repeats} repeat(s)`);
console.table(Object.entries(times).map(([name, xs]) => ({ workload: name, 'best wall s': best(xs).toFixed(2), 'trials/s': (TRIALS / best(xs)).toFixed(2) })));
console.log(`study / sweep wall time: ${(best(times.study!) / best(times.sweep!)).toFixed(2)}x`);

// the search alone
const space = buildSpace({
  parameters: [
    { name: 'alpha', range: { min: 0.05, max: 0.95, step: 0.05 } },
    { name: 'history', list: [50, 100, 150, 200, 300] },
    { name: 'tickets', list: [5, 10, 15, 20] },
  ],
});
const population = initialPopulation(space, 3, 20);
const scored = population.map((genome, i) => ({ genome, fitness: (i * 37) % 11 }));
const seen = new Set(population.map((g) => g.join('.')));
const bench = new Bench({ time: Number(process.env.BENCH_TIME_MS ?? 500), warmup: true });
bench.add('random search: 50 trials', () => void randomTrials(space, 5, 50));
bench.add(
  'evolutionary: one generation of 20',
  () => void nextGeneration(space, 5, 1, scored, { population: 20, elite: 2, mutation_rate: 0.2, tournament: 3 }, seen),
);
await bench.run();
for (const t of bench.tasks) {
  const per = t.name.startsWith('random') ? 50 : 20;
  const mean = t.result && 'latency' in t.result ? t.result.latency.mean : Number.NaN;
  console.log(`${t.name}: ${(mean * 1000).toFixed(1)} µs, ${((mean * 1000) / per).toFixed(2)} µs per trial`);
}
await pool.close();
catalog.close();
rmSync(dir, { recursive: true, force: true });
