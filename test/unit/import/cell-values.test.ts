import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CellProblem, parseCount, parseDate, parseMoneyCents } from '../../../src/import/cell-values.js';

function brl(cents: number, style: 'br' | 'br-plain' | 'us-plain' | 'us'): string {
  const reais = Math.floor(cents / 100).toString();
  const c = String(cents % 100).padStart(2, '0');
  const group = (s: string, sep: string) => s.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
  switch (style) {
    case 'br':
      return `R$${group(reais, '.')},${c}`;
    case 'br-plain':
      return `${reais},${c}`;
    case 'us-plain':
      return `${reais}.${c}`;
    case 'us':
      return `${group(reais, ',')}.${c}`;
  }
}

describe('cell values', () => {
  it('money round-trips exactly to centavos in every accepted style (no float error)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.constantFrom('br', 'br-plain', 'us-plain', 'us') as fc.Arbitrary<'br'>,
        (cents, style) => {
          expect(parseMoneyCents(brl(cents, style), 'x')).toBe(cents);
        },
      ),
    );
  });

  it('money: the values floats get wrong are exact here', () => {
    expect(parseMoneyCents('R$1.234.567,89', 'x')).toBe(123456789);
    expect(parseMoneyCents('0,29', 'x')).toBe(29);
    expect(parseMoneyCents('1.15', 'x')).toBe(115);
    expect(parseMoneyCents('4.35', 'x')).toBe(435);
    expect(parseMoneyCents('R$ 55.988.898,62', 'x')).toBe(5598889862);
  });

  it('money: blank is null; negative, three decimals and text are refused', () => {
    expect(parseMoneyCents('', 'x')).toBeNull();
    expect(parseMoneyCents('\n', 'x')).toBeNull();
    for (const bad of ['-1,00', 'R$-5', '1,234,5', '12.3456', '1.2.3', 'abc', 'R$', '1,00,00']) {
      expect(() => parseMoneyCents(bad, 'x'), bad).toThrow(CellProblem);
    }
  });

  it('dates: dd/mm/yyyy and ISO, only real calendar days', () => {
    expect(parseDate('19/11/2025')).toBe('2025-11-19');
    expect(parseDate('1/2/2024')).toBe('2024-02-01');
    expect(parseDate('2024-02-29')).toBe('2024-02-29');
    expect(parseDate('2025-11-19 00:00:00')).toBe('2025-11-19');
    expect(() => parseDate('31/02/2023')).toThrow(/not a real calendar date/);
    expect(() => parseDate('2023-02-29')).toThrow(/not a real calendar date/);
    expect(() => parseDate('2023/02/01')).toThrow(/not dd\/mm\/yyyy/);
    expect(() => parseDate('45980')).toThrow(CellProblem);
    expect(parseDate('45980', { excelSerial: true })).toBe('2025-11-19');
  });

  it('counts: whole, non-negative', () => {
    expect(parseCount('007', 'x')).toBe(7);
    expect(parseCount('12.0', 'x')).toBe(12);
    expect(parseCount(' ', 'x')).toBeNull();
    expect(() => parseCount('1.5', 'x')).toThrow(/not a whole number/);
    expect(() => parseCount('-1', 'x')).toThrow(/negative/);
  });
});
