/**
 * A small, safe filter language for leaderboards and sweep results:
 *
 *   history>=200 and strategy=advanced
 *   alpha<0.5 or roi_pct>0
 *   not (mode = "simple") and (best_3plus > 0.01 or mean_hits >= 0.32)
 *
 * Comparisons `field op value` with = (or ==), != (or <>), <, <=, >, >=; combined with and, or,
 * not (case-insensitive; not binds tightest, then and, then or) and parentheses. Values are
 * numbers, true/false/null, 'quoted' or "quoted" strings, or bare words (advanced, 2024-01-31).
 * A recursive-descent parser builds a tree; nothing is ever evaluated as code.
 *
 * Semantics: numbers compare numerically; a string that reads as a number compares numerically
 * with a number; two strings compare by code units (so ISO dates order correctly); = and != work
 * on any pair (different types are never equal); <, <=, >, >= involving null, a boolean or a
 * non-numeric string against a number are false.
 */
import { LuckyError } from '../errors.js';

export type FilterValue = number | string | boolean | null;
export type FilterRow = Readonly<Record<string, FilterValue>>;
export type ComparisonOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type FilterExpr =
  | { kind: 'and' | 'or'; left: FilterExpr; right: FilterExpr }
  | { kind: 'not'; expr: FilterExpr }
  | { kind: 'cmp'; field: string; op: ComparisonOp; value: FilterValue };

/** What a field holds, for {@link checkFilterTypes}: `any` skips the check (mixed or unknown). */
export type FieldType = 'number' | 'string' | 'boolean' | 'any';

/** Longest filter accepted, and deepest nesting: filters may come over HTTP. */
export const MAX_FILTER_LENGTH = 2000;
const MAX_DEPTH = 64;

type Token =
  | { t: '(' | ')' | 'end'; pos: number }
  | { t: 'op'; op: ComparisonOp; pos: number }
  | { t: 'str'; value: string; pos: number }
  | { t: 'word'; value: string; pos: number };

const FIELD_RE = /^[A-Za-z_][A-Za-z0-9_.]*$/;
const NUMBER_RE = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;
const WORD_CHAR = /[A-Za-z0-9_.\-+:]/;
const KEYWORDS = new Set(['and', 'or', 'not']);

function syntaxError(src: string, pos: number, problem: string): LuckyError {
  return new LuckyError('E_USAGE', `filter: ${problem} at position ${pos}`, [`filter: ${src}`, `position ${pos}: ${' '.repeat(Math.max(0, pos - 1))}^`]);
}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    const pos = i + 1;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '(' || ch === ')') {
      out.push({ t: ch, pos });
      i++;
    } else if ('=!<>'.includes(ch)) {
      const two = src.slice(i, i + 2);
      const op: ComparisonOp | undefined =
        two === '=='
          ? '='
          : two === '!=' || two === '<>'
            ? '!='
            : two === '<='
              ? '<='
              : two === '>='
                ? '>='
                : ch === '='
                  ? '='
                  : ch === '<'
                    ? '<'
                    : ch === '>'
                      ? '>'
                      : undefined;
      if (!op) throw syntaxError(src, pos, `unexpected "${ch}" (did you mean "!="?)`);
      out.push({ t: 'op', op, pos });
      i += two === '==' || two === '!=' || two === '<>' || two === '<=' || two === '>=' ? 2 : 1;
    } else if (ch === '"' || ch === "'") {
      let j = i + 1;
      let value = '';
      while (j < src.length && src[j] !== ch) {
        // A backslash escapes the quote or itself.
        if (src[j] === '\\' && j + 1 < src.length) j++;
        value += src[j];
        j++;
      }
      if (j >= src.length) throw syntaxError(src, pos, 'unterminated string');
      out.push({ t: 'str', value, pos });
      i = j + 1;
    } else if (WORD_CHAR.test(ch)) {
      let j = i;
      while (j < src.length && WORD_CHAR.test(src[j]!)) j++;
      out.push({ t: 'word', value: src.slice(i, j), pos });
      i = j;
    } else {
      throw syntaxError(src, pos, `unexpected character "${ch}"`);
    }
  }
  out.push({ t: 'end', pos: src.length + 1 });
  return out;
}

/** Where each comparison's value starts, for type errors (kept out of the tree itself). */
const VALUE_POS = new WeakMap<FilterExpr, number>();

const isKeyword = (tok: Token, kw: string): boolean => tok.t === 'word' && tok.value.toLowerCase() === kw;

function describeToken(tok: Token): string {
  if (tok.t === 'end') return 'the end';
  if (tok.t === 'op') return `"${tok.op}"`;
  if (tok.t === 'str') return `"${tok.value}"`;
  if (tok.t === 'word') return `"${tok.value}"`;
  return `"${tok.t}"`;
}

class Parser {
  private i = 0;
  constructor(
    private readonly src: string,
    private readonly toks: Token[],
  ) {}

  private peek(): Token {
    return this.toks[this.i]!;
  }

  private next(): Token {
    return this.toks[this.i++]!;
  }

  parse(): FilterExpr {
    const e = this.or(0);
    const tok = this.peek();
    if (tok.t !== 'end') throw syntaxError(this.src, tok.pos, `expected "and", "or" or the end, found ${describeToken(tok)}`);
    return e;
  }

  private or(depth: number): FilterExpr {
    let left = this.and(depth);
    while (isKeyword(this.peek(), 'or')) {
      this.next();
      left = { kind: 'or', left, right: this.and(depth) };
    }
    return left;
  }

  private and(depth: number): FilterExpr {
    let left = this.unary(depth);
    while (isKeyword(this.peek(), 'and')) {
      this.next();
      left = { kind: 'and', left, right: this.unary(depth) };
    }
    return left;
  }

  private unary(depth: number): FilterExpr {
    if (depth > MAX_DEPTH) throw syntaxError(this.src, this.peek().pos, `nesting deeper than ${MAX_DEPTH}`);
    if (isKeyword(this.peek(), 'not')) {
      this.next();
      return { kind: 'not', expr: this.unary(depth + 1) };
    }
    const tok = this.peek();
    if (tok.t === '(') {
      this.next();
      const e = this.or(depth + 1);
      const close = this.next();
      if (close.t !== ')') throw syntaxError(this.src, close.pos, `expected ")", found ${describeToken(close)}`);
      return e;
    }
    return this.comparison();
  }

  private comparison(): FilterExpr {
    const f = this.next();
    if (f.t !== 'word' || !FIELD_RE.test(f.value) || KEYWORDS.has(f.value.toLowerCase())) {
      throw syntaxError(this.src, f.pos, `expected a field name, found ${describeToken(f)}`);
    }
    const op = this.next();
    if (op.t !== 'op') throw syntaxError(this.src, op.pos, `expected a comparison (=, !=, <, <=, >, >=) after "${f.value}", found ${describeToken(op)}`);
    const v = this.next();
    let value: FilterValue;
    if (v.t === 'str') value = v.value;
    else if (v.t === 'word' && !KEYWORDS.has(v.value.toLowerCase())) value = literal(v.value);
    else throw syntaxError(this.src, v.pos, `expected a value after "${f.value} ${op.op}", found ${describeToken(v)}`);
    const cmp: FilterExpr = { kind: 'cmp', field: f.value, op: op.op, value };
    VALUE_POS.set(cmp, v.pos);
    return cmp;
  }
}

function literal(word: string): FilterValue {
  if (NUMBER_RE.test(word)) return Number(word);
  const lower = word.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  if (lower === 'null') return null;
  return word;
}

/** Parses a filter into a tree; E_USAGE with the position on bad syntax. */
export function parseFilter(src: string): FilterExpr {
  if (src.length > MAX_FILTER_LENGTH)
    throw new LuckyError('E_USAGE', `filter: longer than ${MAX_FILTER_LENGTH} characters`, [`filter: ${src.length} characters`]);
  if (src.trim() === '') throw syntaxError(src, 1, 'empty filter');
  return new Parser(src, tokenize(src)).parse();
}

/** The fields a filter reads, sorted. */
export function filterFields(expr: FilterExpr): string[] {
  const out = new Set<string>();
  const walk = (e: FilterExpr): void => {
    if (e.kind === 'cmp') out.add(e.field);
    else if (e.kind === 'not') walk(e.expr);
    else {
      walk(e.left);
      walk(e.right);
    }
  };
  walk(expr);
  return [...out].sort();
}

/** Throws E_USAGE naming the unknown fields and listing the available ones. */
export function checkFilterFields(expr: FilterExpr, available: readonly string[]): void {
  const known = new Set(available);
  const unknown = filterFields(expr).filter((f) => !known.has(f));
  if (unknown.length) {
    throw new LuckyError('E_USAGE', `filter: unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((f) => `"${f}"`).join(', ')}`, [
      `available fields: ${[...available].sort().join(', ')}`,
    ]);
  }
}

function asNumber(v: FilterValue): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && NUMBER_RE.test(v.trim())) return Number(v);
  return null;
}

function compare(a: FilterValue, op: ComparisonOp, b: FilterValue): boolean {
  // Numeric when one side is a number and the other is (or reads as) one.
  if (typeof a === 'number' || typeof b === 'number') {
    const x = asNumber(a);
    const y = asNumber(b);
    if (x === null || y === null) return op === '!=';
    switch (op) {
      case '=':
        return x === y;
      case '!=':
        return x !== y;
      case '<':
        return x < y;
      case '<=':
        return x <= y;
      case '>':
        return x > y;
      case '>=':
        return x >= y;
    }
  }
  if (op === '=') return a === b;
  if (op === '!=') return a !== b;
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
  }
}

function evaluate(e: FilterExpr, row: FilterRow): boolean {
  switch (e.kind) {
    case 'and':
      return evaluate(e.left, row) && evaluate(e.right, row);
    case 'or':
      return evaluate(e.left, row) || evaluate(e.right, row);
    case 'not':
      return !evaluate(e.expr, row);
    case 'cmp':
      return compare(row[e.field] ?? null, e.op, e.value);
  }
}

/**
 * Evaluates a parsed filter against one flat row. Every field the filter names must be a key of
 * the row (checked before evaluating, so `a or b` fails the same way whichever side decides).
 */
export function evaluateFilter(expr: FilterExpr, row: FilterRow): boolean {
  checkFilterFields(expr, Object.keys(row));
  return evaluate(expr, row);
}

/**
 * Type-checks every comparison against its field's type, so `history>=abc` is a usage error
 * (exit 2) instead of a filter that quietly matches nothing: a number field takes a number (or a
 * string that reads as one, or null with = and !=); a boolean field takes true, false or null, with
 * = and != only. Strings and `any` fields take every value.
 */
export function checkFilterTypes(expr: FilterExpr, types: Readonly<Record<string, FieldType>>): void {
  const problems: string[] = [];
  const walk = (e: FilterExpr): void => {
    if (e.kind === 'not') return walk(e.expr);
    if (e.kind !== 'cmp') {
      walk(e.left);
      walk(e.right);
      return;
    }
    const type = types[e.field] ?? 'any';
    const pos = VALUE_POS.get(e);
    const at = pos === undefined ? '' : ` (position ${pos})`;
    const shown = typeof e.value === 'string' ? `"${e.value}"` : String(e.value);
    const equality = e.op === '=' || e.op === '!=';
    if (type === 'number') {
      const ok = asNumber(e.value) !== null || (e.value === null && equality);
      if (!ok) problems.push(`${e.field} is a number; ${shown} is not${at}`);
    } else if (type === 'boolean') {
      if (!equality) problems.push(`${e.field} is true or false: compare it with = or !=, not ${e.op}${at}`);
      else if (typeof e.value !== 'boolean' && e.value !== null) problems.push(`${e.field} is true or false; ${shown} is neither${at}`);
    }
  };
  walk(expr);
  if (problems.length)
    throw new LuckyError(
      'E_USAGE',
      `filter: ${problems[0]}`,
      problems.map((p) => `filter: ${p}`),
    );
}

/** The type of each field over some rows: one type when every non-null value has it, else `any`. */
export function inferFieldTypes(rows: Iterable<FilterRow>): Record<string, FieldType> {
  const out: Record<string, FieldType> = {};
  for (const row of rows) {
    for (const [k, v] of Object.entries(row)) {
      if (v === null) continue;
      const t = typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'boolean' : 'string';
      out[k] = out[k] === undefined || out[k] === t ? t : 'any';
    }
  }
  return out;
}

/**
 * Parses once and returns a predicate. With `fields`, unknown fields fail here, before any row;
 * without, each row is checked as in {@link evaluateFilter}. With `types`, comparisons are
 * type-checked too ({@link checkFilterTypes}).
 */
export function compileFilter(src: string, fields?: readonly string[], types?: Readonly<Record<string, FieldType>>): (row: FilterRow) => boolean {
  const expr = parseFilter(src);
  if (types) checkFilterTypes(expr, types);
  if (fields) {
    checkFilterFields(expr, fields);
    return (row) => evaluate(expr, row);
  }
  return (row) => evaluateFilter(expr, row);
}
