/**
 * A run's report as one self-contained HTML file: the data it came from, every hit figure beside
 * its exact baseline (with its 95% interval, p-value and plain sentence), the books, and the
 * charts as inline SVG. No script, no external URL: a cron job can mail it as it is.
 */
import type { BaselineReport } from '../baseline.js';
import type { RunTotals } from '../run-summary.js';

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

export interface RunReportHtmlInput {
  run: RunReportFacts;
  /** rendered charts, in order, each an `<svg>` element */
  charts: readonly string[];
  /** the luckyfive version that wrote the report */
  version: string;
  /** when the report was written (ISO time) */
  generated_at: string;
}

/** Text for HTML: `&`, `<`, `>`, `"` and `'` escaped. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const brl = (cents: number) => `R$ ${(cents / 100).toLocaleString('pt-BR', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const fixed = (x: number, digits: number) => (Number.isInteger(x) ? String(x) : x.toFixed(digits));

const STYLE = `body{font-family:"DejaVu Sans",Verdana,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#222;line-height:1.45}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:right}th:first-child,td:first-child{text-align:left}
.note{background:#fff6d5;border:1px solid #e0c860;padding:.5rem .75rem}.facts td{text-align:left}.chart{margin:1rem 0;overflow-x:auto}
footer{margin-top:2rem;font-size:.85rem;color:#555}`;

function figuresTable(b: BaselineReport): string {
  const rows = Object.values(b.figures).map((f) => {
    const observed = f.observed_count === null ? fixed(f.observed, 4) : `${f.observed_count} (${pct(f.observed)})`;
    const expected = f.expected_count === null ? fixed(f.expected, 4) : `${fixed(f.expected_count, 2)} (${pct(f.expected)})`;
    const ci = f.observed_count === null ? `${fixed(f.ci95[0], 4)} – ${fixed(f.ci95[1], 4)}` : `${pct(f.ci95[0])} – ${pct(f.ci95[1])}`;
    return `<tr><td>${escapeHtml(f.label)}</td><td>${observed}</td><td>${expected}</td><td>${ci}</td><td>${f.p_value.toPrecision(2)}</td><td>${f.p_adjusted === null ? 'too short' : f.p_adjusted.toPrecision(2)}</td><td style="text-align:left">${escapeHtml(f.sentence)}</td></tr>`;
  });
  return `<table><thead><tr><th>figure</th><th>observed</th><th>exact baseline</th><th>95% interval</th><th>p</th><th>p (Holm)</th><th>what it means</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function distributionTable(b: BaselineReport): string {
  const rows = b.distribution.map(
    (d) => `<tr><td>${d.hits}</td><td>${d.observed}</td><td>${fixed(d.expected, 2)}</td><td>${d.probability.toPrecision(4)}</td></tr>`,
  );
  return `<table><thead><tr><th>hits</th><th>tickets</th><th>expected (exact)</th><th>probability per ticket</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** The whole report. */
export function runReportHtml(input: RunReportHtmlInput): string {
  const r = input.run;
  const b = r.summary.baseline;
  const f = r.finance;
  const title = `luckyfive run ${r.run_id}${r.name ? `: ${r.name}` : ''}`;
  const source = r.synthetic_data
    ? '<p class="note"><strong>Synthetic sample draws</strong>, not official results: these figures say nothing about the real lottery.</p>'
    : '<p>Official results, as imported.</p>';
  const facts: Array<[string, string]> = [
    ['run', r.run_id],
    ['status', r.status],
    ['strategy, seed', `${r.strategy}, ${r.seed}`],
    [
      'contests',
      `${r.first_contest}..${r.last_contest} (${r.contests} simulated${r.missing_contests.length ? `, ${r.missing_contests.length} missing from the catalog` : ''})`,
    ],
    ['tickets', `${r.tickets} (${r.summary.tickets_per_contest} a contest, ${r.summary.numbers_per_ticket} numbers each)`],
    ['draws', r.synthetic_data ? 'synthetic sample' : 'official results'],
    ['dataset hash', r.dataset_hash],
    ['recipe hash', r.recipe_hash],
    ['engine', r.engine_version],
  ];
  const hits = b
    ? `<p><strong>${escapeHtml(b.verdict)}</strong></p>${b.too_short ? '<p class="note">This range is too short to tell: even 2+ hits per ticket is expected fewer than 5 times.</p>' : ''}${figuresTable(b)}<h3>Tickets by hits</h3>${distributionTable(b)}`
    : '<p>No tickets: nothing to compare with the baseline.</p>';
  const money = `<table><tbody>
<tr><td>cost</td><td>${brl(f.cost_cents)}</td></tr><tr><td>prizes</td><td>${brl(f.prize_cents)}${f.prizes_estimated ? ' (some estimated)' : ''}</td></tr>
<tr><td>net</td><td>${brl(f.net_cents)}</td></tr><tr><td>ROI</td><td>${f.roi_pct === null ? '–' : `${f.roi_pct.toFixed(1)}%`}</td></tr>
<tr><td>max drawdown</td><td>${brl(f.max_drawdown_cents)}</td></tr><tr><td>break-even</td><td>${f.break_even_contest === null ? 'never' : `contest ${f.break_even_contest}`}</td></tr>
</tbody></table>`;
  const charts = input.charts.map((svg) => `<div class="chart">${svg}</div>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main>
<h1>${escapeHtml(title)}</h1>
${source}
<table class="facts"><tbody>${facts.map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</tbody></table>
<h2>Hits beside the exact baseline</h2>
<p>Draws are uniform: no strategy beats these odds in expectation. Each figure stands beside what uniform draws give exactly, with its 95% interval and p-value.</p>
${hits}
<h2>Charts</h2>
${charts}
<h2>The simulated books</h2>
${money}
</main>
<footer>Written by luckyfive ${escapeHtml(input.version)} at ${escapeHtml(input.generated_at)} from dataset ${escapeHtml(r.dataset_hash)} (${r.synthetic_data ? 'synthetic' : 'official'} draws).</footer>
</body></html>
`;
}
