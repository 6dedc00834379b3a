/**
 * A table of runs as several pages show it (overview, runs, compare): each run linked, its
 * status, strategy, contests, mean hits beside the exact expectation for its ticket size, the
 * p-value and the ROI of its simulated books.
 */
import { expectedHits } from '../../../core/odds.js';
import type { RunJson } from '../../../usecases/runs.js';
import { count, fig, pct, pval } from '../format.js';
import { type SafeHtml, html } from '../html.js';
import { dataTable } from '../table.js';

/** A link to a run's page, named by its name (or id). */
export function runLink(runId: string, name: string | null): SafeHtml {
  return html`<a href="/runs/${encodeURIComponent(runId)}">${name ?? runId}</a>`;
}

/** The runs as a captioned table inside its own scrolling container. */
export function runsTable(runs: readonly RunJson[], caption: string): SafeHtml {
  if (runs.length === 0) return html`<p>No runs to show.</p>`;
  const rows = runs.map(
    (r) =>
      html`<tr>
        <th scope="row" class="text">${runLink(r.run_id, r.name)}</th>
        <td class="text status-${r.status}">${r.status}</td>
        <td class="text">${r.strategy}</td>
        <td>${r.first_contest}–${r.last_contest}</td>
        <td>${count(r.contests_done)}</td>
        <td>${count(r.tickets)}</td>
        <td>${fig(r.mean_hits)}</td>
        <td>${fig(expectedHits(r.numbers_per_ticket))}</td>
        <td>${pval(r.p_value)}</td>
        <td>${pct(r.roi_pct)}</td>
        <td class="text">${r.created_at.slice(0, 16).replace('T', ' ')}</td>
      </tr>`,
  );
  return dataTable(
    caption,
    [
      ['run', 'text'],
      ['status', 'text'],
      ['strategy', 'text'],
      ['contests', 'figure'],
      ['done', 'figure'],
      ['tickets', 'figure'],
      ['mean hits', 'figure'],
      ['exact baseline', 'figure'],
      ['p', 'figure'],
      ['ROI', 'figure'],
      ['created (UTC)', 'text'],
    ],
    rows,
  );
}
