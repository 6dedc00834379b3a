/**
 * The values a swept parameter takes. Ranges are generated in scaled integers so decimal steps are
 * exact: 0..1 step 0.1 gives 0, 0.1, ..., 0.9, 1 (11 values, each the double nearest its decimal),
 * where accumulating `v += step` gave 0.30000000000000004 and a last value of 0.9999999999999999.
 */
import { LuckyError } from '../../errors.js';

/** The most values one parameter may take (the whole grid is capped separately). */
export const MAX_PARAMETER_VALUES = 10_000;
/** Decimals beyond this cannot be scaled to exact integers in a double. */
const MAX_DECIMALS = 12;

export type ParamValue = number | string | boolean;

export interface RangeValues {
  min: number;
  max: number;
  step: number;
}

export interface ExponentialValues {
  base: number;
  start: number;
  end: number;
}

/** Decimal places of a number as written in its shortest form: 0.25 -> 2, 1.5e-7 -> 8, 300 -> 0. */
export function decimalPlaces(x: number): number {
  const s = String(Math.abs(x)).toLowerCase();
  const [mantissa = '', exp = '0'] = s.split('e');
  const frac = mantissa.split('.')[1] ?? '';
  return Math.max(0, frac.length - Number(exp));
}

function tooMany(what: string, count: number): LuckyError {
  return new LuckyError('E_INPUT_INVALID', `${what} gives ${count} values; at most ${MAX_PARAMETER_VALUES} per parameter`, [`${what}: too many values`]);
}

/**
 * min, min+step, ... up to max inclusive, computed as (m + i·s) / 10^d with m, s, max scaled to
 * integers by d = the most decimals among min, max and step. A max off the step grid is not
 * reached (0..1 step 0.3 gives 0, 0.3, 0.6, 0.9).
 */
export function rangeValues(r: RangeValues): number[] {
  const what = `range ${r.min}..${r.max} step ${r.step}`;
  if (![r.min, r.max, r.step].every(Number.isFinite) || !(r.step > 0) || r.min > r.max) {
    throw new LuckyError('E_INPUT_INVALID', `${what}: need finite min <= max and step > 0`, [`range: min ${r.min}, max ${r.max}, step ${r.step}`]);
  }
  const d = Math.max(decimalPlaces(r.min), decimalPlaces(r.max), decimalPlaces(r.step));
  if (d > MAX_DECIMALS) throw new LuckyError('E_INPUT_INVALID', `${what}: at most ${MAX_DECIMALS} decimal places`, [`range: ${d} decimal places`]);
  const scale = 10 ** d;
  const m = Math.round(r.min * scale);
  const top = Math.round(r.max * scale);
  const s = Math.round(r.step * scale);
  if (![m, top, s].every(Number.isSafeInteger))
    throw new LuckyError('E_INPUT_INVALID', `${what}: values too large to step exactly`, [`range: beyond 2^53 once scaled by 10^${d}`]);
  const count = Math.floor((top - m) / s) + 1;
  if (count > MAX_PARAMETER_VALUES) throw tooMany(what, count);
  return Array.from({ length: count }, (_, i) => (m + i * s) / scale);
}

/** base^i for i = start..end. Integer bases use exact integer powers (10^-3 = 1/1000 = 0.001). */
export function exponentialValues(e: ExponentialValues): number[] {
  const what = `exponential ${e.base}^(${e.start}..${e.end})`;
  if (!(e.base > 0) || !Number.isFinite(e.base) || !Number.isInteger(e.start) || !Number.isInteger(e.end) || e.start > e.end) {
    throw new LuckyError('E_INPUT_INVALID', `${what}: need base > 0 and integer start <= end`, [`exponential: base ${e.base}, start ${e.start}, end ${e.end}`]);
  }
  const count = e.end - e.start + 1;
  if (count > MAX_PARAMETER_VALUES) throw tooMany(what, count);
  return Array.from({ length: count }, (_, j) => {
    const i = e.start + j;
    const p = e.base ** Math.abs(i);
    // Dividing 1 by an exact integer power rounds once; base ** -3 may round twice.
    if (Number.isInteger(e.base) && Number.isSafeInteger(p)) return i < 0 ? 1 / p : p;
    return e.base ** i;
  });
}
