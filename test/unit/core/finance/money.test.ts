import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_MONEY_CENTS, centsToDecimal, formatBRL, parseMoney } from '../../../../src/core/finance/money.js';
import { LuckyError } from '../../../../src/errors.js';

const good: Array<[string, number, { allowNegative?: boolean }?]> = [
  ['3', 300],
  ['3.00', 300],
  ['3,00', 300],
  ['3.5', 350],
  ['3,5', 350],
  ['0.01', 1],
  ['1234.56', 123456],
  ['1234,56', 123456],
  ['1.234,56', 123456],
  ['1,234.56', 123456],
  ['1.234.567', 123456700],
  ['1.234.567,89', 123456789],
  ['1,234,567.89', 123456789],
  ['R$ 1.234,56', 123456],
  ['R$1.234,56', 123456],
  ['  r$ 3,00  ', 300],
  ['007', 700],
  ['-5.00', -500, { allowNegative: true }],
  ['-R$ 5,00', -500, { allowNegative: true }],
  ['R$ -5,00', -500, { allowNegative: true }],
  ['-0', 0],
  ['100000000000', MAX_MONEY_CENTS],
];

const bad: string[] = [
  '',
  '   ',
  'abc',
  '1,2,3',
  '1.2.3,4,5',
  '3.001',
  '1.234',
  '1,234',
  '1234.567',
  '3.',
  '.5',
  '1..2',
  '1.234,5,6',
  '12.34.56',
  'NaN',
  'Infinity',
  '-Infinity',
  '1e5',
  '+5',
  '0x10',
  '5 00',
  '3.00 reais',
  'R$',
  '-',
  '100000000000.01',
  '99999999999999999999',
];

describe('parseMoney', () => {
  it.each(good)('accepts %j as %i centavos', (text, cents, opts) => {
    expect(parseMoney(text, opts ?? {})).toBe(cents);
  });

  it.each(bad)('rejects %j with E_INPUT_INVALID (exit 2)', (text) => {
    try {
      parseMoney(text, { allowNegative: true });
      expect.unreachable(`accepted ${text}`);
    } catch (e) {
      expect(e).toBeInstanceOf(LuckyError);
      expect((e as LuckyError).code).toBe('E_INPUT_INVALID');
      expect((e as LuckyError).exitCode).toBe(2);
      expect((e as LuckyError).message).toContain(JSON.stringify(text).slice(1, -1));
    }
  });

  it('refuses negatives unless the command allows them, and zero when asked to', () => {
    expect(() => parseMoney('-5.00')).toThrow(/must not be negative/);
    expect(() => parseMoney('0,00', { allowZero: false })).toThrow(/more than zero/);
    expect(parseMoney('0,00')).toBe(0);
  });

  it('names the flag in the message', () => {
    expect(() => parseMoney('abc', { field: '--amount' })).toThrow(/--amount "abc"/);
  });

  it('round-trips every amount through its decimal and its R$ text, exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: -MAX_MONEY_CENTS, max: MAX_MONEY_CENTS }), (cents) => {
        expect(parseMoney(centsToDecimal(cents), { allowNegative: true })).toBe(cents);
        expect(parseMoney(formatBRL(cents), { allowNegative: true })).toBe(cents);
      }),
      { numRuns: 500 },
    );
  });

  it('does no float arithmetic: 0.1 + 0.2 style amounts are exact', () => {
    expect(parseMoney('0.10') + parseMoney('0.20')).toBe(parseMoney('0.30'));
    expect(parseMoney('1234567890.99')).toBe(123456789099);
  });
});
