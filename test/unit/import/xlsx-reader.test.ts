import { readFileSync } from 'node:fs';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { LuckyError } from '../../../src/errors.js';
import { parseDrawRows } from '../../../src/import/parse-rows.js';
import { columnIndex, parseSheetXml, parseXlsx } from '../../../src/import/xlsx-reader.js';
import { buildXlsx } from '../../helpers/xlsx.js';

const HEADER = ['Concurso', 'Data Sorteio', 'Bola1', 'Bola2', 'Bola3', 'Bola4', 'Bola5', 'Rateio 4 acertos', 'observação'];

/** A header row by shared strings with r= attributes, then data rows without any, as the operator writes them. */
function operatorSheet(p: string): string {
  const head = HEADER.map((_, i) => `<${p}c r="${String.fromCharCode(65 + i)}1" t="s"><${p}v>${i}</${p}v></${p}c>`).join('');
  const num = (v: string) => `<${p}c t="n"><${p}v>${v}</${p}v></${p}c>`;
  const str = (v: string) => `<${p}c t="str"><${p}v>${v}</${p}v></${p}c>`;
  const inline = (v: string) => `<${p}c t="inlineStr"><${p}is><${p}t>${v}</${p}t></${p}is></${p}c>`;
  return (
    `<${p}row r="1">${head}</${p}row>` +
    `<${p}row>${num('6882')}${inline('19/11/2025')}${num('16')}${num('18')}${num('36')}${num('60')}${num('80')}${inline('R$12.228,69')}${inline('\n')}</${p}row>` +
    `<${p}row>${num('6881')}${str('18/11/2025')}${num('26')}${num('49')}${num('52')}${num('54')}${num('057')}${str('R$6.045,05')}${str('')}</${p}row>`
  );
}

describe('xlsx reader', () => {
  it('reads the operator quirks: x: prefixes, wrong dimension, no r= on data rows, shared/inline strings, "\\n" cells, [trash] entries', () => {
    const bytes = buildXlsx({ sheetData: operatorSheet('x:'), shared: HEADER, prefix: 'x', trash: true, dimension: 'A1:U1' });
    const sheet = parseXlsx(bytes);
    expect(sheet.name).toBe('QUINA');
    expect(sheet.rows).toHaveLength(3);
    expect(sheet.rows[0]).toEqual(HEADER);
    expect(sheet.rows[1]).toEqual(['6882', '19/11/2025', '16', '18', '36', '60', '80', 'R$12.228,69', '\n']);
    expect(sheet.rows[2]).toEqual(['6881', '18/11/2025', '26', '49', '52', '54', '057', 'R$6.045,05', '']);
    const parsed = parseDrawRows(sheet.rows, { source: 'test', excelSerialDates: true });
    expect(parsed.rejected).toEqual([]);
    expect(parsed.draws[0]!.draw).toMatchObject({ contest: 6882, date: '2025-11-19', balls: [16, 18, 36, 60, 80], notes: null });
    expect(parsed.draws[0]!.draw.tiers[4].prize_cents).toBe(1222869);
    expect(parsed.draws[1]!.draw.balls).toEqual([26, 49, 52, 54, 57]);
  });

  it('reads the same sheet without prefixes', () => {
    const sheet = parseXlsx(buildXlsx({ sheetData: operatorSheet(''), shared: HEADER }));
    expect(sheet.rows[1]![0]).toBe('6882');
  });

  it('honours r= on rows and cells: skipped cells are empty, skipped rows are empty arrays', () => {
    const data =
      '<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c><c r="C1"><v>3</v></c></row>' + '<row r="4"><c r="B4" t="b"><v>1</v></c><c><v>7</v></c></row>';
    const sheet = parseXlsx(buildXlsx({ sheetData: data }));
    expect(sheet.rows).toEqual([['a', '', '3'], [], [], ['', 'TRUE', '7']]);
  });

  it('concatenates rich-text runs and skips phonetic hints', () => {
    const rows = parseSheetXml(
      '<worksheet><sheetData><row><c t="inlineStr"><is><r><t>Ab</t></r><r><t>c</t></r><rPh><t>x</t></rPh></is></c></row></sheetData></worksheet>',
      [],
    );
    expect(rows).toEqual([['Abc']]);
  });

  it('column letters to index', () => {
    expect([columnIndex('A1'), columnIndex('Z9'), columnIndex('AA10'), columnIndex('u')]).toEqual([0, 25, 26, 20]);
    expect(columnIndex('1A')).toBeUndefined();
  });

  it('finds the first sheet without workbook.xml', () => {
    const bytes = zipSync({
      'xl/worksheets/sheet2.xml': strToU8('<worksheet><sheetData><row><c><v>2</v></c></row></sheetData></worksheet>'),
      'xl/worksheets/sheet1.xml': strToU8('<worksheet><sheetData><row><c><v>1</v></c></row></sheetData></worksheet>'),
    });
    expect(parseXlsx(bytes)).toEqual({ name: 'sheet1', rows: [['1']] });
  });

  it('excel serial dates in ordinary workbooks become ISO dates', () => {
    const data =
      '<row><c t="inlineStr"><is><t>contest</t></is></c><c t="inlineStr"><is><t>date</t></is></c>' +
      ['b1', 'b2', 'b3', 'b4', 'b5'].map((b) => `<c t="inlineStr"><is><t>${b}</t></is></c>`).join('') +
      '</row><row><c><v>1</v></c><c s="1"><v>34406</v></c><c><v>25</v></c><c><v>45</v></c><c><v>60</v></c><c><v>76</v></c><c><v>79</v></c></row>';
    const parsed = parseDrawRows(parseXlsx(buildXlsx({ sheetData: data })).rows, { source: 't', excelSerialDates: true });
    expect(parsed.draws[0]!.draw.date).toBe('1994-03-13');
  });

  it('a damaged part that still inflates (a changed digit) fails the CRC-32 check', () => {
    const files = { 'xl/worksheets/sheet1.xml': strToU8('<worksheet><sheetData><row><c><v>6882</v></c></row></sheetData></worksheet>') };
    const stored = zipSync(files, { level: 0 });
    expect(parseXlsx(stored).rows).toEqual([['6882']]);
    const at = Buffer.from(stored).indexOf('6882');
    const damaged = Uint8Array.from(stored);
    damaged[at + 3] = '3'.charCodeAt(0);
    expect(() => parseXlsx(damaged)).toThrow(/fails its CRC-32 check/);
  });

  it('random bytes, a truncated zip and a zip without sheets are E_DATA_INVALID', () => {
    const junk = readFileSync(new URL('../../fixtures/import/not-a-workbook.xlsx', import.meta.url));
    const good = buildXlsx({ sheetData: operatorSheet('x:'), shared: HEADER, prefix: 'x' });
    const cases = [
      junk,
      good.subarray(0, good.length - 40),
      zipSync({ 'readme.txt': strToU8('hi') }),
      zipSync({ 'xl/worksheets/sheet1.xml': strToU8('<worksheet><row>') }),
    ];
    for (const bytes of cases) {
      try {
        parseXlsx(bytes);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(LuckyError);
        expect((e as LuckyError).code).toBe('E_DATA_INVALID');
      }
    }
  });
});
