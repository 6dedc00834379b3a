import { describe, expect, it } from 'vitest';
import { compileFilter, evaluateFilter, filterFields, inferFieldTypes, parseFilter, type FilterRow } from '../../../src/core/filter-expr.js';

const row: FilterRow = {
  history: 200,
  strategy: 'advanced',
  alpha: 0.3,
  roi_pct: -12.5,
  mode: 'simple',
  done: true,
  note: null,
  created: '2025-01-31',
  version: '2',
};
const test = (src: string, r: FilterRow = row): boolean => evaluateFilter(parseFilter(src), r);

describe('filter expressions', () => {
  it('comparisons on numbers, strings, booleans and null', () => {
    expect(test('history>=200 and strategy=advanced')).toBe(true);
    expect(test('history>200')).toBe(false);
    expect(test('alpha<0.5 or roi_pct>0')).toBe(true);
    expect(test('roi_pct > -20 and roi_pct <= -12.5')).toBe(true);
    expect(test('strategy != advanced')).toBe(false);
    expect(test("strategy == 'advanced'")).toBe(true);
    expect(test('strategy <> "hot"')).toBe(true);
    expect(test('done = true')).toBe(true);
    expect(test('done = "true"')).toBe(false);
    expect(test('note = null')).toBe(true);
    expect(test('note > 1')).toBe(false);
    expect(test('created >= 2025-01-01 and created < "2025-02-01"')).toBe(true);
    // a numeric string compares numerically with a number
    expect(test('version = 2 and version < 10')).toBe(true);
    // mismatched types are never equal and never ordered
    expect(test('strategy > 3')).toBe(false);
    expect(test('strategy != 3')).toBe(true);
    expect(test('alpha = 3e-1')).toBe(true);
  });

  it('precedence: not > and > or, parentheses override, keywords case-insensitive', () => {
    expect(test('history>500 and alpha<1 or mode=simple')).toBe(true);
    expect(test('history>500 and (alpha<1 or mode=simple)')).toBe(false);
    expect(test('not history>500 and alpha<1')).toBe(true);
    expect(test('not (history>100 and alpha<1)')).toBe(false);
    expect(test('NOT not mode=simple AND alpha=0.3')).toBe(true);
    expect(parseFilter('a=1 or b=2 and c=3')).toEqual({
      kind: 'or',
      left: { kind: 'cmp', field: 'a', op: '=', value: 1 },
      right: { kind: 'and', left: { kind: 'cmp', field: 'b', op: '=', value: 2 }, right: { kind: 'cmp', field: 'c', op: '=', value: 3 } },
    });
  });

  it('bad syntax is E_USAGE with the position', () => {
    const cases: Array<[string, number, RegExp]> = [
      ['history 200', 9, /expected a comparison/],
      ['history>=', 10, /expected a value/],
      ['(alpha<1', 9, /expected "\)"/],
      ['alpha<1)', 8, /expected "and", "or" or the end/],
      ['alpha<1 and', 12, /expected a field name/],
      ['alpha ! 1', 7, /unexpected "!"/],
      ['name = "abc', 8, /unterminated string/],
      ['a=1 ; b=2', 5, /unexpected character ";"/],
      ['', 1, /empty filter/],
      ['and=1', 1, /expected a field name/],
      ['a = or', 5, /expected a value/],
    ];
    for (const [src, pos, msg] of cases) {
      let err: unknown;
      try {
        parseFilter(src);
      } catch (e) {
        err = e;
      }
      expect(err, src).toMatchObject({ code: 'E_USAGE', message: expect.stringMatching(msg) });
      expect((err as Error).message, src).toMatch(new RegExp(`at position ${pos}$`));
    }
    expect(() => parseFilter('('.repeat(100) + 'a=1' + ')'.repeat(100))).toThrow(/nesting deeper than/);
    expect(() => parseFilter('a=1 or '.repeat(400) + 'a=1')).toThrow(/longer than/);
  });

  it('unknown fields are E_USAGE listing the available ones, whichever side decides', () => {
    expect(() => test('history>0 or colour=red')).toThrow(
      expect.objectContaining({
        code: 'E_USAGE',
        message: 'filter: unknown field "colour"',
        details: [expect.stringMatching(/^available fields: alpha, created, done, history/)],
      }),
    );
    expect(() => compileFilter('x=1', ['a', 'b'])).toThrow(expect.objectContaining({ details: ['available fields: a, b'] }));
    expect(filterFields(parseFilter('b=1 and (a=2 or not b=3)'))).toEqual(['a', 'b']);
  });

  it('compiled filters evaluate many rows without re-parsing', () => {
    const keep = compileFilter('history>=200 and strategy=advanced', ['history', 'strategy']);
    const rows: FilterRow[] = [
      { history: 100, strategy: 'advanced' },
      { history: 200, strategy: 'advanced' },
      { history: 400, strategy: 'hot' },
    ];
    expect(rows.filter(keep)).toEqual([rows[1]]);
    expect(rows.filter(compileFilter('strategy=hot'))).toEqual([rows[2]]);
  });

  it('[12.6.5] comparisons are type-checked against the field types', () => {
    const types = { history: 'number', synthetic: 'boolean', name: 'string', knob: 'any' } as const;
    expect(() => compileFilter('history>=abc', ['history'], types)).toThrow(
      expect.objectContaining({ code: 'E_USAGE', message: 'filter: history is a number; "abc" is not (position 10)' }),
    );
    expect(() => compileFilter('synthetic>false', ['synthetic'], types)).toThrow(/synthetic is true or false: compare it with = or !=/);
    expect(() => compileFilter('synthetic=2', ['synthetic'], types)).toThrow(/synthetic is true or false; 2 is neither/);
    for (const ok of ['history>=200', 'history>="200"', 'history=null', 'synthetic=true', 'name>=abc', 'name=5', 'knob=x'])
      expect(() => compileFilter(ok, Object.keys(types), types), ok).not.toThrow();
    expect(
      inferFieldTypes([
        { a: 1, b: 'x', c: null },
        { a: 2, b: true, c: false },
      ]),
    ).toEqual({ a: 'number', b: 'any', c: 'boolean' });
  });

  it('quoted strings keep spaces, escapes and keywords', () => {
    const r: FilterRow = { name: 'it\'s "and" or not' };
    expect(test(`name = 'it\\'s "and" or not'`, r)).toBe(true);
    expect(test('name = "it\'s \\"and\\" or not"', r)).toBe(true);
  });
});
