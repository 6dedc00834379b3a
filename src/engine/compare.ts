/**
 * Runs side by side. Each metric: every run's value with its rank, baseline and p-value, the
 * spread across runs, and the winner. Each pair of runs: a PAIRED test on the contests both
 * covered (sign test and seeded permutation test on per-contest mean hits), so "A beat B" comes
 * with a p-value; pairs that share no contest get an unpaired permutation test and a note. Pair
 * p-values are Holm-adjusted over all pairs: comparing 5 runs is 10 comparisons.
 */
import { METRIC_DOCS, type MetricName } from '../core/metrics.js';
import { liftOf, rankByFor, rankEntries } from '../core/ranking.js';
import { type Description, describe, formatNumber, formatPValue, holm, pairedPermutationTest, signTest, unpairedPermutationTest } from '../core/stats.js';
import { LuckyError } from '../errors.js';
import type { Catalog } from '../store/catalog.js';
import { parseRunId } from '../store/run-file.js';
import { type RunRow, requireRun } from '../store/runs-repo.js';
import { checkSameDraws } from './compare-draws.js';
import { type MetricFigure, readRunContests, readRunMetrics, storedMetricFigure } from './run-metrics.js';

export interface CompareOptions {
  metrics: readonly MetricName[];
  /** permutation iterations (default 10,000) */
  iterations?: number;
  /** permutation seed (default 0) */
  seed?: number;
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
  runs: Array<Pick<RunRow, 'run_id' | 'name' | 'strategy' | 'recipe_hash' | 'first_contest' | 'last_contest' | 'tickets' | 'numbers_per_ticket'> & { contests: number; synthetic_data: boolean }>;
  metrics: CompareMetric[];
  pairs: ComparePair[];
  notes: string[];
}

/** Per-contest mean hits per ticket, by contest. */
function perContestHits(catalog: Catalog, runId: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const r of readRunContests(catalog, runId)) {
    const counts = r.hits_histogram.split(' ').map(Number);
    const n = counts.reduce((s, c) => s + c, 0);
    if (n > 0) out.set(r.contest, counts.reduce((s, c, h) => s + c * h, 0) / n);
  }
  return out;
}

export function compareRuns(catalog: Catalog, ids: readonly string[], options: CompareOptions): CompareReport {
  if (ids.length < 2) throw new LuckyError('E_USAGE', 'compare needs at least two run ids');
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) throw new LuckyError('E_USAGE', `run ${dup} is given twice`);
  const rows = ids.map((id) => requireRun(catalog.db, parseRunId(id)));
  for (const r of rows) {
    if (r.status !== 'completed') throw new LuckyError('E_CONFLICT', `run ${r.run_id} is ${r.status}, not completed; finish it first (luckyfive simulate --resume ${r.run_id})`);
  }
  checkSameDraws(catalog, rows);
  const iterations = options.iterations ?? 10_000;
  const seed = options.seed ?? 0;
  const figures = rows.map((r) => readRunMetrics(catalog, r));
  const metrics: CompareMetric[] = options.metrics.map((metric) => {
    const higher = METRIC_DOCS[metric].higher_is_better;
    const entries = rows.map((r, i) => {
      const fig = storedMetricFigure(catalog, r.run_id, metric, figures[i]!);
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

  const hits = rows.map((r) => perContestHits(catalog, r.run_id));
  const notes: string[] = [];
  const raw: Array<Omit<ComparePair, 'permutation_p_holm' | 'winner' | 'sentence'>> = [];
  for (let i = 0; i < rows.length; i++) {
    for (let j = i + 1; j < rows.length; j++) {
      const [a, b] = [hits[i]!, hits[j]!];
      const shared = [...a.keys()].filter((c) => b.has(c)).sort((x, y) => x - y);
      const base = { a: rows[i]!.run_id, b: rows[j]!.run_id, iterations, seed };
      if (shared.length > 0) {
        const diffs = shared.map((c) => a.get(c)! - b.get(c)!);
        const s = signTest(diffs);
        const perm = pairedPermutationTest(diffs, { iterations, seed });
        raw.push({ ...base, paired: true, shared_contests: shared.length, mean_diff: perm.mean_diff, a_better: s.positive, b_better: s.negative, ties: s.zero, sign_p: s.p_value, permutation_p: perm.p_value });
      } else {
        const perm = unpairedPermutationTest([...a.values()], [...b.values()], { iterations, seed });
        notes.push(`runs ${base.a} and ${base.b} share no contest: compared unpaired (a permutation test on per-contest mean hits), which cannot remove the draw-to-draw noise a paired test removes`);
        raw.push({ ...base, paired: false, shared_contests: 0, mean_diff: perm.mean_diff, a_better: null, b_better: null, ties: null, sign_p: null, permutation_p: perm.p_value });
      }
    }
  }
  const adjusted = holm(raw.map((p) => p.permutation_p));
  const pairs: ComparePair[] = raw.map((p, k) => {
    const pAdj = adjusted[k]!;
    const winner = pAdj < 0.05 && p.mean_diff !== 0 ? (p.mean_diff > 0 ? p.a : p.b) : null;
    return { ...p, permutation_p_holm: pAdj, winner, sentence: pairSentence(p, pAdj, raw.length, winner) };
  });
  return {
    runs: rows.map((r) => ({ run_id: r.run_id, name: r.name, strategy: r.strategy, recipe_hash: r.recipe_hash, first_contest: r.first_contest, last_contest: r.last_contest, contests: r.contests_done, tickets: r.tickets, numbers_per_ticket: r.numbers_per_ticket, synthetic_data: r.synthetic === 1 })),
    metrics,
    pairs,
    notes,
  };
}

function pairSentence(p: Omit<ComparePair, 'permutation_p_holm' | 'winner' | 'sentence'>, pAdj: number, family: number, winner: string | null): string {
  const diff = `${p.mean_diff >= 0 ? '+' : ''}${formatNumber(p.mean_diff, 3)} hits per ticket`;
  const head = p.paired
    ? `${p.a} vs ${p.b} on ${p.shared_contests} shared contests: ${p.a} better on ${p.a_better}, ${p.b} on ${p.b_better}, ${p.ties} ties; mean difference ${diff}; sign test p = ${formatPValue(p.sign_p!)}, permutation p = ${formatPValue(p.permutation_p)}`
    : `${p.a} vs ${p.b} (no shared contest, unpaired): mean difference ${diff}; permutation p = ${formatPValue(p.permutation_p)}`;
  const adj = family > 1 ? ` (Holm over ${family} pairs: ${formatPValue(pAdj)})` : '';
  return `${head}${adj}: ${winner ? `${winner} did better (adjusted p < 0.05)` : 'no evidence either is better'}`;
}
