// The financial period report (src/usecases/report-books.ts): balances, entries with reversals,
// months, ROI beside the expected ROI, budgets, soundness, and the CSV of the period's entries.
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/clock.js';
import type { ReportBlock, ReportDoc } from '../../../src/core/report/document.js';
import { type Catalog, openCatalog } from '../../../src/store/catalog.js';
import { createBudget } from '../../../src/usecases/budgets.js';
import { assertLedgerBalance, recordLedgerEntry, reverseLedgerEntry } from '../../../src/usecases/ledger.js';
import { booksReportCsv, buildBooksReport } from '../../../src/usecases/report-books.js';
import { insertDraws, makeDraw } from '../../helpers/books.js';
import { tempDir } from '../../helpers/cli.js';
import { cleanupAfterEach } from '../../helpers/cleanups.js';

const clock: Clock = { now: '2025-11-20T12:00:00.000Z', today: '2025-11-20' };
const cleanups = cleanupAfterEach();

function books(): { catalog: Catalog; clock: Clock } {
  const t = tempDir();
  insertDraws(t.dir, [makeDraw(6800, '2025-08-15', [1, 2, 3, 4, 50]), makeDraw(6850, '2025-09-20', [5, 6, 7, 8, 9])]);
  const catalog = openCatalog(t.dir);
  cleanups.push(t.cleanup, () => catalog.close());
  return { catalog, clock };
}

const section = (doc: ReportDoc, heading: string) => doc.sections.find((s) => s.heading === heading)!;
const table = (doc: ReportDoc, heading: string) => section(doc, heading).blocks.find((b): b is Extract<ReportBlock, { type: 'table' }> => b.type === 'table')!;
const facts = (doc: ReportDoc, heading: string) =>
  new Map(
    section(doc, heading)
      .blocks.find((b): b is Extract<ReportBlock, { type: 'facts' }> => b.type === 'facts')!
      .rows.map(([k, v]) => [k, v]),
  );

describe('buildBooksReport', () => {
  it('[15.3.15] opening and closing balance, every entry (reversals as such), months, ROI vs expected, budgets, sound books', () => {
    const deps = books();
    recordLedgerEntry(deps, { type: 'deposit', amount_cents: 50_000, date: '2025-07-01' }); // before the period
    recordLedgerEntry(deps, { type: 'bet', contest: 6800, tickets: 2 }); // -600 on 2025-08-15
    recordLedgerEntry(deps, { type: 'prize', contest: 6800, tier: 'duque', amount_cents: 404 });
    const wrong = recordLedgerEntry(deps, { type: 'bet', contest: 6850, tickets: 1 }); // -300 on 2025-09-20
    reverseLedgerEntry(deps, { id: wrong.entry.id, reason: 'never played', date: '2025-09-21' });
    recordLedgerEntry(deps, { type: 'withdrawal', amount_cents: 1_000, date: '2025-09-30' });
    recordLedgerEntry(deps, { type: 'deposit', amount_cents: 7, date: '2025-10-05' }); // after the period
    assertLedgerBalance(deps, { date: '2025-08-31', balance_cents: 49_804 });
    createBudget(deps, { name: 'aug', amount_cents: 1_000, from: '2025-08-01', to: '2025-08-31' });
    createBudget(deps, { name: 'old', amount_cents: 1_000, from: '2024-01-01', to: '2024-12-31' });

    const doc = buildBooksReport(deps, { from: '2025-08-01', to: '2025-09-30' });
    expect(doc).toMatchObject({
      kind: 'books',
      file_stem: 'books-2025-08-01-2025-09-30-report',
      source: { synthetic: null, dataset_hash: null, generated_at: clock.now },
    });
    // 50,000 - 600 + 404 - 300 + 300 - 1,000
    expect(facts(doc, 'Period and books').get('opening balance')).toContain('R$ 500,00');
    expect(facts(doc, 'Period and books').get('closing balance')).toContain('R$ 488,04');
    expect(doc.headline[0]).toContain('Balance R$ 500,00 at the start of 2025-08-01, R$ 488,04 at the end of 2025-09-30 (-R$ 11,96; 5 entries)');
    expect(table(doc, 'Entries').rows.map((r) => [r[0], r[2], r[3]])).toEqual([
      ['2025-08-15', 'bet', '-R$ 6,00'],
      ['2025-08-15', 'prize (duque)', 'R$ 4,04'],
      ['2025-09-20', `bet, reversed by #${wrong.entry.id + 1}`, '-R$ 3,00'],
      ['2025-09-21', `reversal of #${wrong.entry.id}`, 'R$ 3,00'],
      ['2025-09-30', 'withdrawal', '-R$ 10,00'],
    ]);
    // the reversed bet and its reversal net out of the months: August bet 600, prize 404
    expect(table(doc, 'Net per month').rows.map((r) => r.slice(0, 4))).toEqual([
      ['2025-08', 'R$ 6,00', 'R$ 4,04', '-R$ 1,96'],
      ['2025-09', 'R$ 0,00', 'R$ 0,00', 'R$ 0,00'],
      ['total', 'R$ 6,00', 'R$ 4,04', '-R$ 1,96'],
    ]);
    const roi = facts(doc, 'ROI against the expected ROI');
    expect(roi.get('ROI')).toBe('-32.67%');
    expect(roi.get('expected ROI of the same tickets')).toMatch(/^-\d+\.\d\d% \(expected prizes R\$ \d+,\d\d/);
    expect(table(doc, 'Balance over time').rows).toEqual([['2025-08-31', 'R$ 498,04', 'R$ 498,04', 'yes']]);
    expect(table(doc, 'Budgets used').rows).toEqual([['aug', '2025-08-01 to 2025-08-31', 'R$ 10,00', 'R$ 6,00', 'R$ 4,00', 'expired']]);
    expect(facts(doc, 'Period and books').get('books')).toMatch(/^sound/);
    expect(doc.sections.flatMap((s) => s.blocks).filter((b) => b.type === 'chart')).toHaveLength(4);
  });

  it('[15.3.16] the CSV has one row per entry of the period, money in integer centavos', () => {
    const deps = books();
    recordLedgerEntry(deps, { type: 'deposit', amount_cents: 1_234, date: '2025-08-02', note: '=SUM(A1)' });
    recordLedgerEntry(deps, { type: 'withdrawal', amount_cents: 34, date: '2025-08-03' });
    recordLedgerEntry(deps, { type: 'deposit', amount_cents: 1, date: '2025-09-01' });
    const lines = [...booksReportCsv(deps, { from: '2025-08-01', to: '2025-08-31' })];
    expect(lines[0]).toBe('id,date,type,amount_cents,contest,tickets,numbers_per_ticket,run_id,tier,reverses_id,reversed_by,reason,note\n');
    expect(lines.slice(1)).toEqual(["1,2025-08-02,deposit,1234,,,,,,,,,'=SUM(A1)\n", '2,2025-08-03,withdrawal,-34,,,,,,,,,\n']);
  });

  it('[15.3.17] refuses from after to and dates off the calendar; unsound books say so first', () => {
    const deps = books();
    expect(() => buildBooksReport(deps, { from: '2025-09-01', to: '2025-08-31' })).toThrow(expect.objectContaining({ code: 'E_INPUT_INVALID' }));
    expect(() => buildBooksReport(deps, { from: '2025-02-30', to: '2025-03-01' })).toThrow(expect.objectContaining({ code: 'E_INPUT_INVALID' }));
    expect(() => [...booksReportCsv(deps, { from: 'yesterday', to: '2025-03-01' })]).toThrow(expect.objectContaining({ code: 'E_INPUT_INVALID' }));
    recordLedgerEntry(deps, { type: 'deposit', amount_cents: 100, date: '2025-08-02' });
    assertLedgerBalance(deps, { date: '2025-08-10', balance_cents: 999, force: true });
    const doc = buildBooksReport(deps, { from: '2025-08-01', to: '2025-08-31' });
    expect(doc.headline[0]).toMatch(/^These books are NOT sound: 1 problem/);
    expect(table(doc, 'Balance over time').rows).toEqual([['2025-08-10', 'R$ 9,99', 'R$ 1,00', 'NO']]);
    // an empty period still reports its balances
    expect(buildBooksReport(deps, { from: '2026-01-01', to: '2026-01-31' }).headline.at(-1)).toBe('No bet was recorded in this period.');
  });

  it('[15.3.38] one of a thing is said in the singular: 1 entry, 1 ticket, 1 balance assertion', () => {
    const deps = books();
    recordLedgerEntry(deps, { type: 'bet', contest: 6800, tickets: 1 });
    assertLedgerBalance(deps, { date: '2025-08-31', balance_cents: -300 });
    const doc = buildBooksReport(deps, { from: '2025-08-01', to: '2025-08-31' });
    const text = JSON.stringify(doc);
    expect(doc.subtitle).toContain('1 entry,');
    expect(doc.headline[0]).toContain('; 1 entry).');
    expect(facts(doc, 'ROI against the expected ROI').get('bets')).toBe('1 (1 ticket)');
    expect(text).toContain('1 balance assertion,');
    expect(text).not.toMatch(/\b1 (entries|tickets|budgets|problems|balance assertions)\b|\(s\)/);
  });
});
