// The best-of null law (src/core/best-of.ts) beside the predictor that made the tickets: the
// worker runs both for every contest, so their ratio is the law's share of a run's compute.
// Tickets are the presets' own, predicted once on a synthetic history (100 windows), then the law
// is timed alone. Run: `node --import tsx bench/best-of.bench.ts` (or `npm run bench best-of`).
import { Bench } from 'tinybench';
import { bestOfLaw } from '../src/core/best-of.js';
import { historyWindow } from '../src/core/draw.js';
import { createPredictorCache, predictTickets } from '../src/core/predictor/index.js';
import { loadPreset } from '../src/engine/recipe-files.js';
import { syntheticHistory } from './synthetic-history.js';

const history = syntheticHistory(1600);
const FIRST = 1001;
const sample = () => {
  throw new Error('presets are counted exactly, never sampled');
};

const bench = new Bench({ time: Number(process.env.BENCH_TIME_MS ?? 2000), warmup: true });
for (const name of ['conservative', 'balanced', 'aggressive']) {
  const recipe = loadPreset(name);
  const cache = createPredictorCache();
  const sets: Uint8Array[] = [];
  for (let i = 0; i < 100; i++) {
    const end = FIRST - 1 + i;
    const tickets = predictTickets(historyWindow(history, end, recipe.history), recipe, history.contests[end - 1]! + 1, cache);
    sets.push(Uint8Array.from(tickets.flatMap((t) => [...t.numbers])));
  }
  let p = 0;
  let l = 0;
  bench.add(`${name}: predictor`, () => {
    const end = FIRST - 1 + (p++ % 100);
    predictTickets(historyWindow(history, end, recipe.history), recipe, history.contests[end - 1]! + 1);
  });
  bench.add(`${name}: best-of law of its ${recipe.tickets} tickets`, () => {
    bestOfLaw(sets[l++ % 100]!, recipe.numbers_per_ticket, sample);
  });
}

await bench.run();
const mean = (name: string): number | undefined =>
  (bench.tasks.find((t) => t.name === name)?.result as { latency?: { mean: number } } | undefined)?.latency?.mean;
console.table(
  bench.tasks.map((t) => {
    const ms = mean(t.name);
    const predictor = mean(`${t.name.split(':')[0]!}: predictor`);
    return {
      task: t.name,
      'ms/contest (mean)': ms?.toFixed(3) ?? 'n/a',
      'vs predictor': ms !== undefined && predictor ? `${((ms / predictor) * 100).toFixed(1)}%` : '',
    };
  }),
);
