import { describe, expect, it } from 'vitest';
import { brl, count, fig, pct, pval } from '../../../../src/server/web/format.js';

describe('[15.4.14] how the dashboard writes numbers', () => {
  it('hit figures with four decimals, p-values with two significant digits, absent values as a dash', () => {
    expect(fig(0.3125)).toBe('0.3125');
    expect(fig(null)).toBe('–');
    expect(fig(Number.NaN)).toBe('–');
    expect(pval(0.0512)).toBe('0.051');
    expect(pval(0.00001)).toBe('< 0.0001');
    expect(pval(null)).toBe('–');
  });

  it('money from integer cents in reais (negative with a minus sign), percentages and counts', () => {
    expect(brl(123_450)).toBe('R$ 1.234,50');
    expect(brl(-5)).toBe('−R$ 0,05');
    expect(brl(null)).toBe('–');
    expect(pct(-85.9621)).toBe('-85.96%');
    expect(count(6882)).toBe('6,882');
  });
});
