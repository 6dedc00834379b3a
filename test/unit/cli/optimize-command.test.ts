// The optimize command's own flag parsing (src/cli/optimize-command.ts): contest spans and the mutation rate.
import { describe, expect, it } from 'vitest';
import { parseMutationRate, parseSpanFlag } from '../../../src/cli/optimize-command.js';

describe('optimize flags', () => {
  it('[18.3.9] --train A..B or last:N, --holdout C..D only; anything else is E_RANGE_INVALID', () => {
    expect(parseSpanFlag('train', '4001..4300', true)).toEqual({ from: 4001, to: 4300 });
    expect(parseSpanFlag('train', ' last:200 ', true)).toEqual({ last: 200 });
    expect(parseSpanFlag('train', undefined, true)).toBeUndefined();
    for (const bad of ['4300..4001', '0..5', '4001-4300', 'last:x', '..5', '1..2..3']) {
      expect(() => parseSpanFlag('train', bad, true), bad).toThrow(expect.objectContaining({ code: 'E_RANGE_INVALID' }));
    }
    expect(() => parseSpanFlag('holdout', 'last:20', false)).toThrow(expect.objectContaining({ code: 'E_RANGE_INVALID' }));
  });

  it('[18.3.10] --mutation-rate is a number from 0 to 1', () => {
    expect(parseMutationRate('0.35')).toBe(0.35);
    expect(parseMutationRate('0')).toBe(0);
    expect(parseMutationRate(undefined)).toBeUndefined();
    for (const bad of ['1.5', '-0.1', 'x', '']) expect(() => parseMutationRate(bad), bad).toThrow(expect.objectContaining({ code: 'E_USAGE' }));
  });
});
