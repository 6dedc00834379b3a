import { describe, expect, it } from 'vitest';
import { decimalPlaces, exponentialValues, rangeValues } from '../../../../src/core/sweep/values.js';

describe('sweep values', () => {
  it('ranges step in exact decimals: 0..1 step 0.1 is 11 values ending at exactly 1', () => {
    const v = rangeValues({ min: 0, max: 1, step: 0.1 });
    expect(v).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    // the old accumulation gave 0.30000000000000004 and 0.9999999999999999
    expect(v[3]).toBe(0.3);
    expect(rangeValues({ min: 0, max: 0.8, step: 0.1 })).toHaveLength(9);
    expect(rangeValues({ min: 0.05, max: 0.25, step: 0.05 })).toEqual([0.05, 0.1, 0.15, 0.2, 0.25]);
    expect(rangeValues({ min: 100, max: 400, step: 100 })).toEqual([100, 200, 300, 400]);
    expect(rangeValues({ min: -1, max: 1, step: 0.5 })).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(rangeValues({ min: 0, max: 1, step: 0.3 })).toEqual([0, 0.3, 0.6, 0.9]);
    expect(rangeValues({ min: 0.5, max: 0.5, step: 0.1 })).toEqual([0.5]);
    expect(rangeValues({ min: 1e-7, max: 3e-7, step: 1e-7 })).toEqual([1e-7, 2e-7, 3e-7]);
  });

  it('counts decimals in any notation', () => {
    expect(decimalPlaces(0.25)).toBe(2);
    expect(decimalPlaces(300)).toBe(0);
    expect(decimalPlaces(1.5e-7)).toBe(8);
    expect(decimalPlaces(-0.125)).toBe(3);
  });

  it('exponentials are exact for integer bases', () => {
    expect(exponentialValues({ base: 10, start: -3, end: 0 })).toEqual([0.001, 0.01, 0.1, 1]);
    expect(exponentialValues({ base: 2, start: 0, end: 4 })).toEqual([1, 2, 4, 8, 16]);
    expect(exponentialValues({ base: 1.5, start: 1, end: 2 })).toEqual([1.5, 2.25]);
  });

  it('rejects bad ranges and runaway sizes', () => {
    expect(() => rangeValues({ min: 1, max: 0, step: 0.1 })).toThrow(expect.objectContaining({ code: 'E_INPUT_INVALID' }));
    expect(() => rangeValues({ min: 0, max: 1, step: 0 })).toThrow(expect.objectContaining({ code: 'E_INPUT_INVALID' }));
    expect(() => rangeValues({ min: 0, max: 1, step: 1e-6 })).toThrow(/at most 10000 per parameter/);
    expect(() => rangeValues({ min: 0, max: 1, step: 1e-13 })).toThrow(/decimal places/);
    expect(() => exponentialValues({ base: 0, start: 0, end: 1 })).toThrow(expect.objectContaining({ code: 'E_INPUT_INVALID' }));
    expect(() => exponentialValues({ base: 10, start: 2, end: 1 })).toThrow(expect.objectContaining({ code: 'E_INPUT_INVALID' }));
  });
});
