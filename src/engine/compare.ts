/**
 * Runs side by side. Each metric: every run's value with its rank, baseline and p-value, the
 * spread across runs, and the winner. Each pair of runs: a PAIRED test on the contests both
 * covered (sign test and seeded permutation test on per-contest mean hits), so "A beat B" comes
 * with a p-value; pairs that share no contest get an unpaired permutation test and a note. Pair
 * p-values are Holm-adjusted over all pairs: comparing 5 runs is 10 comparisons.
 */
import { METRIC_DOCS, type MetricName } from '../core/metrics.js';
import { liftOf, rankByFor, rankEntries } from '../core/ranking.js';
import { type Description, describe, formatInteger, formatNumber, formatPValue, holm } from '../core/stats.js';
import { permutationWork } from '../core/stats/paired.js';
import { countOf } from '../core/charts/text.js';
import { LuckyError } from '../errors.js';
import type { Catalog } from '../store/catalog.js';
import { parseRunId } from '../store/run-file.js';
import { type RunRow, requireRun } from '../store/runs-repo.js';
import { type PairInput, type PairTestResult, type PairTestsTask, runPairTests } from './compare-tests.js';
import { checkSameDraws, checkSameSource } from './compare-draws.js';
import { type MetricFigure, metricFigure, readRunContests, readRunMetrics } from './run-metrics.js';

/**
 * The most work `GET /compare` does for one request, in sign flips (contests x iterations per
 * pair, summed; an unpaired pair counts about 12 flips per draw): about 3 s of one pool thread.
 * Over it the request is refused with E_INPUT_INVALID (400) rather than run with fewer
 * iterations, so a pair's p-value never depends on which other runs were compared with it.
 */
export const COMPARE_MAX_WORK = 1_000_000_000;

export interface CompareOptions {
  metrics: readonly MetricName[];
  /** permutation iterations (default 10,000) */
  iterations?: number;
  /** permutation seed (default 0) */
  seed?: number;
  /** refuse (E_INPUT_INVALID) a comparison whose tests cost more sign flips than this; default no limit */
  maxWork?: number;
}

export interface CompareMetric {
  metric: MetricName;
  higher_is_better: boolean;
  /** ranked by lift (value / the run's own expectation) for hit metrics, by value for money */
  values: Array<{ run_id: string; rank: number | null; lift: number | null } & MetricFigure>;
  stats: Description;
  /** the best run; null on a tie for first or when no run has a value */
  winner: string | null;
}

export interface ComparePair {
  a: string;
  b: string;
  paired: boolean;
  /** contests both runs covered (0 when unpaired) */
  shared_contests: number;
  /** mean over contests of (A - B) per-contest mean hits (unpaired: mean A - mean B) */
  mean_diff: number;
  a_better: number | null;
  b_better: number | null;
  ties: number | null;
  sign_p: number | null;
  permutation_p: number;
  /** Holm over every pair of this comparison */
  permutation_p_holm: number;
  iterations: number;
  seed: number;
  /** the run with more hits per contest when the adjusted permutation p < 0.05, else null */
  winner: string | null;
  sentence: string;
}

export interface CompareReport {
  runs: Array<
    Pick<RunRow, 'run_id' | 'name' | 'strategy' | 'recipe_hash' | 'first_contest' | 'last_contest' | 'tickets' | 'numbers_per_ticket'> & {
      contests: number;
      synthetic_data: boolean;
    }
  >;
  metrics: CompareMetric[];
  pairs: ComparePair[];
  notes: string[];
}

/** What the pair tests and the draws check read from a run file, in one pass: by contest. */
interface RunSeries {
  /** mean hits per ticket */
  hits: Map<number, number>;
  /** the draw the contest was scored against, `date|balls` */
  draws: Map<number, string>;
}

function readRunSeries(catalog: Catalog, runId: string): RunSeries {
  const hits = new Map<number, number>();
  const draws = new Map<number, string>();
  for (const r of readRunContests(catalog, runId)) {
    const counts = r.hits_histogram;
    const n = counts.reduce((s, c) => s + c, 0);
    if (n > 0) hits.set(r.contest, counts.reduce((s, c, h) => s + c * h, 0) / n);
    draws.set(r.contest, `${r.draw_date}|${r.balls.join(' ')}`);
  }
  return { hits, draws };
}

/** The pair tests' inputs, once the runs are known to share their draws. */
function pairTestsOf(plan: ComparePlan, series: readonly RunSeries[], maxWork: number | undefined): { heads: PairHead[]; task: PairTestsTask } {
  checkSameDraws(
    plan.rows,
    series.map((x) => x.draws),
  );
  return buildPairTests(
    plan,
    series.map((x) => x.hits),
    maxWork,
  );
}

/** What a comparison needs before any run file is read: the checked index rows and the test settings. */
interface ComparePlan {
  rows: RunRow[];
  iterations: number;
  seed: number;
}

/** Checks the ids and the runs, and refuses a comparison over `maxWork` before reading any run file. */
function planCompare(catalog: Catalog, ids: readonly string[], options: CompareOptions): ComparePlan {
  if (ids.length < 2) throw new LuckyError('E_USAGE', 'compare needs at least two run ids');
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) throw new LuckyError('E_USAGE', `run ${dup} is given twice`);
  const rows = ids.map((id) => requireRun(catalog.db, parseRunId(id)));
  for (const r of rows) {
    if (r.status !== 'completed')
      throw new LuckyError('E_CONFLICT', `run ${r.run_id} is ${r.status}, not completed; finish it first (luckyfive simulate --resume ${r.run_id})`);
  }
  const plan = { rows, iterations: options.iterations ?? 10_000, seed: options.seed ?? 0 };
  // From the index rows: at most the overlap of the two ranges is shared.
  checkWork(plan, options.maxWork, (i, j) => {
    const [a, b] = [rows[i]!, rows[j]!];
    const overlap = Math.min(a.last_contest, b.last_contest) - Math.max(a.first_contest, b.first_contest) + 1;
    return overlap > 0 ? { paired: true, n: Math.min(overlap, a.contests_done, b.contests_done) } : { paired: false, nA: a.contests_done };
  });
  checkSameSource(rows);
  return plan;
}

function checkWork(plan: ComparePlan, maxWork: number | undefined, shape: (i: number, j: number) => Parameters<typeof permutationWork>[0]): void {
  if (maxWork === undefined) return;
  const n = plan.rows.length;
  let work = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) work += permutationWork(shape(i, j), plan.iterations);
  if (work <= maxWork) return;
  const pairs = (n * (n - 1)) / 2;
  throw new LuckyError('E_INPUT_INVALID', `comparing these ${n} runs is too much work for one request`, [
    `run_id: ${pairs} pairs x shared contests x ${formatInteger(plan.iterations)} permutations = ${formatInteger(work)} sign flips; the limit is ${formatInteger(maxWork)}: compare fewer or shorter runs (luckyfive compare has no limit)`,
  ]);
}

/** The metric table of a comparison (index rows; run files only for runs indexed without metrics). */
function compareMetrics(catalog: Catalog, rows: readonly RunRow[], names: readonly MetricName[]): CompareMetric[] {
  const figures = rows.map((r) => readRunMetrics(catalog, r));
  return names.map((metric) => {
    const higher = METRIC_DOCS[metric].higher_is_better;
    const entries = rows.map((r, i) => {
      const fig = metricFigure(metric, figures[i]!);
      return { run_id: r.run_id, ...fig, lift: liftOf(fig.value, fig.baseline) };
    });
    // rank only (by lift over each run's own expectation for hit metrics); the adjusted p-values of rankEntries are per metric and not reported here
    const ranked = rankEntries(entries, higher, rankByFor(metric)).map(({ p_holm: _h, p_bh: _b, ...e }) => e);
    const firsts = ranked.filter((e) => e.rank === 1);
    return {
      metric,
      higher_is_better: higher,
      values: ranked,
      stats: describe(entries.map((e) => e.value).filter((v): v is number => v !== null)),
      winner: firsts.length === 1 ? firsts[0]!.run_id : null,
    };
  });
}

type PairHead = Pick<ComparePair, 'a' | 'b' | 'paired' | 'shared_contests' | 'iterations' | 'seed'>;

/** Every pair's inputs to the tests, from each run's per-contest mean hits. */
function buildPairTests(plan: ComparePlan, hits: ReadonlyArray<Map<number, number>>, maxWork: number | undefined): { heads: PairHead[]; task: PairTestsTask } {
  const { rows, iterations, seed } = plan;
  const heads: PairHead[] = [];
  const pairs: PairInput[] = [];
  for (let i = 0; i < rows.length; i++) {
    for (let j = i + 1; j < rows.length; j++) {
      const [a, b] = [hits[i]!, hits[j]!];
      const shared = [...a.keys()].filter((c) => b.has(c)).sort((x, y) => x - y);
      const base = { a: rows[i]!.run_id, b: rows[j]!.run_id, iterations, seed };
      heads.push({ ...base, paired: shared.length > 0, shared_contests: shared.length });
      pairs.push(
        shared.length > 0
          ? { paired: true, diffs: Float64Array.from(shared, (c) => a.get(c)! - b.get(c)!) }
          : { paired: false, a: Float64Array.from(a.values()), b: Float64Array.from(b.values()) },
      );
    }
  }
  // the exact work, now that the shared contests are known
  let k = 0;
  checkWork(plan, maxWork, () => {
    const p = pairs[k++]!;
    return p.paired ? { paired: true, n: p.diffs.length } : { paired: false, nA: p.a.length };
  });
  return { heads, task: { iterations, seed, pairs } };
}

function assembleReport(plan: ComparePlan, metrics: CompareMetric[], heads: readonly PairHead[], results: readonly PairTestResult[]): CompareReport {
  const notes: string[] = [];
  const raw: Array<Omit<ComparePair, 'permutation_p_holm' | 'winner' | 'sentence'>> = heads.map((h, k) => {
    if (!h.paired) {
      notes.push(
        `runs ${h.a} and ${h.b} share no contest: compared unpaired (a permutation test on per-contest mean hits), which cannot remove the draw-to-draw noise a paired test removes`,
      );
    }
    return { ...h, ...results[k]! };
  });
  const adjusted = holm(raw.map((p) => p.permutation_p));
  const pairs: ComparePair[] = raw.map((p, k) => {
    const pAdj = adjusted[k]!;
    const winner = pAdj < 0.05 && p.mean_diff !== 0 ? (p.mean_diff > 0 ? p.a : p.b) : null;
    return { ...p, permutation_p_holm: pAdj, winner, sentence: pairSentence(p, pAdj, raw.length, winner) };
  });
  return {
    runs: plan.rows.map((r) => ({
      run_id: r.run_id,
      name: r.name,
      strategy: r.strategy,
      recipe_hash: r.recipe_hash,
      first_contest: r.first_contest,
      last_contest: r.last_contest,
      contests: r.contests_done,
      tickets: r.tickets,
      numbers_per_ticket: r.numbers_per_ticket,
      synthetic_data: r.synthetic === 1,
    })),
    metrics,
    pairs,
    notes,
  };
}

/** Compares in-process (the CLI): the same answer as {@link compareRunsAsync}. */
export function compareRuns(catalog: Catalog, ids: readonly string[], options: CompareOptions): CompareReport {
  const plan = planCompare(catalog, ids, options);
  const metrics = compareMetrics(catalog, plan.rows, options.metrics);
  const { heads, task } = pairTestsOf(
    plan,
    plan.rows.map((r) => readRunSeries(catalog, r.run_id)),
    options.maxWork,
  );
  return assembleReport(plan, metrics, heads, runPairTests(task));
}

/**
 * Compares without holding the event loop (the server): run files are read one per turn of the
 * loop and the tests run through `runTests` (a pool thread), in tasks of bounded work. When
 * `signal` aborts (the client went away), no further file is read, every task stops itself within
 * 256 permutation draws (a shared flag; queued ones stop as they start) and E_INTERRUPTED is thrown.
 */
export async function compareRunsAsync(
  catalog: Catalog,
  ids: readonly string[],
  options: CompareOptions,
  runTests: (task: PairTestsTask, signal?: AbortSignal) => Promise<PairTestResult[]>,
  signal?: AbortSignal,
): Promise<CompareReport> {
  const plan = planCompare(catalog, ids, options);
  const interrupted = () => new LuckyError('E_INTERRUPTED', 'comparison stopped: the client went away');
  const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
  const metrics = compareMetrics(catalog, plan.rows, options.metrics);
  const series: RunSeries[] = [];
  for (const r of plan.rows) {
    await turn();
    if (signal?.aborted) throw interrupted();
    series.push(readRunSeries(catalog, r.run_id));
  }
  const { heads, task } = pairTestsOf(plan, series, options.maxWork);
  // Tasks of about 50 million flips each, so a wide comparison spreads over the pool's threads.
  const chunks: PairInput[][] = [[]];
  let chunkWork = 0;
  for (const p of task.pairs) {
    const w = permutationWork(p.paired ? { paired: true, n: p.diffs.length } : { paired: false, nA: p.a.length }, plan.iterations);
    if (chunkWork > 0 && chunkWork + w > 50_000_000) {
      chunks.push([]);
      chunkWork = 0;
    }
    chunks.at(-1)!.push(p);
    chunkWork += w;
  }
  if (signal?.aborted) throw interrupted();
  // The tasks stop themselves when the signal aborts (a shared flag they read every 256 draws):
  // the signal is not handed to the pool, which would terminate a running thread, and a
  // terminated worker thread can take the whole process down (V8 aborts seen under Node 20).
  const stop = new Int32Array(new SharedArrayBuffer(4));
  const raise = () => Atomics.store(stop, 0, 1);
  signal?.addEventListener('abort', raise, { once: true });
  let results: PairTestResult[][];
  try {
    results = await Promise.all(chunks.map((pairs) => runTests({ iterations: task.iterations, seed: task.seed, pairs, stop })));
  } catch (e) {
    if (signal?.aborted) throw interrupted();
    throw e;
  } finally {
    signal?.removeEventListener('abort', raise);
  }
  return assembleReport(plan, metrics, heads, results.flat());
}

function pairSentence(p: Omit<ComparePair, 'permutation_p_holm' | 'winner' | 'sentence'>, pAdj: number, family: number, winner: string | null): string {
  const diff = `${p.mean_diff >= 0 ? '+' : ''}${formatNumber(p.mean_diff, 3)} hits per ticket`;
  const head = p.paired
    ? `${p.a} vs ${p.b} on ${countOf(p.shared_contests, 'shared contest')}: ${p.a} better on ${p.a_better}, ${p.b} on ${p.b_better}, ${countOf(p.ties!, 'tie')}; mean difference ${diff}; sign test p = ${formatPValue(p.sign_p!)}, permutation p = ${formatPValue(p.permutation_p)}`
    : `${p.a} vs ${p.b} (no shared contest, unpaired): mean difference ${diff}; permutation p = ${formatPValue(p.permutation_p)}`;
  const adj = family > 1 ? ` (Holm over ${family} pairs: ${formatPValue(pAdj)})` : '';
  return `${head}${adj}: ${winner ? `${winner} did better (adjusted p < 0.05)` : 'no evidence either is better'}`;
}
