// The predictor alone, single-threaded: one contest per call, each call on a different window
// (contests rotate over 100 consecutive windows, so window statistics are recomputed as in a
// backtest). Run: `node --import tsx bench/predictor.bench.ts` (or `npm run bench predictor`).
//
// "parity" is the old Go port's workload (history 500, 25 tickets, 250 candidates, 40
// hill-climb steps, 40 GA generations over 25 seeds with 10 elites); the Go port took ~31 ms per
// contest on this machine. "sweep" runs 8 recipes over the same window with a shared cache, the
// case the cache is for.
import { Bench } from 'tinybench';
import { historyWindow } from '../src/core/draw.js';
import { createPredictorCache, predictTickets } from '../src/core/predictor/index.js';
import { loadPreset } from '../src/engine/recipe-files.js';
import { type Recipe, parseRecipe } from '../src/core/recipe/schema.js';
import { syntheticHistory } from './synthetic-history.js';

const history = syntheticHistory(1600);
const FIRST = 1001;
let next = 0;
/** The next contest in a 100-contest rotation and its window. */
function nextContest(size: number): { contest: number; window: ReturnType<typeof historyWindow> } {
  const end = FIRST - 1 + (next++ % 100);
  return { contest: history.contests[end - 1]! + 1, window: historyWindow(history, end, size) };
}

const recipe = (strategy: string, extra: Record<string, unknown> = {}): Recipe =>
  parseRecipe({ version: '2', name: strategy, strategy, tickets: 25, history: 400, ...extra });

const parity = recipe('advanced', {
  history: 500,
  params: { cands_mult: 10, smart_filters: false, hill_iter: 40, evolutionary: true, generations: 40, population_size: 25, elites: 10 },
});

const workloads: Array<[string, Recipe]> = [
  ['random (25 tickets)', recipe('random')],
  ['frequency (25 tickets, history 400)', recipe('frequency')],
  ['advanced preset conservative', loadPreset('conservative')],
  ['advanced preset balanced', loadPreset('balanced')],
  ['advanced preset aggressive', loadPreset('aggressive')],
  ['advanced parity with the Go port', parity],
];

const bench = new Bench({ time: Number(process.env.BENCH_TIME_MS ?? 2000), warmup: true });
for (const [name, r] of workloads) {
  bench.add(name, () => {
    const { contest, window } = nextContest(r.history);
    predictTickets(window, r, contest);
  });
}

const balanced = loadPreset('balanced');
if (balanced.strategy !== 'advanced') throw new Error('balanced is expected to be advanced');
const sweepRecipes = [0.25, 0.5, 1, 1.5, 2, 3, 4, 5].map((alpha) => ({ ...balanced, params: { ...balanced.params, alpha } }));
bench.add('sweep: 8 balanced variants on one window, no cache (per recipe)', () => {
  const { contest, window } = nextContest(balanced.history);
  for (const r of sweepRecipes) predictTickets(window, r, contest);
});
bench.add('sweep: 8 balanced variants on one window, shared cache (per recipe)', () => {
  const cache = createPredictorCache();
  const { contest, window } = nextContest(balanced.history);
  for (const r of sweepRecipes) predictTickets(window, r, contest, cache);
});

await bench.run();
console.table(
  bench.tasks.map((t) => {
    const latency = (t.result as { latency?: { mean: number; p50?: number; p99?: number } } | undefined)?.latency;
    const per = t.name.startsWith('sweep') ? 8 : 1;
    return {
      task: t.name,
      'ms/contest (mean)': latency ? (latency.mean / per).toFixed(3) : 'n/a',
      'ms/contest (p50)': latency?.p50 !== undefined ? (latency.p50 / per).toFixed(3) : 'n/a',
      samples: (t.result as { latency?: { samplesCount?: number } } | undefined)?.latency?.samplesCount ?? 'n/a',
    };
  }),
);
const parityMs = (bench.tasks.find((t) => t.name.startsWith('advanced parity'))?.result as { latency?: { mean: number } } | undefined)?.latency?.mean;
if (parityMs !== undefined) console.log(`parity: ${parityMs.toFixed(2)} ms/contest vs ~31 ms for the Go port = ${(31 / parityMs).toFixed(1)}x faster`);
