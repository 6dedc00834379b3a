import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LuckyError } from '../../../src/errors.js';
import { detectDelimiter, parseCsv } from '../../../src/import/csv-reader.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/import/${name}`, import.meta.url));
const bytes = (s: string) => new TextEncoder().encode(s);

describe('csv reader', () => {
  it('Latin-1 with ; separators and CRLF: detected and decoded', () => {
    const t = parseCsv(fixture('latin1-semicolon.csv'));
    expect(t.encoding).toBe('latin1');
    expect(t.delimiter).toBe(';');
    expect(t.rows[0]![2]).toBe('1ª Dezena');
    expect(t.rows[0]![9]).toBe('Observação');
    expect(t.rows[1]).toEqual(['6001', '02/01/2023', '5', '15', '25', '35', '45', '1', '1.234.567,89', 'São João']);
    expect(t.rows).toHaveLength(3);
  });

  it('UTF-8 with a byte-order mark: the BOM is dropped', () => {
    const t = parseCsv(fixture('utf8-bom.csv'));
    expect(t.encoding).toBe('utf-8');
    expect(t.rows[0]![0]).toBe('contest');
    expect(t.rows[1]![7]).toBe('Ação em São Paulo');
  });

  it('quoted fields: separators, doubled quotes and line breaks inside; row numbers are start lines', () => {
    const t = parseCsv(fixture('quoted-fields.csv'));
    expect(t.rows[1]![7]).toBe('a note, with a comma and "quotes"');
    expect(t.rows[2]![7]).toBe('a note\nover two lines');
    // header on line 1, records on lines 2 and 3 (spanning 4), a blank line 5, a record on line 6
    expect(t.lines).toEqual([1, 2, 3, 5, 6]);
    expect(t.rows[3]).toEqual([]);
  });

  it('an unterminated quote is E_DATA_INVALID naming the line', () => {
    expect(() => parseCsv(fixture('unterminated-quote.csv'))).toThrow(LuckyError);
    expect(() => parseCsv(fixture('unterminated-quote.csv'))).toThrow(/line 2/);
  });

  it('delimiter detection ignores separators inside quotes', () => {
    expect(detectDelimiter('"a;b;c",d,e\n1;2;3;4;5')).toBe(',');
    expect(detectDelimiter('a;b;"c,d,e,f"\n')).toBe(';');
    expect(detectDelimiter('a\tb\tc\n')).toBe('\t');
    expect(detectDelimiter('single\n')).toBe(',');
  });

  it('CRLF, LF and a missing final newline give the same rows', () => {
    const a = parseCsv(bytes('a,b\r\n1,2\r\n')).rows;
    const b = parseCsv(bytes('a,b\n1,2')).rows;
    expect(a).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(b).toEqual(a);
  });

  it('invalid UTF-8 means Latin-1; valid UTF-8 stays UTF-8', () => {
    expect(parseCsv(new Uint8Array([0x53, 0xe3, 0x6f])).rows[0]![0]).toBe('São');
    expect(parseCsv(bytes('São')).encoding).toBe('utf-8');
  });
});
