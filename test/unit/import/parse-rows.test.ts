import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LuckyError } from '../../../src/errors.js';
import { parseDrawRows } from '../../../src/import/parse-rows.js';
import { parseResultsBytes } from '../../../src/import/read-results-file.js';

function parseFixture(name: string) {
  const table = parseResultsBytes(readFileSync(new URL(`../../fixtures/import/${name}`, import.meta.url)), name);
  return parseDrawRows(table.rows, { source: `file:${name}`, ...(table.lines ? { lines: table.lines } : {}) });
}

function expectDataInvalid(fn: () => unknown, pattern: RegExp): void {
  try {
    fn();
    expect.unreachable();
  } catch (e) {
    expect(e).toBeInstanceOf(LuckyError);
    expect((e as LuckyError).code).toBe('E_DATA_INVALID');
    expect(`${(e as LuckyError).message}\n${(e as LuckyError).details.join('\n')}`).toMatch(pattern);
  }
}

describe('row validation (one fixture per rule)', () => {
  it('bad-date-31-02: impossible dates are rejected with their row number; 29/02 only in leap years', () => {
    const p = parseFixture('bad-date-31-02.csv');
    expect(p.draws.map((d) => d.draw.date)).toEqual(['2023-01-30', '2024-02-29']);
    expect(p.rejected).toEqual([
      { row: 3, reason: 'contest 6002: date "31/02/2023" is not a real calendar date' },
      { row: 4, reason: 'contest 6003: date "2023-02-29" is not a real calendar date' },
      { row: 6, reason: 'contest 6005: date "13/13/2023" is not a real calendar date' },
      { row: 7, reason: 'contest 6006: date "yesterday" is not dd/mm/yyyy or yyyy-mm-dd' },
    ]);
  });

  it('duplicate-ball: five DISTINCT balls', () => {
    const p = parseFixture('duplicate-ball.csv');
    expect(p.rejected).toEqual([{ row: 2, reason: 'contest 6001: ball 2 and ball 3 are both 12' }]);
    expect(p.draws).toHaveLength(1);
  });

  it('ball-81: balls within 1..80, present and whole', () => {
    const p = parseFixture('ball-81.csv');
    expect(p.rejected.map((r) => r.reason)).toEqual([
      'contest 6001: ball 5 is 81, outside 1..80',
      'contest 6002: ball 1 is 0, outside 1..80',
      'contest 6004: ball 5 is empty',
      'contest 6005: ball 3 is not a whole number: "13.5"',
    ]);
    expect(p.draws.map((d) => d.draw.contest)).toEqual([6003]);
  });

  it('unsorted-balls-leading-zeros: zeros stripped, balls sorted on the way in', () => {
    expect(parseFixture('unsorted-balls-leading-zeros.csv').draws[0]!.draw.balls).toEqual([4, 7, 12, 33, 80]);
  });

  it('contest-not-positive: a contest is a positive whole number', () => {
    const p = parseFixture('contest-not-positive.csv');
    expect(p.rejected.map((r) => [r.row, r.reason])).toEqual([
      [2, 'contest is 0, outside 1..2147483647'],
      [3, 'contest is negative: "-3"'],
      [4, 'contest is not a whole number: "abc"'],
      [5, 'contest is empty'],
    ]);
    expect(p.draws.map((d) => d.draw.contest)).toEqual([6005]);
  });

  it('duplicate-contest: the later row is rejected', () => {
    const p = parseFixture('duplicate-contest.csv');
    expect(p.draws.map((d) => d.draw.date)).toEqual(['2023-01-02', '2023-01-03']);
    expect(p.rejected).toEqual([{ row: 4, reason: 'contest 6001: appears again (first on row 2); the later row is ignored' }]);
  });

  it('winners-not-integer: winners are non-negative whole numbers', () => {
    const p = parseFixture('winners-not-integer.csv');
    expect(p.rejected.map((r) => r.reason)).toEqual([
      'contest 6001: winners (5 hits) is not a whole number: "1.5"',
      'contest 6002: winners (5 hits) is negative: "-1"',
      'contest 6003: winners (4 hits) is not a whole number: "x"',
    ]);
    expect(p.draws[0]!.draw.tiers[4].winners).toBe(3);
  });

  it('money-formats: every accepted format to exact centavos; blank and "\\n" are null; bad amounts reject the row', () => {
    const p = parseFixture('money-formats.csv');
    const [a, b, c] = p.draws.map((d) => d.draw);
    expect([a!.tiers[5].prize_cents, a!.tiers[4].prize_cents, a!.tiers[3].prize_cents, a!.tiers[2].prize_cents]).toEqual([123456, 123456, 123456, 123456]);
    expect([a!.accumulated_5_cents, a!.revenue_cents]).toEqual([null, null]);
    expect([b!.tiers[5].prize_cents, b!.tiers[4].prize_cents, b!.tiers[3].prize_cents, b!.tiers[2].prize_cents]).toEqual([7573122500, 10, 7, 1200]);
    expect([b!.accumulated_5_cents, b!.revenue_cents]).toEqual([123456789, 123456700]);
    expect([c!.tiers[5].prize_cents, c!.tiers[4].prize_cents, c!.tiers[3].prize_cents, c!.tiers[2].prize_cents]).toEqual([900719925474099, 0, 0, 123456780]);
    expect(p.rejected).toHaveLength(1);
    expect(p.rejected[0]!.reason).toBe(
      'contest 6004: prize (5 hits) is negative: "-5"; prize (3 hits) is not a money amount: "1.2.3"; prize (2 hits) is not a money amount: "R$abc"',
    );
  });

  it('contest-380-date: the documented date error is corrected and reported', () => {
    const p = parseFixture('contest-380-date.csv');
    expect(p.draws.map((d) => d.draw.date)).toEqual(['1998-03-08', '1998-03-12', '1998-03-15']);
    expect(p.corrections).toEqual([{ contest: 380, field: 'draw_date', from: '1997-03-12', to: '1998-03-12', reason: expect.stringMatching(/wrong year/) }]);
  });

  it('cruzeiro-real-contests: contests 1..28 are CRR, later BRL', () => {
    expect(parseFixture('cruzeiro-real-contests.csv').draws.map((d) => d.draw.currency)).toEqual(['CRR', 'BRL']);
  });

  it('raw keeps the original cells as JSON keyed by header', () => {
    const raw = JSON.parse(parseFixture('contest-380-date.csv').draws[1]!.raw);
    expect(raw).toMatchObject({ Concurso: '380', 'Data Sorteio': '12/03/1997', Bola1: '01', 'Rateio 5 acertos': 'R$345.731,72' });
  });

  it('header variants: dezena-headers, bola-space-headers, english-headers, latin1-semicolon, cents-columns', () => {
    const dez = parseFixture('dezena-headers.csv');
    expect(dez.draws[0]!.draw).toMatchObject({ contest: 6001, balls: [10, 20, 30, 40, 50], winner_locations: 'SÃO PAULO/SP' });
    const bola = parseFixture('bola-space-headers.csv').draws[0]!.draw;
    expect([bola.revenue_cents, bola.estimated_next_cents, bola.accumulated_sao_joao_cents]).toEqual([877666800, 500000000, 5598889862]);
    const en = parseFixture('english-headers.csv');
    expect(en.present.size).toBe(21);
    expect(en.draws[0]!.draw).toMatchObject({ notes: 'hello', winner_locations: 'RJ', tiers: { 2: { winners: 4, prize_cents: 100 } } });
    const latin = parseFixture('latin1-semicolon.csv').draws;
    expect(latin[0]!.draw).toMatchObject({ balls: [5, 15, 25, 35, 45], notes: 'São João', tiers: { 5: { winners: 1, prize_cents: 123456789 } } });
    const cents = parseFixture('cents-columns.csv').draws[0]!.draw;
    expect(cents.tiers[4]).toEqual({ winners: 33, prize_cents: 1222869 });
  });

  it('title-row-before-header: the header is found below a title', () => {
    const p = parseFixture('title-row-before-header.csv');
    expect(p.draws.map((d) => [d.row, d.draw.contest])).toEqual([[4, 6001]]);
  });

  it('quoted-fields: row numbers are file lines even when a field spans lines; blank lines are skipped', () => {
    const p = parseFixture('quoted-fields.csv');
    expect(p.rowsRead).toBe(3);
    expect(p.draws.map((d) => d.draw.notes)).toEqual(['a note, with a comma and "quotes"', 'a note\nover two lines']);
    expect(p.rejected).toEqual([{ row: 6, reason: 'contest 6003: ball 5 is 99, outside 1..80' }]);
  });

  it('no-recognisable-columns, not-a-workbook, random-bytes and unterminated-quote are E_DATA_INVALID', () => {
    expectDataInvalid(() => parseFixture('no-recognisable-columns.csv'), /no recognisable draw columns[\s\S]*header: "name", "price", "qty"/);
    expectDataInvalid(() => parseFixture('not-a-workbook.xlsx'), /not an \.xlsx workbook/);
    expectDataInvalid(() => parseFixture('random-bytes.csv'), /neither an \.xlsx workbook nor a CSV/);
    expectDataInvalid(() => parseFixture('unterminated-quote.csv'), /never closed/);
  });
});
