/**
 * The financial period report (`report books --from D --to D`, `GET /ledger/report.*`): the books
 * between two dates, inclusive, as one `ReportDoc` (opening and closing balance, every entry with
 * its reversals shown as such, the net per month, the balance over time with the balance
 * assertions, the real ROI beside the exact expected ROI of the tickets bought, the budgets used,
 * and whether the books are sound), and the same entries as CSV. Money is integer centavos
 * throughout; only the text formats it.
 */
import { countOf } from '../core/charts/text.js';
import { balanceChart, budgetsChart, monthlyNetChart, roiChart } from '../core/charts/books-charts.js';
import { csvLine } from '../core/csv.js';
import { type LedgerEntry, type LedgerEntryView, effectiveEntries } from '../core/finance/ledger.js';
import { formatBRL } from '../core/finance/money.js';
import { dayBefore } from '../core/finance/prices.js';
import { buildLedgerReport } from '../core/finance/report.js';
import { buildRealMoney } from '../core/finance/roi.js';
import type { ReportBlock, ReportDoc, ReportSection } from '../core/report/document.js';
import { LuckyError } from '../errors.js';
import { readBudgetViews } from '../store/budgets-repo.js';
import { readAssertions, readBalance, readEntries } from '../store/ledger-repo.js';
import { readPayoutRule } from '../store/prices-repo.js';
import { readPackageVersion } from '../version.js';
import type { UseCaseDeps } from './deps.js';
import { checkLedger } from './ledger.js';

/** The period of a books report: ISO dates, both inclusive. */
export interface BooksPeriod {
  from: string;
  to: string;
}

function checkDate(name: string, value: string): void {
  const d = new Date(`${value}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value)
    throw new LuckyError('E_INPUT_INVALID', `--${name} must be a real calendar date as YYYY-MM-DD`, [`${name}: ${value}`]);
}

function checkPeriod(p: BooksPeriod): void {
  checkDate('from', p.from);
  checkDate('to', p.to);
  if (p.from > p.to) throw new LuckyError('E_INPUT_INVALID', 'the period ends before it starts', [`from: ${p.from}`, `to: ${p.to}`]);
}

/** An entry's kind as a reader needs it: a reversal says what it cancels, a cancelled entry says by what. */
function kindOf(e: LedgerEntryView): string {
  if (e.type === 'reversal') return `reversal of #${e.reverses_id}`;
  const kind = e.type === 'prize' && e.tier ? `prize (${e.tier})` : e.type;
  return e.reversed_by !== null ? `${kind}, reversed by #${e.reversed_by}` : kind;
}

function memoOf(e: LedgerEntryView): string {
  const parts = [
    e.contest !== null ? `contest ${e.contest}` : '',
    e.tickets !== null ? `${e.tickets} ticket${e.tickets === 1 ? '' : 's'}${e.numbers_per_ticket ? ` of ${e.numbers_per_ticket}` : ''}` : '',
    e.run_id ? `run ${e.run_id}` : '',
    e.reason ?? '',
    e.note ?? '',
  ];
  return parts.filter((p) => p !== '').join('; ');
}

const pct = (x: number | null) => (x === null ? '-' : `${x.toFixed(2)}%`);

/** Everything the report and its CSV read, once. */
function readPeriod(deps: Pick<UseCaseDeps, 'catalog'>, p: BooksPeriod) {
  checkPeriod(p);
  const db = deps.catalog.db;
  const entries = readEntries(db, { since: p.from, until: p.to });
  return { entries, opening: readBalance(db, dayBefore(p.from)), closing: readBalance(db, p.to) };
}

/**
 * The financial period report for `from`..`to` (ISO dates, inclusive) as a `ReportDoc`: opening
 * balance (every entry before `from`) and closing balance (every entry up to `to`), each entry of
 * the period (date, kind, amount, memo; a reversal and the entry it cancels shown as such), the
 * net per month (bets and prizes, reversals netted out) as a table and chart, the balance over the
 * period with its balance assertions (held or not), the real ROI beside the exact expected ROI of
 * the same tickets (the house edge) by month, each budget whose window meets the period (spent
 * against its limit), and whether the books are sound (`checkLedger`); unsound books say so first
 * in the headline. Refuses a date that is not YYYY-MM-DD on the calendar, or `from` after `to`
 * (E_INPUT_INVALID).
 */
export function buildBooksReport(deps: Pick<UseCaseDeps, 'catalog' | 'clock'>, input: BooksPeriod): ReportDoc {
  const { entries, opening, closing } = readPeriod(deps, input);
  const db = deps.catalog.db;
  const check = checkLedger(deps);
  const rule = readPayoutRule(db);
  const money = buildRealMoney(entries, rule);
  const months = buildLedgerReport(entries, 'month');

  const headline: string[] = [];
  if (!check.sound)
    headline.push(
      `These books are NOT sound: ${check.problems.length} problem${check.problems.length === 1 ? '' : 's'} (${check.problems[0]!.message}). Figures below are what the rows say, not what can be trusted; run \`luckyfive ledger check\`.`,
    );
  headline.push(
    `Balance ${formatBRL(opening)} at the start of ${input.from}, ${formatBRL(closing)} at the end of ${input.to} (${closing - opening >= 0 ? '+' : ''}${formatBRL(closing - opening)}; ${countOf(entries.length, 'entry', 'entries')}).`,
  );
  headline.push(
    money.bets > 0
      ? `Bets: invested ${formatBRL(money.invested_cents)}, won ${formatBRL(money.won_cents)}, net ${formatBRL(money.net_cents)}: ROI ${pct(money.roi_pct)} against ${pct(money.expected_roi_pct)} expected for the same tickets (the house edge; one period's ROI is mostly luck).`
      : 'No bet was recorded in this period.',
  );

  // the balance over the period: after each day's entries, from the opening to the closing
  const assertions = readAssertions(db).filter((a) => a.retracted_by === null && a.assert_date >= input.from && a.assert_date <= input.to);
  const points: Array<{ date: string; balance_cents: number }> = [{ date: input.from, balance_cents: opening }];
  let running = opening;
  for (const e of entries) {
    running += e.amount_cents;
    if (points.at(-1)!.date === e.entry_date) points.at(-1)!.balance_cents = running;
    else points.push({ date: e.entry_date, balance_cents: running });
  }
  if (points.at(-1)!.date !== input.to) points.push({ date: input.to, balance_cents: running });
  const balanceAt = (date: string) => opening + entries.filter((e) => e.entry_date <= date).reduce((s, e) => s + e.amount_cents, 0);
  const checked = assertions.map((a) => ({ a, actual: balanceAt(a.assert_date) }));

  const sections: ReportSection[] = [];
  sections.push({
    heading: 'Period and books',
    blocks: [
      {
        type: 'facts',
        rows: [
          ['period', `${input.from} to ${input.to} (inclusive)`],
          ['opening balance', `${formatBRL(opening)} (every entry before ${input.from})`],
          ['closing balance', `${formatBRL(closing)} (every entry up to ${input.to})`],
          ['entries in the period', String(entries.length)],
          [
            'books',
            check.sound
              ? 'sound: hash chain, seal, reversals, signs and balance assertions verified'
              : `NOT sound: ${countOf(check.problems.length, 'problem')}`,
          ],
          ['payout rule', rule],
        ],
      },
      ...(check.sound
        ? []
        : [
            {
              type: 'table' as const,
              caption: 'What `ledger check` found',
              columns: [{ label: 'kind' }, { label: 'entry', align: 'right' as const }, { label: 'problem', align: 'left' as const }],
              rows: check.problems.map((pr) => [pr.kind, pr.entry_id === null ? '-' : `#${pr.entry_id}`, pr.message]),
            },
          ]),
    ],
  });
  sections.push({
    heading: 'Entries',
    blocks: entries.length
      ? [
          {
            type: 'table',
            caption: 'Every entry of the period, oldest first; a reversal cancels the entry it names, and both stay on the books',
            columns: [
              { label: 'date' },
              { label: 'id', align: 'right' },
              { label: 'kind', align: 'left' },
              { label: 'amount', align: 'right' },
              { label: 'memo', align: 'left' },
            ],
            rows: entries.map((e) => [e.entry_date, `#${e.id}`, kindOf(e), formatBRL(e.amount_cents), memoOf(e)]),
          },
        ]
      : [{ type: 'paragraph', text: 'No entry is dated in this period.' }],
  });
  sections.push({
    heading: 'Net per month',
    blocks: months.rows.length
      ? [
          {
            type: 'table',
            caption: 'Bets and prizes per month, reversed entries netted out (deposits and withdrawals are cash, not results)',
            columns: [
              { label: 'month' },
              { label: 'invested', align: 'right' },
              { label: 'won', align: 'right' },
              { label: 'net', align: 'right' },
              { label: 'ROI', align: 'right' },
              { label: 'balance change', align: 'right' },
            ],
            rows: [...months.rows, { ...months.total, key: 'total' }].map((r) => [
              r.key,
              formatBRL(r.invested_cents),
              formatBRL(r.won_cents),
              formatBRL(r.net_cents),
              pct(r.roi_pct),
              formatBRL(r.balance_change_cents),
            ]),
          },
          {
            type: 'chart',
            title: 'Net per month',
            spec: monthlyNetChart(months.rows.map((r) => ({ month: r.key, net_cents: r.net_cents }))),
            alt: `Net per month: ${months.rows.map((r) => `${r.key} ${formatBRL(r.net_cents)}`).join(', ')}.`,
          },
        ]
      : [{ type: 'paragraph', text: 'No bet or prize in this period.' }],
  });
  const assertionBlocks: ReportBlock[] = checked.length
    ? [
        {
          type: 'table',
          caption: 'Balance assertions dated in the period (the balance of every entry up to that date)',
          columns: [{ label: 'date' }, { label: 'asserted', align: 'right' }, { label: 'actual', align: 'right' }, { label: 'holds', align: 'left' }],
          rows: checked.map(({ a, actual }) => [a.assert_date, formatBRL(a.balance_cents), formatBRL(actual), actual === a.balance_cents ? 'yes' : 'NO']),
        },
      ]
    : [];
  sections.push({
    heading: 'Balance over time',
    blocks: [
      {
        type: 'chart',
        title: 'Balance over time',
        spec: balanceChart({
          points,
          assertions: checked.map(({ a, actual }) => ({ date: a.assert_date, expected_cents: a.balance_cents, holds: actual === a.balance_cents })),
        }),
        alt: `Balance from ${formatBRL(opening)} on ${input.from} to ${formatBRL(closing)} on ${input.to}; ${countOf(checked.length, 'balance assertion')}, ${checked.filter((c) => c.actual !== c.a.balance_cents).length} failing.`,
      },
      ...assertionBlocks,
    ],
  });
  const roiMonths = monthsOf(entries).map(([month, es]) => {
    const m = buildRealMoney(es, rule);
    return { month, invested_cents: m.invested_cents, won_cents: m.won_cents, expected_won_cents: m.expected_won_cents };
  });
  sections.push({
    heading: 'ROI against the expected ROI',
    blocks: [
      {
        type: 'facts',
        rows: [
          ['bets', `${money.bets} (${countOf(money.tickets, 'ticket')})`],
          ['invested', formatBRL(money.invested_cents)],
          ['won', formatBRL(money.won_cents)],
          ['net', formatBRL(money.net_cents)],
          ['ROI', pct(money.roi_pct)],
          [
            'expected ROI of the same tickets',
            `${pct(money.expected_roi_pct)} (expected prizes ${formatBRL(money.expected_won_cents)}: the house edge, whatever the strategy)`,
          ],
        ],
      },
      ...(money.bets > 0
        ? [
            {
              type: 'chart' as const,
              title: 'ROI against the expected ROI',
              spec: roiChart(roiMonths),
              alt: `Cumulative ROI ${pct(money.roi_pct)} at the end of the period against ${pct(money.expected_roi_pct)} expected.`,
            },
          ]
        : []),
    ],
  });
  const budgets = readBudgetViews(db, deps.clock.today).filter((b) => b.from_date <= input.to && (b.to_date === null || b.to_date >= input.from));
  sections.push({
    heading: 'Budgets used',
    blocks: budgets.length
      ? [
          {
            type: 'table',
            caption: "Budgets whose window meets the period; spent counts the bets of the budget's whole window",
            columns: [
              { label: 'budget' },
              { label: 'window', align: 'left' },
              { label: 'limit', align: 'right' },
              { label: 'spent', align: 'right' },
              { label: 'remaining', align: 'right' },
              { label: 'status', align: 'left' },
            ],
            rows: budgets.map((b) => [
              b.name,
              `${b.from_date} to ${b.to_date ?? 'open'}`,
              formatBRL(b.amount_cents),
              formatBRL(b.spent_cents),
              formatBRL(b.remaining_cents),
              b.status,
            ]),
          },
          {
            type: 'chart',
            title: 'Budgets: spent against the limit',
            spec: budgetsChart(budgets.map((b) => ({ name: b.name, spent_cents: b.spent_cents, amount_cents: b.amount_cents }))),
            alt: budgets.map((b) => `${b.name}: ${formatBRL(b.spent_cents)} of ${formatBRL(b.amount_cents)}`).join('; '),
          },
        ]
      : [{ type: 'paragraph', text: 'No budget covers any day of this period.' }],
  });
  return {
    kind: 'books',
    title: `Books from ${input.from} to ${input.to}`,
    subtitle: `financial period report: ${countOf(entries.length, 'entry', 'entries')}, balance ${formatBRL(opening)} to ${formatBRL(closing)}`,
    source: { synthetic: null, dataset_hash: null, version: readPackageVersion(), generated_at: deps.clock.now },
    headline,
    sections,
    file_stem: `books-${input.from}-${input.to}-report`,
  };
}

/** Entries grouped by calendar month (YYYY-MM), in order. */
function monthsOf(entries: readonly LedgerEntry[]): Array<[string, LedgerEntry[]]> {
  const by = new Map<string, LedgerEntry[]>();
  for (const e of effectiveEntries(entries)) {
    const m = e.entry_date.slice(0, 7);
    by.set(m, [...(by.get(m) ?? []), e]);
  }
  return [...by.entries()].sort((a, b) => a[0].localeCompare(b[0]));
}

/**
 * The period's entries as CSV, one row per ledger entry (oldest first): id, date, type, amount in
 * centavos (an integer, as every luckyfive CSV and JSON carries money), contest, tickets, numbers per ticket, run, tier, the entry it reverses and
 * the entry that reversed it, reason, note. Refuses a bad period like {@link buildBooksReport}.
 */
export function booksReportCsv(deps: Pick<UseCaseDeps, 'catalog'>, input: BooksPeriod): Iterable<string> {
  const { entries } = readPeriod(deps, input);
  const header = [
    'id',
    'date',
    'type',
    'amount_cents',
    'contest',
    'tickets',
    'numbers_per_ticket',
    'run_id',
    'tier',
    'reverses_id',
    'reversed_by',
    'reason',
    'note',
  ];
  const cell = (v: string | number | null) => (v === null ? '' : v);
  return [
    csvLine(header),
    ...entries.map((e) =>
      csvLine([
        e.id,
        e.entry_date,
        e.type,
        e.amount_cents,
        cell(e.contest),
        cell(e.tickets),
        cell(e.numbers_per_ticket),
        cell(e.run_id),
        cell(e.tier),
        cell(e.reverses_id),
        cell(e.reversed_by),
        cell(e.reason),
        cell(e.note),
      ]),
    ),
  ];
}
