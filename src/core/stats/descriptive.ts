/**
 * Descriptive statistics for comparisons across runs (mean, median, spread). Empty input gives
 * NaN rather than a made-up 0; {@link describe} turns that into nulls for JSON.
 */

/** Arithmetic mean; NaN for an empty list. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/** Median (mean of the middle two for an even count); NaN for an empty list. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function sumSquares(values: readonly number[]): number {
  const m = mean(values);
  let ss = 0;
  for (const v of values) ss += (v - m) * (v - m);
  return ss;
}

/** Population standard deviation (divides by n, as the old comparison stats did). */
export function stdPopulation(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : Math.sqrt(sumSquares(values) / values.length);
}

/** Sample standard deviation (divides by n - 1); NaN below 2 values. */
export function stdSample(values: readonly number[]): number {
  return values.length < 2 ? Number.NaN : Math.sqrt(sumSquares(values) / (values.length - 1));
}

/** Smallest value; NaN for an empty list (no spread over the arguments, so large lists are fine). */
export function min(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let m = Number.POSITIVE_INFINITY;
  for (const v of values) if (v < m) m = v;
  return m;
}

/** Largest value; NaN for an empty list. */
export function max(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let m = Number.NEGATIVE_INFINITY;
  for (const v of values) if (v > m) m = v;
  return m;
}

export interface Description {
  count: number;
  mean: number | null;
  median: number | null;
  /** population standard deviation */
  std: number | null;
  /** sample standard deviation */
  std_sample: number | null;
  min: number | null;
  max: number | null;
}

const orNull = (x: number): number | null => (Number.isNaN(x) ? null : x);

/** All of the above at once, JSON-ready (null where undefined). */
export function describe(values: readonly number[]): Description {
  return {
    count: values.length,
    mean: orNull(mean(values)),
    median: orNull(median(values)),
    std: orNull(stdPopulation(values)),
    std_sample: orNull(stdSample(values)),
    min: orNull(min(values)),
    max: orNull(max(values)),
  };
}
