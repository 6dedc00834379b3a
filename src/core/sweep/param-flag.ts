/**
 * The command-line shorthand for one swept parameter:
 *   alpha=0.1..0.5:0.1      range (min..max:step, exact decimals)
 *   history=100,200,400     list
 *   alpha=0.3               one value
 *   lambda=exp:10:-3..0     exponential (base:start..end -> 0.001, 0.01, 0.1, 1)
 * List items are numbers when they read as numbers, `true`/`false` as booleans, else strings.
 */
import { LuckyError, formatIssues } from '../../errors.js';
import { ExponentialParameterSchema, ListParameterSchema, RangeParameterSchema, type SweepParameter } from './spec.js';
import type { ParamValue } from './values.js';

const SYNTAX = 'syntax: name=min..max:step | name=v1,v2,... | name=value | name=exp:base:start..end';
const NUMBER_RE = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

function usage(flag: string, problem: string): LuckyError {
  return new LuckyError('E_USAGE', `parameter "${flag}": ${problem}`, [`param: ${problem}`, SYNTAX]);
}

function num(flag: string, s: string, what: string): number {
  const t = s.trim();
  if (!NUMBER_RE.test(t)) throw usage(flag, `${what} "${t}" is not a number`);
  return Number(t);
}

function scalar(s: string): ParamValue {
  const t = s.trim();
  if (NUMBER_RE.test(t)) return Number(t);
  if (t === 'true') return true;
  if (t === 'false') return false;
  return t;
}

/** Parses one `--param` value into a sweep parameter; E_USAGE with the syntax on bad input. */
export function parseParamFlag(flag: string): SweepParameter {
  const eq = flag.indexOf('=');
  if (eq < 0) throw usage(flag, 'missing "=" between the name and its values');
  const name = flag.slice(0, eq).trim();
  const rhs = flag.slice(eq + 1).trim();
  if (!name) throw usage(flag, 'missing parameter name before "="');
  if (!rhs) throw usage(flag, `no values after "${name}="`);
  let candidate: unknown;
  let schema: typeof RangeParameterSchema | typeof ListParameterSchema | typeof ExponentialParameterSchema;
  if (rhs.startsWith('exp:')) {
    const m = /^exp:([^:]+):(.+?)\.\.(.+)$/.exec(rhs);
    if (!m) throw usage(flag, 'an exponential is exp:base:start..end, as in lambda=exp:10:-3..0');
    schema = ExponentialParameterSchema;
    candidate = { name, exponential: { base: num(flag, m[1]!, 'base'), start: num(flag, m[2]!, 'start'), end: num(flag, m[3]!, 'end') } };
  } else if (rhs.includes('..')) {
    const m = /^(.+?)\.\.([^:]+)(?::(.*))?$/.exec(rhs);
    if (!m) throw usage(flag, 'a range is min..max:step, as in alpha=0.1..0.5:0.1');
    if (m[3] === undefined || m[3].trim() === '') throw usage(flag, `a range needs a step, as in ${name}=${m[1]}..${m[2]}:0.1`);
    schema = RangeParameterSchema;
    candidate = { name, range: { min: num(flag, m[1]!, 'min'), max: num(flag, m[2]!, 'max'), step: num(flag, m[3], 'step') } };
  } else {
    const items = rhs.split(',');
    if (items.some((s) => s.trim() === '')) throw usage(flag, 'empty item in the list');
    schema = ListParameterSchema;
    candidate = { name, list: items.map(scalar) };
  }
  // Validate against the one shape the syntax chose, so the message names the real problem.
  const r = schema.safeParse(candidate);
  if (!r.success) throw new LuckyError('E_USAGE', `parameter "${flag}": ${r.error.issues[0]?.message ?? 'invalid'}`, [...formatIssues(r.error.issues), SYNTAX]);
  return r.data;
}
