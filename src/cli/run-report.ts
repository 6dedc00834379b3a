/** Human rendering of a run report: figures beside their exact baseline, then the books. */
import type { RunReport } from '../engine/simulate.js';
import { type Output, formatBRL } from './output.js';

export function printRunReport(out: Output, r: RunReport): void {
  out.text(`run ${r.run_id} (${r.status})${r.name ? ` "${r.name}"` : ''}: ${r.strategy}, seed ${r.seed}, contests ${r.first_contest}..${r.last_contest}`);
  if (r.synthetic_data) out.text('DATA: SYNTHETIC sample draws, not official results');
  out.text(`${r.contests} contests, ${r.tickets} tickets of ${r.summary.numbers_per_ticket} numbers (${r.summary.tickets_per_contest} per contest)`);
  out.table(['hits', '0', '1', '2', '3', '4', '5'], [['tickets', ...r.summary.hit_distribution]]);
  const b = r.summary.baseline;
  if (b) {
    for (const fig of Object.values(b.figures)) out.text(`- ${fig.sentence}`);
    out.text(b.verdict);
  } else out.text('no contest simulated yet: nothing to compare with the baseline');
  const f = r.finance;
  out.table(
    ['cost', 'prizes', 'net', 'ROI', 'max drawdown', 'best prize', 'break-even'],
    [
      [
        formatBRL(f.cost_cents),
        formatBRL(f.prize_cents) + (f.prizes_estimated ? ' (est.)' : ''),
        formatBRL(f.net_cents),
        f.roi_pct === null ? '-' : `${f.roi_pct.toFixed(1)}%`,
        formatBRL(f.max_drawdown_cents),
        f.best_prize ? `${formatBRL(f.best_prize.prize_cents)} (#${f.best_prize.contest})` : '-',
        f.break_even_contest ?? 'never',
      ],
    ],
  );
  if (r.missing_contests.length) out.text(`missing from the catalog (not simulated): ${r.missing_contests.length} contest(s)`);
  out.text(`file: ${r.file}`);
}
