/**
 * A comparison's report (`report compare RUN RUN ...`, `GET /compare/report.*`) as one
 * `ReportDoc`: what `compareRuns` computes (every metric of every run beside its own exact
 * baseline, the paired tests of every pair with Holm-adjusted p-values and their sentences), and
 * the paired difference per contest as a chart; and the per-contest series as CSV (one row per
 * contest: each run's mean hits per ticket and each pair's difference).
 */
import { countOf } from '../core/charts/text.js';
import { pairedDifferenceChart } from '../core/charts/compare-charts.js';
import { csvLine } from '../core/csv.js';
import { METRIC_NAMES } from '../core/metrics.js';
import { formatMetric } from '../core/ranking.js';
import type { ReportDoc, ReportSection } from '../core/report/document.js';
import { formatNumber, formatPValue } from '../core/stats/format.js';
import { LuckyError } from '../errors.js';
import type { PredictPool } from '../engine/pool.js';
import { getRun } from '../store/runs-repo.js';
import { readPackageVersion } from '../version.js';
import { type CompareReport, compareRuns } from './compare.js';
import type { UseCaseDeps } from './deps.js';
import { listRunContests, showRun } from './runs.js';

/** With a `signal` (the server) the pair tests run on the `pool`'s threads and an abort stops them, as in `compareRuns`. */
type Deps = Pick<UseCaseDeps, 'catalog' | 'clock'> & { pool?: PredictPool | undefined; signal?: AbortSignal | undefined };

/** At most this many pairs get a chart (every pair is in the tests table). */
const MAX_PAIR_CHARTS = 6;

function checkIds(ids: readonly string[]): void {
  if (ids.length < 2) throw new LuckyError('E_INPUT_INVALID', 'a comparison needs at least two runs', [`run_ids: ${ids.length} given`]);
}

/** Mean hits per ticket in each contest of a run (contests without tickets left out), in contest order: what the paired tests compare. */
export function hitsPerContest(deps: Pick<UseCaseDeps, 'catalog'>, runId: string): Map<number, number> {
  const out = new Map<number, number>();
  let after: number | undefined;
  for (;;) {
    const page = listRunContests(deps, { run_id: runId, after, limit: 5_000 });
    for (const c of page.items) {
      const n = c.hits_histogram.reduce((s, x) => s + x, 0);
      if (n > 0) out.set(c.contest, c.hits_histogram.reduce((s, x, h) => s + x * h, 0) / n);
    }
    if (page.next === null) return out;
    after = page.next;
  }
}

/** Each pair (in `compareRuns`' order) with its per-contest differences A - B over the contests both have. */
function pairDiffs(report: CompareReport, series: ReadonlyMap<string, Map<number, number>>) {
  return report.pairs.map((pair) => {
    const a = series.get(pair.a)!;
    const b = series.get(pair.b)!;
    const contests = [...a.keys()].filter((c) => b.has(c)).sort((x, y) => x - y);
    return { pair, diffs: contests.map((contest) => ({ contest, diff: a.get(contest)! - b.get(contest)! })) };
  });
}

/**
 * A comparison of 2+ completed runs as a `ReportDoc`: the draws (synthetic or official, the
 * dataset hash the runs share), a headline with each pair's honesty sentence (paired sign and
 * permutation tests on per-contest mean hits, Holm-adjusted over all pairs), "too short to tell"
 * for a run whose range is, and the notes (unpaired pairs); sections: the runs, every metric of
 * every run beside its exact baseline and p-value with its rank, the pair tests, and the paired
 * difference per contest with the mean and its 95% interval (the first 6 pairs). Refuses fewer
 * than two ids (E_INPUT_INVALID) and whatever `compareRuns` refuses: a repeated id (E_USAGE), an
 * unknown run (E_NOT_FOUND), one not completed (E_CONFLICT), runs on different draws. With a
 * `signal` (the server), the tests run on the `pool` and an abort ends it with E_INTERRUPTED.
 */
export async function buildCompareReport(deps: Deps, input: { run_ids: readonly string[] }): Promise<ReportDoc> {
  checkIds(input.run_ids);
  const report = await compareRuns(deps, { ids: input.run_ids, metrics: METRIC_NAMES });
  const series = new Map(report.runs.map((r) => [r.run_id, hitsPerContest(deps, r.run_id)]));
  const hashes = new Set(report.runs.map((r) => getRun(deps.catalog.db, r.run_id)?.dataset_hash ?? null));
  const synthetic = report.runs.some((r) => r.synthetic_data);

  const headline: string[] = [];
  if (synthetic) headline.push('Synthetic sample draws, not official results: nothing here says anything about the real Quina.');
  for (const r of report.runs) {
    const baseline = showRun(deps, { run_id: r.run_id }).summary.baseline;
    if (baseline?.too_short) headline.push(`Run ${r.run_id}: too short to tell (even 2+ hits per ticket is expected fewer than 5 times over its range).`);
  }
  headline.push(...report.pairs.map((p) => `${p.sentence}.`));
  headline.push(...report.notes.map((n) => `${n}.`));

  const sections: ReportSection[] = [
    {
      heading: 'Runs',
      blocks: [
        {
          type: 'table',
          columns: [
            { label: 'run' },
            { label: 'name', align: 'left' },
            { label: 'strategy', align: 'left' },
            { label: 'contests', align: 'right' },
            { label: 'range', align: 'right' },
            { label: 'tickets', align: 'right' },
            { label: 'numbers', align: 'right' },
            { label: 'draws', align: 'left' },
          ],
          rows: report.runs.map((r) => [
            r.run_id,
            r.name ?? '',
            r.strategy,
            String(r.contests),
            `${r.first_contest}..${r.last_contest}`,
            String(r.tickets),
            String(r.numbers_per_ticket),
            r.synthetic_data ? 'synthetic' : 'official',
          ]),
        },
      ],
    },
    {
      heading: 'Every figure beside its baseline',
      blocks: [
        {
          type: 'table',
          caption:
            "Each metric of each run beside its exact baseline (money metrics have none) and the p-value against it; rank by lift over each run's own baseline for hit metrics, by value for money",
          columns: [
            { label: 'metric' },
            { label: 'run', align: 'left' },
            { label: 'rank', align: 'right' },
            { label: 'value', align: 'right' },
            { label: 'baseline', align: 'right' },
            { label: 'lift', align: 'right' },
            { label: 'p', align: 'right' },
          ],
          rows: report.metrics.flatMap((m) =>
            m.values.map((v) => [
              `${m.metric}${m.winner === v.run_id ? ' (best)' : ''}`,
              v.run_id,
              v.rank === null ? '-' : String(v.rank),
              formatMetric(m.metric, v.value),
              formatMetric(m.metric, v.baseline),
              v.lift === null ? '-' : formatNumber(v.lift, 3),
              v.p_value === null ? '-' : formatPValue(v.p_value),
            ]),
          ),
        },
      ],
    },
    {
      heading: 'Paired tests',
      blocks: [
        {
          type: 'table',
          caption: `Per pair, on the contests both covered: per-contest mean hits A - B; p-values raw and Holm-adjusted over ${report.pairs.length === 1 ? 'the 1 pair' : `the ${report.pairs.length} pairs`}`,
          columns: [
            { label: 'A' },
            { label: 'B', align: 'left' },
            { label: 'contests', align: 'right' },
            { label: 'mean A - B', align: 'right' },
            { label: 'A better', align: 'right' },
            { label: 'B better', align: 'right' },
            { label: 'ties', align: 'right' },
            { label: 'sign p', align: 'right' },
            { label: 'permutation p', align: 'right' },
            { label: 'Holm p', align: 'right' },
            { label: 'winner', align: 'left' },
          ],
          rows: report.pairs.map((p) => [
            p.a,
            p.b,
            p.paired ? String(p.shared_contests) : 'unpaired',
            formatNumber(p.mean_diff, 3),
            p.a_better === null ? '-' : String(p.a_better),
            p.b_better === null ? '-' : String(p.b_better),
            p.ties === null ? '-' : String(p.ties),
            p.sign_p === null ? '-' : formatPValue(p.sign_p),
            formatPValue(p.permutation_p),
            formatPValue(p.permutation_p_holm),
            p.winner ?? 'none',
          ]),
        },
        // what each pair's test means, as a sentence under the table: a column of sentences is a
        // word per line on a narrow page
        ...report.pairs.map((p) => ({ type: 'paragraph' as const, text: `${p.sentence}.` })),
      ],
    },
  ];
  const charted = pairDiffs(report, series).filter((d) => d.diffs.length > 0);
  if (charted.length)
    sections.push({
      heading: 'Paired differences per contest',
      blocks: [
        ...charted.slice(0, MAX_PAIR_CHARTS).map(({ pair, diffs }) => ({
          type: 'chart' as const,
          title: `${pair.a} minus ${pair.b}`,
          spec: pairedDifferenceChart({ a: pair.a, b: pair.b, unit: 'mean hits per ticket', diffs }),
          alt: `Per-contest difference in mean hits per ticket, ${pair.a} minus ${pair.b}, over ${countOf(diffs.length, 'shared contest')}: mean ${formatNumber(pair.mean_diff, 3)}, permutation p = ${formatPValue(pair.permutation_p)}, Holm p = ${formatPValue(pair.permutation_p_holm)}.`,
        })),
        ...(charted.length > MAX_PAIR_CHARTS
          ? [{ type: 'paragraph' as const, text: `The first ${MAX_PAIR_CHARTS} of ${charted.length} pairs are charted; every pair is in the tests table.` }]
          : []),
      ],
    });
  return {
    kind: 'compare',
    title: `Comparison of ${report.runs.length} runs`,
    subtitle: report.runs.map((r) => `${r.run_id}${r.name ? ` (${r.name})` : ''}`).join(' vs '),
    source: {
      synthetic,
      dataset_hash: hashes.size === 1 ? [...hashes][0]! : null,
      version: readPackageVersion(),
      generated_at: deps.clock.now,
    },
    headline,
    sections,
    file_stem: `compare-${report.runs.map((r) => r.run_id).join('-')}-report`,
  };
}

/**
 * The per-contest series of a comparison as CSV, one row per contest any run covered (in order):
 * the contest, each run's mean hits per ticket (`hits_<run id>`, empty where the run lacks the
 * contest) and each pair's difference A - B (`diff_<A>_minus_<B>`, where both have it): the very
 * numbers the paired tests use. Refuses like {@link buildCompareReport}.
 */
export async function compareReportCsv(deps: Deps, input: { run_ids: readonly string[] }): Promise<Iterable<string>> {
  checkIds(input.run_ids);
  // compareRuns checks the runs (completed, same draws) before any series is read
  const report = await compareRuns(deps, { ids: input.run_ids, metrics: [] });
  const ids = report.runs.map((r) => r.run_id);
  const series = ids.map((id) => hitsPerContest(deps, id));
  const pairs = report.pairs.map((p) => [ids.indexOf(p.a), ids.indexOf(p.b)] as const);
  const contests = [...new Set(series.flatMap((s) => [...s.keys()]))].sort((a, b) => a - b);
  const cell = (v: number | undefined) => (v === undefined ? '' : v);
  return [
    csvLine(['contest', ...ids.map((id) => `hits_${id}`), ...pairs.map(([i, j]) => `diff_${ids[i]}_minus_${ids[j]}`)]),
    ...contests.map((c) => {
      const values = series.map((s) => s.get(c));
      return csvLine([c, ...values.map(cell), ...pairs.map(([i, j]) => (values[i] === undefined || values[j] === undefined ? '' : values[i] - values[j]))]);
    }),
  ];
}
