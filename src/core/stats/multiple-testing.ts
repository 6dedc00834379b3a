/**
 * Adjusted p-values for many comparisons at once. A sweep of 100 cells will show about 5 cells
 * "significant at 5%" by chance alone; leaderboards and compare report these adjusted values next
 * to the raw ones. Both return values in the ORIGINAL order, monotone in the raw p and capped at
 * 1, exactly like R's p.adjust.
 */
import { LuckyError } from '../../errors.js';

function check(pValues: readonly number[], what: string): void {
  pValues.forEach((p, i) => {
    if (!(p >= 0 && p <= 1)) throw new LuckyError('E_INPUT_INVALID', `${what}: p-values must be in [0, 1]`, [`p_values[${i}]: ${p}`]);
  });
}

/** Indices sorted by p ascending; ties keep input order so the result is deterministic. */
function order(pValues: readonly number[]): number[] {
  return pValues.map((_, i) => i).sort((a, b) => pValues[a]! - pValues[b]! || a - b);
}

/**
 * Holm's step-down adjustment (controls the family-wise error rate under any dependence, so it is
 * valid for the overlapping figures of one run): the i-th smallest p becomes
 * max over j <= i of min(1, (m - j + 1) · p_(j)).
 * holm([0.01, 0.02, 0.03, 0.04, 0.05]) = [0.05, 0.08, 0.09, 0.09, 0.09].
 */
export function holm(pValues: readonly number[]): number[] {
  check(pValues, 'holm');
  const m = pValues.length;
  const idx = order(pValues);
  const out = new Array<number>(m);
  let running = 0;
  idx.forEach((orig, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * pValues[orig]!));
    out[orig] = running;
  });
  return out;
}

/**
 * Benjamini-Hochberg adjustment (controls the false discovery rate; valid for independent or
 * positively dependent tests): the i-th smallest p becomes min over j >= i of min(1, m/j · p_(j)).
 * benjaminiHochberg([0.01, 0.04, 0.03, 0.005]) = [0.02, 0.04, 0.04, 0.02].
 */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  check(pValues, 'benjaminiHochberg');
  const m = pValues.length;
  const idx = order(pValues);
  const out = new Array<number>(m);
  let running = 1;
  for (let rank = m - 1; rank >= 0; rank--) {
    const orig = idx[rank]!;
    running = Math.min(running, Math.min(1, (m / (rank + 1)) * pValues[orig]!));
    out[orig] = running;
  }
  return out;
}
