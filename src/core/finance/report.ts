/**
 * Ledger reports: invested, won, net and ROI per month, ISO week, run or prize tier, with
 * per-tier win counts and the cumulative profit. Built from the effective entries only, so a
 * reversed entry and its reversal vanish together from every group and every total.
 */
import { type LedgerEntry, TIER_NAMES, type TierName, effectiveEntries } from './ledger.js';

export const GROUP_BYS = ['month', 'week', 'run', 'tier'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

export interface ReportRow {
  key: string;
  invested_cents: number;
  won_cents: number;
  /** won - invested: the betting result, without deposits and withdrawals */
  net_cents: number;
  /** net / invested x 100, two decimals; null without bets */
  roi_pct: number | null;
  bets: number;
  tickets: number;
  prizes: number;
  /** winning 5-number combinations per tier */
  tier_counts: Record<TierName, number>;
  deposits_cents: number;
  withdrawals_cents: number;
  adjustments_cents: number;
  /** every amount in the group: net + deposits + withdrawals + adjustments */
  balance_change_cents: number;
  /** running sum of net_cents over the rows so far (the profit curve) */
  cumulative_net_cents: number;
}

export interface LedgerReport {
  group_by: GroupBy;
  rows: ReportRow[];
  total: ReportRow;
}

export function roiPct(investedCents: number, wonCents: number): number | null {
  if (investedCents <= 0) return null;
  return Math.round(((wonCents - investedCents) / investedCents) * 10_000) / 100;
}

/** ISO 8601 week of a YYYY-MM-DD date, as `2025-W48`. */
export function isoWeek(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d));
  const dow = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - dow); // the Thursday of this week decides its year
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((t.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${t.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

const NO_RUN = '(no run)';
const NO_TIER = '(no tier)';

function keyOf(e: LedgerEntry, groupBy: GroupBy): string {
  switch (groupBy) {
    case 'month':
      return e.entry_date.slice(0, 7);
    case 'week':
      return isoWeek(e.entry_date);
    case 'run':
      return e.run_id ?? NO_RUN;
    case 'tier':
      return e.tier ?? NO_TIER;
  }
}

function emptyRow(key: string): ReportRow {
  return {
    key,
    invested_cents: 0,
    won_cents: 0,
    net_cents: 0,
    roi_pct: null,
    bets: 0,
    tickets: 0,
    prizes: 0,
    tier_counts: { quina: 0, quadra: 0, terno: 0, duque: 0 },
    deposits_cents: 0,
    withdrawals_cents: 0,
    adjustments_cents: 0,
    balance_change_cents: 0,
    cumulative_net_cents: 0,
  };
}

function add(row: ReportRow, e: LedgerEntry): void {
  row.balance_change_cents += e.amount_cents;
  switch (e.type) {
    case 'bet':
      row.invested_cents -= e.amount_cents;
      row.bets += 1;
      row.tickets += e.tickets ?? 0;
      break;
    case 'prize':
      row.won_cents += e.amount_cents;
      row.prizes += 1;
      if (e.tier) row.tier_counts[e.tier] += e.tickets ?? 1;
      break;
    case 'deposit':
      row.deposits_cents += e.amount_cents;
      break;
    case 'withdrawal':
      row.withdrawals_cents += e.amount_cents;
      break;
    case 'adjustment':
      row.adjustments_cents += e.amount_cents;
      break;
    case 'reversal':
      // never reached: effectiveEntries drops reversals with the entries they cancel
      break;
  }
}

function finish(row: ReportRow): void {
  row.net_cents = row.won_cents - row.invested_cents;
  row.roi_pct = roiPct(row.invested_cents, row.won_cents);
}

function orderKeys(keys: string[], groupBy: GroupBy): string[] {
  if (groupBy === 'tier') {
    const rank = (k: string) => {
      const i = (TIER_NAMES as readonly string[]).indexOf(k);
      return i < 0 ? TIER_NAMES.length : i;
    };
    return keys.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  }
  // months and ISO weeks sort chronologically as text; runs by id, "(no run)" last
  return keys.sort((a, b) => Number(a === NO_RUN) - Number(b === NO_RUN) || a.localeCompare(b));
}

/** The report for `entries` (all of them, reversals included: they are netted out here). */
export function buildLedgerReport(entries: readonly LedgerEntry[], groupBy: GroupBy): LedgerReport {
  const groups = new Map<string, ReportRow>();
  const total = emptyRow('total');
  for (const e of effectiveEntries(entries)) {
    const key = keyOf(e, groupBy);
    let row = groups.get(key);
    if (!row) groups.set(key, (row = emptyRow(key)));
    add(row, e);
    add(total, e);
  }
  const rows = orderKeys([...groups.keys()], groupBy).map((k) => groups.get(k)!);
  let cumulative = 0;
  for (const row of rows) {
    finish(row);
    cumulative += row.net_cents;
    row.cumulative_net_cents = cumulative;
  }
  finish(total);
  total.cumulative_net_cents = cumulative;
  return { group_by: groupBy, rows, total };
}
