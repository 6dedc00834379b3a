import { describe, expect, it } from 'vitest';
import { formatCount, formatInteger, formatPValue, formatRate, roundUp2 } from '../../../../src/core/stats.js';

describe('statistical formatting', () => {
  it('p-values', () => {
    expect(formatPValue(0.4123)).toBe('0.41');
    expect(formatPValue(1)).toBe('1.00');
    expect(formatPValue(0.0123)).toBe('0.01');
    expect(formatPValue(0.00456)).toBe('0.005');
    expect(formatPValue(0.0000123)).toBe('1.2e-5');
    expect(formatPValue(0)).toBe('0');
  });

  it('rates, counts and integers', () => {
    expect(formatRate(0.031)).toBe('3.1%');
    expect(formatRate(0.029259)).toBe('2.93%');
    expect(formatRate(0.0000155)).toBe('0.00155%');
    expect(formatRate(0)).toBe('0%');
    expect(formatRate(1)).toBe('100%');
    expect(formatCount(0.0214)).toBe('0.021');
    expect(formatCount(0.00031)).toBe('0.0003');
    expect(formatCount(3.44)).toBe('3.4');
    expect(formatCount(1234.4)).toBe('1,234');
    expect(formatInteger(1234567)).toBe('1,234,567');
    expect(formatInteger(-1000)).toBe('-1,000');
    expect(formatInteger(999)).toBe('999');
    expect(roundUp2(503_118)).toBe(510_000);
    expect(roundUp2(23)).toBe(23);
    expect(roundUp2(7)).toBe(7);
  });
});
