// A count with its noun in the right number (src/core/charts/text.ts).
import { describe, expect, it } from 'vitest';
import { countOf } from '../../../../src/core/charts/text.js';

describe('countOf', () => {
  it('[15.3.35] one noun for 1, the plural for 0 and more: no `1 budgets`', () => {
    expect(countOf(1, 'budget')).toBe('1 budget');
    expect(countOf(0, 'budget')).toBe('0 budgets');
    expect(countOf(2, 'entry', 'entries')).toBe('2 entries');
    expect(countOf(1, 'entry', 'entries')).toBe('1 entry');
  });
});
