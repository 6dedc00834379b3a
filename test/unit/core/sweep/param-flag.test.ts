import { describe, expect, it } from 'vitest';
import { parseParamFlag } from '../../../../src/core/sweep/param-flag.js';

describe('parseParamFlag', () => {
  it('parses the four shapes', () => {
    expect(parseParamFlag('alpha=0.1..0.5:0.1')).toEqual({ name: 'alpha', range: { min: 0.1, max: 0.5, step: 0.1 } });
    expect(parseParamFlag('history=100,200,400')).toEqual({ name: 'history', list: [100, 200, 400] });
    expect(parseParamFlag('alpha=0.3')).toEqual({ name: 'alpha', list: [0.3] });
    expect(parseParamFlag('x=exp:10:-3..0')).toEqual({ name: 'x', exponential: { base: 10, start: -3, end: 0 } });
    expect(parseParamFlag('strategy=hot, cold ,true')).toEqual({ name: 'strategy', list: ['hot', 'cold', true] });
    expect(parseParamFlag('params.alpha=-1..1:0.5')).toEqual({ name: 'params.alpha', range: { min: -1, max: 1, step: 0.5 } });
  });

  it('bad syntax is E_USAGE with a clear message and the syntax', () => {
    const cases: Array<[string, RegExp]> = [
      ['alpha', /missing "=" between the name and its values/],
      ['=3', /missing parameter name/],
      ['alpha=', /no values after "alpha="/],
      ['alpha=0.1..0.5', /a range needs a step, as in alpha=0.1..0.5:0.1/],
      ['alpha=0.1..x:0.1', /max "x" is not a number/],
      ['alpha=0.5..0.1:0.1', /min must not exceed max/],
      ['alpha=0..1:0', /step must be > 0/],
      ['a=1,,2', /empty item/],
      ['x=exp:10', /exp:base:start..end/],
      ['x=exp:10:0.5..2', /expected int/i],
      ['my param=1', /a parameter name is/],
    ];
    for (const [flag, msg] of cases) {
      let err: unknown;
      try {
        parseParamFlag(flag);
      } catch (e) {
        err = e;
      }
      expect(err, flag).toMatchObject({ code: 'E_USAGE', message: expect.stringMatching(msg) });
      expect((err as { details: string[] }).details.at(-1)).toMatch(/^syntax: name=min\.\.max:step/);
    }
  });
});
