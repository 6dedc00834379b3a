import { describe, expect, it } from 'vitest';
import { FLAG_NAMES, MAX_RANGE, fieldNames, parseRangeFilter, parseRunRange, resolveRunRange } from '../../../src/core/contest-range.js';
import { LuckyError } from '../../../src/errors.js';

function refusal(fn: () => unknown): LuckyError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(LuckyError);
    return e as LuckyError;
  }
  throw new Error('expected a refusal');
}

describe('contest ranges: one rule', () => {
  it('[12.6.4] empty, reversed, mixed, half and oversized ranges are E_RANGE_INVALID (exit 2) in both parsers', () => {
    for (const parse of [(f: object) => parseRunRange(f), (f: object) => parseRangeFilter(f)]) {
      for (const f of [
        { from: 20, to: 10 },
        { last: 0 },
        { last: 20_000 },
        { from: 1, to: 10, last: 5 },
        { to: 3, last: 5 },
        { from: 1, to: 20_000 },
        { from: 0, to: 5 },
      ]) {
        const e = refusal(() => parse(f));
        expect(e.code, JSON.stringify(f)).toBe('E_RANGE_INVALID');
        expect(e.exitCode).toBe(2);
      }
    }
    expect(refusal(() => parseRunRange({ last: 20_000 })).message).toBe('--last 20000: at most 10,000 contests');
    expect(refusal(() => parseRunRange({ from: 1, last: 5 })).message).toBe('give --from/--to or --last, not both');
    expect(refusal(() => parseRunRange({ from: 1 })).message).toBe('--from and --to go together');
    expect(refusal(() => parseRunRange({})).message).toMatch(/^give a contest range/);
    expect(refusal(() => parseRunRange({ from: 9, to: 3 }, fieldNames('body'))).details).toEqual([
      'body.from: the range 9..3 is empty: body.from must not be after body.to',
    ]);
  });

  it('[12.6.4] valid ranges pass; filters may be open-ended; last counts back from the catalog end', () => {
    expect(parseRunRange({ from: 3, to: 3 })).toEqual({ from: 3, to: 3 });
    expect(parseRunRange({ last: MAX_RANGE })).toEqual({ last: MAX_RANGE });
    expect(parseRunRange({}, FLAG_NAMES, true)).toBeUndefined();
    expect(parseRangeFilter({ from: 5 })).toEqual({ from: 5, to: undefined });
    expect(parseRangeFilter({})).toEqual({ from: undefined, to: undefined });
    expect(resolveRunRange({ last: 10 }, 6882)).toEqual({ from: 6873, to: 6882 });
  });
});
