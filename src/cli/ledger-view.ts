/**
 * How ledger entries and reports look on the command line: the CSV columns and the human tables,
 * drawn from the use cases' JSON documents (whose shape is `core/finance/books-json.ts`'s).
 */
import type { EntryJson } from '../core/finance/books-json.js';
import type { LedgerReport, ReportRow } from '../core/finance/report.js';
import type { Output } from './output.js';
import { formatBRL } from './output.js';

export const ENTRY_CSV_HEAD = [
  'id',
  'entry_date',
  'type',
  'amount_cents',
  'contest',
  'tickets',
  'numbers_per_ticket',
  'run_id',
  'tier',
  'idempotency_key',
  'reverses_id',
  'reversed_by',
  'reason',
  'note',
  'created_at',
] as const;

export function entryCsvRow(e: EntryJson): unknown[] {
  return [
    e.id,
    e.entry_date,
    e.type,
    e.amount_cents,
    e.contest,
    e.tickets,
    e.numbers_per_ticket,
    e.run_id,
    e.tier,
    e.idempotency_key,
    e.reverses_id,
    e.reversed_by,
    e.reason,
    e.note,
    e.created_at,
  ];
}

/** One line for a human: `#12 2025-11-20 bet -R$ 30,00 contest 6883, 10 x 5 numbers`. */
export function describeEntry(e: EntryJson): string {
  const bits: string[] = [];
  if (e.contest !== null) bits.push(`contest ${e.contest}`);
  if (e.type === 'bet' && e.tickets !== null) bits.push(`${e.tickets} ticket${e.tickets === 1 ? '' : 's'} x ${e.numbers_per_ticket ?? 5} numbers`);
  if (e.tier) bits.push(e.tier);
  if (e.run_id) bits.push(`run ${e.run_id}`);
  if (e.reverses_id !== null) bits.push(`reverses #${e.reverses_id}`);
  if (e.reversed_by !== null) bits.push(`reversed by #${e.reversed_by}`);
  if (e.reason) bits.push(`reason: ${e.reason}`);
  return `#${e.id} ${e.entry_date} ${e.type} ${formatBRL(e.amount_cents)}${bits.length ? `  (${bits.join(', ')})` : ''}`;
}

export function printEntries(out: Output, entries: readonly EntryJson[]): void {
  out.table(
    ['id', 'date', 'type', 'amount', 'contest', 'tickets', 'tier', 'run', 'note'],
    entries.map((e) => [
      e.reversed_by !== null ? `${e.id} (reversed)` : e.id,
      e.entry_date,
      e.type,
      formatBRL(e.amount_cents),
      e.contest ?? '',
      e.tickets === null ? '' : `${e.tickets}x${e.numbers_per_ticket ?? 5}`,
      e.tier ?? '',
      e.run_id ?? '',
      e.reverses_id !== null ? `reverses #${e.reverses_id}: ${e.reason ?? ''}` : (e.note ?? ''),
    ]),
    // narrow: id, date, type, amount and the note stay
    { align: ['right', 'left', 'left', 'right', 'right', 'right', 'left', 'left', 'left'], drop: [7, 6, 5, 4] },
  );
}

export const REPORT_CSV_HEAD = [
  'key',
  'invested_cents',
  'won_cents',
  'net_cents',
  'roi_pct',
  'bets',
  'tickets',
  'prizes',
  'quina',
  'quadra',
  'terno',
  'duque',
  'deposits_cents',
  'withdrawals_cents',
  'adjustments_cents',
  'balance_change_cents',
  'cumulative_net_cents',
] as const;

export function reportCsvRow(r: ReportRow): unknown[] {
  return [
    r.key,
    r.invested_cents,
    r.won_cents,
    r.net_cents,
    r.roi_pct,
    r.bets,
    r.tickets,
    r.prizes,
    r.tier_counts.quina,
    r.tier_counts.quadra,
    r.tier_counts.terno,
    r.tier_counts.duque,
    r.deposits_cents,
    r.withdrawals_cents,
    r.adjustments_cents,
    r.balance_change_cents,
    r.cumulative_net_cents,
  ];
}

export function printReport(out: Output, report: LedgerReport): void {
  const pct = (v: number | null) => (v === null ? '-' : `${v.toFixed(2)}%`);
  const line = (r: ReportRow) => [
    r.key,
    formatBRL(r.invested_cents),
    formatBRL(r.won_cents),
    formatBRL(r.net_cents),
    pct(r.roi_pct),
    r.tickets,
    `${r.tier_counts.quina}/${r.tier_counts.quadra}/${r.tier_counts.terno}/${r.tier_counts.duque}`,
    formatBRL(r.cumulative_net_cents),
  ];
  out.table([report.group_by, 'invested', 'won', 'net', 'ROI', 'tickets', 'wins 5/4/3/2', 'cumulative net'], [...report.rows.map(line), line(report.total)], {
    align: ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    drop: [7, 6, 5],
  });
  const t = report.total;
  if (t.deposits_cents || t.withdrawals_cents || t.adjustments_cents) {
    out.text(
      `deposits ${formatBRL(t.deposits_cents)}, withdrawals ${formatBRL(t.withdrawals_cents)}, adjustments ${formatBRL(t.adjustments_cents)}; balance change ${formatBRL(t.balance_change_cents)}`,
    );
  }
}
