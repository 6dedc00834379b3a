/**
 * A run's report as a {@link ReportDoc} (pure): what was run and on which draws, every hit figure
 * beside its exact baseline (95% interval, p, Holm p and its sentence), the tickets by hits, the
 * simulated books, and the charts (hit distribution with the 95% band of luck; best hits per
 * contest with the band luck gives its tickets; cumulative net with drawdown and break-even). The HTML, PDF and PNG of a run are all drawn from it.
 */
import type { BaselineReport } from '../baseline.js';
import { type BestHitsPoint, bestHitsChart, bestHitsRows } from '../charts/best-hits-chart.js';
import { type ContestMoney, cumulativeNetChart, hitDistributionChart } from '../charts/run-charts.js';
import type { RunTotals } from '../run-summary.js';
import type { ReportBlock, ReportDoc, ReportSection } from './document.js';

/** What the report states about a run besides its totals. */
export interface RunReportFacts extends RunTotals {
  run_id: string;
  name: string | null;
  status: string;
  strategy: string;
  seed: number;
  first_contest: number;
  last_contest: number;
  missing_contests: number[];
  synthetic_data: boolean;
  dataset_hash: string;
  engine_version: string;
  recipe_hash: string;
}

export interface RunReportInput {
  run: RunReportFacts;
  /** the run's contests in order (its money), for the cumulative-net chart; empty: no chart */
  contests: readonly ContestMoney[];
  /** each contest's best hits beside the null law of its own tickets (`bestHitsPoints`); absent or empty: no chart */
  best?: readonly BestHitsPoint[];
  /** the luckyfive version that writes the report */
  version: string;
  /** when it is written (ISO time) */
  generated_at: string;
}

/** The sentence a too-short range gets. */
export const TOO_SHORT_SENTENCE = 'This range is too short to tell: even 2+ hits per ticket is expected fewer than 5 times.';
/** The sentence a report on synthetic draws gets. */
export const SYNTHETIC_SENTENCE = 'Synthetic sample draws, not official results: these figures say nothing about the real lottery.';

/** R$ 1.234,56 */
export const brl = (cents: number) => `R$ ${(cents / 100).toLocaleString('pt-BR', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const fixed = (x: number, digits: number) => (Number.isInteger(x) ? String(x) : x.toFixed(digits));

function figuresTable(b: BaselineReport): ReportBlock {
  return {
    type: 'table',
    caption: 'Each figure beside what uniform draws give exactly',
    columns: [
      { label: 'figure', align: 'left' },
      { label: 'observed' },
      { label: 'exact baseline' },
      { label: '95% interval' },
      { label: 'p' },
      { label: 'p (Holm)' },
      { label: 'what it means', align: 'left' },
    ],
    rows: Object.values(b.figures).map((f) => [
      f.label,
      f.observed_count === null ? fixed(f.observed, 4) : `${f.observed_count} (${pct(f.observed)})`,
      f.expected_count === null ? fixed(f.expected, 4) : `${fixed(f.expected_count, 2)} (${pct(f.expected)})`,
      f.observed_count === null ? `${fixed(f.ci95[0], 4)} – ${fixed(f.ci95[1], 4)}` : `${pct(f.ci95[0])} – ${pct(f.ci95[1])}`,
      f.p_value.toPrecision(2),
      f.p_adjusted === null ? 'too short' : f.p_adjusted.toPrecision(2),
      f.sentence,
    ]),
  };
}

function distributionTable(b: BaselineReport): ReportBlock {
  return {
    type: 'table',
    caption: 'Tickets by hits',
    columns: [{ label: 'hits' }, { label: 'tickets' }, { label: 'expected (exact)' }, { label: 'probability per ticket' }],
    rows: b.distribution.map((d) => [String(d.hits), String(d.observed), fixed(d.expected, 2), d.probability.toPrecision(4)]),
  };
}

/** The run's report document. */
export function buildRunReport(input: RunReportInput): ReportDoc {
  const r = input.run;
  const b = r.summary.baseline;
  const f = r.finance;
  const missing = r.missing_contests.length ? `, ${r.missing_contests.length} missing from the catalog` : '';
  const facts: Array<[string, string]> = [
    ['run', r.run_id],
    ['name', r.name ?? '–'],
    ['status', r.status],
    ['strategy, seed', `${r.strategy}, ${r.seed}`],
    ['contests', `${r.first_contest}..${r.last_contest} (${r.contests} simulated${missing})`],
    ['tickets', `${r.tickets} (${r.summary.tickets_per_contest} a contest, ${r.summary.numbers_per_ticket} numbers each)`],
    ['draws', r.synthetic_data ? 'synthetic sample' : 'official results'],
    ['dataset hash', r.dataset_hash],
    ['recipe hash', r.recipe_hash],
    ['engine', r.engine_version],
  ];
  const headline = [b ? b.verdict : 'No tickets: nothing to compare with the baseline.'];
  if (b?.too_short) headline.push(TOO_SHORT_SENTENCE);
  if (r.synthetic_data) headline.push(SYNTHETIC_SENTENCE);

  const hits: ReportBlock[] = [
    {
      type: 'paragraph',
      text: 'Draws are uniform: no strategy beats these odds in expectation. Each figure stands beside what uniform draws give exactly (the exact baseline), with its 95% interval and p-value; p (Holm) is adjusted for looking at several figures at once.',
    },
  ];
  if (b) {
    hits.push(figuresTable(b), distributionTable(b));
    hits.push({
      type: 'chart',
      title: 'Hits per ticket',
      spec: hitDistributionChart(b.distribution, b.tickets),
      alt: `Tickets by hits: observed beside the exact expectation and the 95% band of uniform draws, over ${b.tickets} tickets.`,
    });
  } else hits.push({ type: 'paragraph', text: 'No tickets: nothing to compare with the baseline.' });
  if (input.best && input.best.length > 0) {
    const rows = bestHitsRows(input.best);
    const above = rows.filter((v) => v.best > v.hi).length;
    const below = rows.filter((v) => v.best < v.lo).length;
    hits.push({
      type: 'chart',
      title: 'Best hits per contest',
      spec: bestHitsChart(input.best),
      alt: `Best hits per contest over contests ${r.first_contest}..${r.last_contest}, beside the exact expected best and the 95% band uniform draws give those very tickets: ${above} of ${rows.length} contests above the band and ${below} below, where luck alone puts about 2.5% on each side.`,
    });
  }

  const books: ReportBlock[] = [
    {
      type: 'table',
      columns: [{ label: 'money', align: 'left' }, { label: 'simulated' }],
      rows: [
        ['cost', brl(f.cost_cents)],
        ['prizes', `${brl(f.prize_cents)}${f.prizes_estimated ? ' (some estimated)' : ''}`],
        ['net', brl(f.net_cents)],
        ['ROI', f.roi_pct === null ? '–' : `${f.roi_pct.toFixed(1)}%`],
        ['max drawdown', brl(f.max_drawdown_cents)],
        ['break-even', f.break_even_contest === null ? 'never' : `contest ${f.break_even_contest}`],
      ],
    },
  ];
  if (input.contests.length > 0)
    books.push({
      type: 'chart',
      title: 'Cumulative net',
      spec: cumulativeNetChart(input.contests),
      alt: `Cumulative net and drawdown in reais over contests ${r.first_contest}..${r.last_contest}; break-even is the line at zero.`,
    });

  const sections: ReportSection[] = [
    { heading: 'What was run', blocks: [{ type: 'facts', rows: facts }] },
    { heading: 'Hits beside the exact baseline', blocks: hits },
    { heading: 'The simulated books', blocks: books },
  ];
  return {
    kind: 'run',
    title: `luckyfive run ${r.run_id}${r.name ? `: ${r.name}` : ''}`,
    subtitle: `${r.strategy}, seed ${r.seed}; contests ${r.first_contest}..${r.last_contest}; ${r.tickets} tickets; ${r.synthetic_data ? 'synthetic sample draws' : 'official results'}`,
    source: { synthetic: r.synthetic_data, dataset_hash: r.dataset_hash, version: input.version, generated_at: input.generated_at },
    headline,
    sections,
    file_stem: `${r.run_id}-report`,
  };
}
