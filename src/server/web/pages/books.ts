/**
 * `/books`: the real books for a period (a GET form; by default from the first entry to today):
 * the balance, whether the books are sound, the financial period report (net per month, balance
 * over time, ROI against the expected ROI, budgets used; charts included), every budget with
 * what it has used of its limit, and the period's ledger entries one page at a time.
 */
import type { FastifyPluginCallback } from 'fastify';
import { z } from 'zod';
import { readClock } from '../../../clock.js';
import { listBudgets } from '../../../usecases/budgets.js';
import { checkLedger, listLedgerEntries, showLedgerBalance } from '../../../usecases/ledger.js';
import { buildBooksReport } from '../../../usecases/report-books.js';
import type { ServerContext } from '../../context.js';
import { decodeKeyCursor, encodeKeyCursor } from '../../schemas.js';
import { brl, count } from '../format.js';
import { html } from '../html.js';
import { type PageCache, pageRoute, parseQuery } from '../page-route.js';
import { dataTable } from '../table.js';
import { reportDocBody } from '../report-doc.js';

const ENTRIES_PER_PAGE = 25;
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD');
const Query = z.strictObject({ from: Day.optional(), to: Day.optional(), cursor: z.string().max(1024).optional() });

const booksPage: FastifyPluginCallback<{ ctx: ServerContext; cache: PageCache }> = (app, { ctx, cache }, done) => {
  const deps = () => ({ catalog: ctx.catalog, clock: readClock(new Date(ctx.now())) });
  pageRoute(app, cache, '/books', { active: '/books', role: 'viewer', extraKey: () => deps().clock.today }, async (request) => {
    const q = parseQuery(Query, request.query);
    const d = deps();
    const first = listLedgerEntries(d, { limit: 1 }).entries[0]?.entry_date;
    const period = { from: q.from ?? (first !== undefined && first < d.clock.today ? first : d.clock.today), to: q.to ?? d.clock.today };
    const report = buildBooksReport(d, period);
    const sound = checkLedger(d);
    const balance = showLedgerBalance(d, {});
    const after = q.cursor === undefined ? undefined : decodeKeyCursor('books.entries', q.cursor, ['string', 'number']);
    const page = listLedgerEntries(d, {
      since: period.from,
      until: period.to,
      limit: ENTRIES_PER_PAGE,
      after: after === undefined ? undefined : { entry_date: after[0] as string, id: after[1] as number },
    });
    const budgets = listBudgets(d).budgets;
    const url = (cursor?: string) => {
      const p = new URLSearchParams({ from: period.from, to: period.to });
      if (cursor !== undefined) p.set('cursor', cursor);
      return `/books?${p.toString()}`;
    };
    const next = page.next ? encodeKeyCursor('books.entries', [page.next.entry_date, page.next.id]) : undefined;
    const entryRows = page.entries.map(
      (e) =>
        html`<tr>
          <th scope="row">${e.id}</th>
          <td class="text">${e.entry_date}</td>
          <td class="text">
            ${e.type}${e.tier ? ` (${e.tier})` : ''}${e.reverses_id !== null ? `, reverses #${e.reverses_id}` : ''}${e.reversed_by !== null ? `, reversed by #${e.reversed_by}` : ''}
          </td>
          <td>${brl(e.amount_cents)}</td>
          <td>${e.contest ?? ''}</td>
          <td>${e.tickets ?? ''}</td>
          <td class="text">${e.run_id ?? ''}</td>
        </tr>`,
    );
    const body = html`<h1>Books</h1>
      <div class="cards">
        <section class="card" aria-labelledby="bal-h">
          <h2 id="bal-h">Balance today</h2>
          <p class="big">${brl(balance.balance_cents)}</p>
          <p>as of ${balance.date}</p>
        </section>
        <section class="card" aria-labelledby="sound-h">
          <h2 id="sound-h">Soundness</h2>
          <p class="big ${sound.sound ? 'good' : 'bad'}">${sound.sound ? 'sound' : 'NOT sound'}</p>
          ${
            sound.sound
              ? html`<p>Every seal and balance assertion checks out.</p>`
              : html`<ul>
                  ${sound.problems.map((p) => html`<li>${p.message}</li>`)}
                </ul>`
          }
        </section>
      </div>
      <form class="filters" method="get" action="/books">
        <label for="f-from">From <input id="f-from" name="from" type="date" value="${period.from}" /></label>
        <label for="f-to">To <input id="f-to" name="to" type="date" value="${period.to}" /></label>
        <button type="submit">Show period</button>
      </form>
      ${await reportDocBody(report, { omit: ['Entries'] })}
      <section>
        <h2>All budgets</h2>
        ${
          budgets.length === 0
            ? html`<p>No budgets.</p>`
            : dataTable(
                'Budgets with what they have used of their limit',
                [
                  ['budget', 'text'],
                  ['window', 'text'],
                  ['status', 'text'],
                  ['used', 'figure'],
                  ['limit', 'figure'],
                  ['used %', 'figure'],
                  ['left', 'figure'],
                ],
                budgets.map(
                  (b) =>
                    html`<tr>
                      <th scope="row" class="text">${b.name}</th>
                      <td class="text">${b.from_date} – ${b.to_date}</td>
                      <td class="text">${b.status}</td>
                      <td>${brl(b.spent_cents)}</td>
                      <td>${brl(b.amount_cents)}</td>
                      <td>${b.amount_cents > 0 ? `${((b.spent_cents / b.amount_cents) * 100).toFixed(1)}%` : '–'}</td>
                      <td>${brl(b.remaining_cents)}</td>
                    </tr>`,
                ),
              )
        }
      </section>
      <section>
        <h2 id="entries">Ledger entries</h2>
        ${
          page.entries.length === 0
            ? html`<p>No entries in this period.</p>`
            : dataTable(
                `Entries ${period.from} – ${period.to}, oldest first (${count(page.entries.length)} on this page)`,
                [
                  ['#', 'figure'],
                  ['date', 'text'],
                  ['kind', 'text'],
                  ['amount', 'figure'],
                  ['contest', 'figure'],
                  ['tickets', 'figure'],
                  ['run', 'text'],
                ],
                entryRows,
              )
        }
        <nav class="pager" aria-label="Entry pages">
          ${q.cursor !== undefined ? html`<a href="${url()}#entries">First entries</a>` : ''}${next ? html`<a href="${url(next)}#entries" rel="next">Next entries</a>` : ''}
        </nav>
      </section>`;
    return { title: 'Books', body };
  });
  done();
};

export default booksPage;
