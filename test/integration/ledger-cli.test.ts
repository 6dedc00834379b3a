import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { booksCli } from '../helpers/books.js';

const books = booksCli();
const { run } = books;

describe('ledger reverse, settle, check', () => {
  it('reversal appends -amount; reversing twice or reversing a reversal is E_CONFLICT; unknown id is exit 3', async () => {
    await run('ledger', 'add', 'deposit', '--amount', '100', '--date', '2025-11-01');
    await run('ledger', 'add', 'bet', '--contest', '6800', '--tickets', '1');
    const r = await run('ledger', 'reverse', '2', '--reason', 'wrong slip', '--date', '2025-11-02', '--json');
    expect(r.code).toBe(0);
    expect(r.json().entry).toMatchObject({ id: 3, type: 'reversal', amount_cents: 300, reverses_id: 2, reason: 'wrong slip', contest: 6800 });
    const again = await run('ledger', 'reverse', '2', '--reason', 'again');
    expect(again.code).toBe(4);
    expect(again.stderr).toMatch(/already reversed by entry 3/);
    expect((await run('ledger', 'reverse', '3', '--reason', 'undo')).code).toBe(4);
    expect((await run('ledger', 'reverse', '99', '--reason', 'x')).code).toBe(3);
    expect((await run('ledger', 'balance', '--json')).json().balance_cents).toBe(10_000);
    const list = (await run('ledger', 'list', '--json')).json();
    expect(list.entries.find((e: any) => e.id === 2).reversed_by).toBe(3);
    const report = (await run('ledger', 'report', '--group-by', 'month', '--json')).json();
    expect(report.total).toMatchObject({ invested_cents: 0, bets: 0, deposits_cents: 10_000, balance_change_cents: 10_000 });
    const check = await run('ledger', 'check');
    expect([check.code, check.stdout, check.stderr]).toEqual([0, '', '']);
  });

  it('settle records prizes from the draw with the payout rule, once; an unimported draw is exit 4', async () => {
    const f = join(books.dir, 'tickets.json');
    // contest 6800 drew 1 2 3 4 50: the 6-number ticket has 4 hits, the 5-number ones 3 and 2
    writeFileSync(f, JSON.stringify([[1, 2, 3, 4, 60, 61]]));
    await run('ledger', 'add', 'bet', '--contest', '6800', '--tickets-file', f);
    writeFileSync(
      f,
      JSON.stringify([
        [1, 2, 3, 70, 71],
        [1, 2, 72, 73, 74],
        [75, 76, 77, 78, 79],
      ]),
    );
    await run('ledger', 'add', 'bet', '--contest', '6800', '--tickets-file', f);
    await run('ledger', 'add', 'bet', '--contest', '6800', '--tickets', '5');
    const s = await run('ledger', 'settle', '--contest', '6800', '--json');
    expect(s.code).toBe(0);
    const doc = s.json();
    expect(doc).toMatchObject({ contest: 6800, payout_rule: 'subcombinations', bets: 2, bets_without_tickets: 1 });
    expect(doc.lines.map((l: any) => [l.bet_id, l.tier, l.combinations, l.amount_cents, l.status])).toEqual([
      [1, 4, 2, 1_600_000, 'recorded'],
      [1, 3, 4, 44_000, 'recorded'],
      [2, 3, 1, 11_000, 'recorded'],
      [2, 2, 1, 400, 'recorded'],
    ]);
    expect(doc.recorded_cents).toBe(1_655_400);
    const again = (await run('ledger', 'settle', '--contest', '6800', '--json')).json();
    expect(again.recorded_cents).toBe(0);
    expect(again.lines.every((l: any) => l.status === 'already_recorded')).toBe(true);
    expect((await run('ledger', 'list', '--type', 'prize', '--json')).json().count).toBe(4);
    const tiers = (await run('ledger', 'report', '--group-by', 'tier', '--json')).json();
    expect(tiers.total.tier_counts).toEqual({ quina: 0, quadra: 2, terno: 5, duque: 1 });
    expect(tiers.total.won_cents).toBe(1_655_400);
    const missing = await run('ledger', 'settle', '--contest', '6883');
    expect(missing.code).toBe(4);
    expect(missing.stderr).toMatch(/not imported/);
    expect((await run('ledger', 'settle', '--contest', 'x')).code).toBe(2);
  });

  it('settle under the highest-tier rule pays one prize per ticket at its best tier', async () => {
    expect((await run('finance', 'payout-rule', 'highest-tier')).code).toBe(0);
    const f = join(books.dir, 'tickets.json');
    writeFileSync(f, JSON.stringify([[1, 2, 3, 4, 60, 61]]));
    await run('ledger', 'add', 'bet', '--contest', '6800', '--tickets-file', f);
    const doc = (await run('ledger', 'settle', '--contest', '6800', '--json')).json();
    expect(doc.lines.map((l: any) => [l.tier, l.amount_cents])).toEqual([[4, 800_000]]);
  });

  it('check is silent when sound, and names a row edited directly in the file (exit 4)', async () => {
    await run('ledger', 'add', 'deposit', '--amount', '50', '--date', '2025-11-01');
    await run('ledger', 'add', 'bet', '--contest', '6800', '--tickets', '3');
    await run('ledger', 'add', 'prize', '--contest', '6800', '--tier', 'duque', '--amount', '4,00');
    expect(await run('ledger', 'check')).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const db = new Database(join(books.dir, 'catalog.sqlite'));
    expect(() => db.prepare('UPDATE ledger_entries SET amount_cents = -90 WHERE id = 2').run()).toThrow(/append-only/);
    db.exec('DROP TRIGGER ledger_entries_no_update');
    db.prepare('UPDATE ledger_entries SET amount_cents = -90 WHERE id = 2').run();
    db.close();
    const r = await run('ledger', 'check');
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/entry 2: content does not match its hash/);
    expect(r.stderr).not.toMatch(/entry [13]:/);
    const j = await run('ledger', 'check', '--json');
    expect(j.code).toBe(4);
    expect(j.json()).toMatchObject({ sound: false, problems: [{ kind: 'hash', entry_id: 2 }] });
  });

  it('check notices a removed last row and a failing balance assertion with the exact delta', async () => {
    await run('ledger', 'add', 'deposit', '--amount', '120,50', '--date', '2025-08-01');
    await run('ledger', 'add', 'bet', '--contest', '6800', '--tickets', '1'); // booked on the draw date, 2025-08-15
    const ok = await run('ledger', 'assert', '--balance', '117.50', '--date', '2025-11-30', '--json');
    expect(ok.json()).toMatchObject({ actual_cents: 11_750, holds: true });
    expect((await run('ledger', 'check')).code).toBe(0);
    const held = await run('ledger', 'assert', '--balance', '117,50', '--date', '2025-08-10', '--force', '--json');
    expect(held.json()).toMatchObject({ actual_cents: 12_050, holds: false });
    const r = await run('ledger', 'check');
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(
      'assertion 2: balance on 2025-08-10: expected R$ 117,50 (11750 cents), actual R$ 120,50 (12050 cents), delta +R$ 3,00 (300 cents)',
    );
    const db = new Database(join(books.dir, 'catalog.sqlite'));
    db.exec('DROP TRIGGER ledger_entries_no_delete');
    db.prepare('DELETE FROM ledger_entries WHERE id = 2').run();
    db.close();
    const after = await run('ledger', 'check', '--json');
    // the removed bet also breaks assertion 1, which held before
    expect(after.json().problems.map((p: any) => [p.kind, p.entry_id ?? p.assertion_id])).toEqual([
      ['head', 2],
      ['assertion', 1],
      ['assertion', 2],
      ['seal', null],
    ]);
  });
});

describe('ledger list and report', () => {
  it('[12.6.7] ledger list --csv neutralises a note that starts a spreadsheet formula; negative amounts stay numbers', async () => {
    expect((await run('ledger', 'add', 'deposit', '--amount', '500', '--date', '2024-05-30', '--note', '=HYPERLINK("http://evil","click")')).code).toBe(0);
    expect((await run('ledger', 'add', 'withdrawal', '--amount', '20', '--date', '2024-05-31', '--note', '@SUM(A1:A9)')).code).toBe(0);
    const csv = (await run('ledger', 'list', '--csv')).stdout;
    expect(csv).toContain(`"'=HYPERLINK(""http://evil"",""click"")"`);
    expect(csv).toContain("'@SUM(A1:A9)");
    expect(csv).not.toMatch(/(^|,)[=@]/m);
    expect(csv).toMatch(/,-2000,/);
  });

  it('filters and formats', async () => {
    await run('ledger', 'add', 'deposit', '--amount', '500', '--date', '2024-05-30');
    const unknownRun = await run('ledger', 'add', 'bet', '--contest', '6500', '--tickets', '4', '--run', 'runaaa111');
    expect(unknownRun.code).toBe(0);
    expect(unknownRun.stderr).toMatch(/runaaa111 is not in the catalog's run index/);
    await run('ledger', 'add', 'bet', '--contest', '6800', '--tickets', '10', '--run', 'runbbb222');
    await run('ledger', 'add', 'prize', '--contest', '6800', '--tier', 'terno', '--amount', '110', '--run', 'runbbb222');
    await run('ledger', 'add', 'bet', '--contest', '6800', '--tickets', '1');
    await run('ledger', 'reverse', '5', '--reason', 'duplicate', '--date', '2025-09-01');
    expect((await run('ledger', 'list', '--type', 'bet', '--json')).json().count).toBe(3);
    expect((await run('ledger', 'list', '--from', '6800', '--json')).json().count).toBe(4);
    expect((await run('ledger', 'list', '--since', '2025-01-01', '--until', '2025-08-31', '--json')).json().count).toBe(3);
    expect((await run('ledger', 'list', '--run', 'runbbb222', '--json')).json().count).toBe(2);
    const csv = (await run('ledger', 'list', '--csv')).stdout.trim().split('\n');
    expect(csv[0]).toMatch(/^id,entry_date,type,amount_cents/);
    expect(csv).toHaveLength(7);
    expect((await run('ledger', 'list', '--ndjson')).stdout.trim().split('\n')).toHaveLength(6);

    const byRun = (await run('ledger', 'report', '--group-by', 'run', '--json')).json();
    expect(byRun.rows.map((r: any) => [r.key, r.invested_cents, r.won_cents, r.roi_pct])).toEqual([
      ['runaaa111', 1000, 0, -100],
      ['runbbb222', 3000, 11_000, 266.67],
      ['(no run)', 0, 0, null],
    ]);
    const byMonth = (await run('ledger', 'report', '--json')).json();
    expect(byMonth.rows.map((r: any) => [r.key, r.net_cents, r.cumulative_net_cents])).toEqual([
      ['2024-05', 0, 0],
      ['2024-06', -1000, -1000],
      ['2025-08', 8000, 7000],
    ]);
    expect(byMonth.total.balance_change_cents).toBe((await run('ledger', 'balance', '--json')).json().balance_cents);
    const csvReport = (await run('ledger', 'report', '--group-by', 'week', '--csv')).stdout.trim().split('\n');
    expect(csvReport[0]).toMatch(/^key,invested_cents,won_cents,net_cents,roi_pct/);
    expect(csvReport.at(-1)).toMatch(/^total,4000,11000,7000,175,/);
    expect((await run('ledger', 'report', '--group-by', 'year')).code).toBe(2);
  });
});
