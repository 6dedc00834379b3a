import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareToBaseline } from '../../../src/core/baseline.js';
import { EXACT_BUDGET, bestOfLaw, bestOfRng, formatBestOfLaw, parseBestOfLaw, sampleBestOf } from '../../../src/core/best-of.js';
import { buildHistory, historyWindow } from '../../../src/core/draw.js';
import { choose } from '../../../src/core/finance/prices.js';
import { probBestAtLeast } from '../../../src/core/odds.js';
import { predictTickets } from '../../../src/core/predictor/index.js';
import { loadPreset } from '../../../src/engine/recipe-files.js';
import { createRng } from '../../../src/core/rng.js';
import { binomialPmf, binomialTest } from '../../../src/core/stats.js';
import { poissonBinomialPmf, poissonBinomialTest } from '../../../src/core/stats/poisson-binomial.js';
import { QUINA_CSV, haveShared } from '../../helpers/shared.js';

const TOTAL = choose(80, 5);
const noMc = () => {
  throw new Error('the law was sampled where it should be counted');
};

/**
 * Brute force over ALL C(80,5) = 24,040,016 draws: each number carries its tickets' counters
 * packed 3 bits per ticket, so a draw's hits per ticket are one sum and its best is a table lookup.
 */
function bruteForce(tickets: number[][]): { p2: number; p3: number; p4: number } {
  const packed = new Int32Array(81);
  tickets.forEach((t, i) => t.forEach((n) => (packed[n]! += 1 << (3 * i))));
  const best = new Uint8Array(1 << (3 * tickets.length));
  for (let s = 0; s < best.length; s++) for (let i = 0; i < tickets.length; i++) best[s] = Math.max(best[s]!, (s >> (3 * i)) & 7);
  const at = [0, 0, 0, 0, 0, 0];
  for (let a = 1; a <= 76; a++)
    for (let b = a + 1; b <= 77; b++) {
      const sb = packed[a]! + packed[b]!;
      for (let c = b + 1; c <= 78; c++) {
        const sc = sb + packed[c]!;
        for (let d = c + 1; d <= 79; d++) {
          const sd = sc + packed[d]!;
          for (let e = d + 1; e <= 80; e++) at[best[sd + packed[e]!]!]!++;
        }
      }
    }
  return { p2: (at[2]! + at[3]! + at[4]! + at[5]!) / TOTAL, p3: (at[3]! + at[4]! + at[5]!) / TOTAL, p4: (at[4]! + at[5]!) / TOTAL };
}

/** Exact by the reduction the module rests on too, but computed naively: every subset S of the union, weighted by C(80-u, 5-|S|). */
function subsetEnumeration(tickets: number[][]): { p2: number; p3: number; p4: number } {
  const union = [...new Set(tickets.flat())].sort((a, b) => a - b);
  const u = union.length;
  const at = [0, 0, 0, 0, 0];
  const chosen: number[] = [];
  const visit = (from: number): void => {
    const best = Math.max(0, ...tickets.map((t) => chosen.filter((x) => t.includes(x)).length));
    at[Math.min(best, 4)]! += choose(80 - u, 5 - chosen.length);
    if (chosen.length === 5) return;
    for (let i = from; i < u; i++) {
      chosen.push(union[i]!);
      visit(i + 1);
      chosen.pop();
    }
  };
  visit(0);
  return { p2: (at[2]! + at[3]! + at[4]!) / TOTAL, p3: (at[3]! + at[4]!) / TOTAL, p4: at[4]! / TOTAL };
}

describe('best-of null law for the actual tickets', () => {
  it('[12.5.1] equals brute-force enumeration of all 24,040,016 draws for overlapping tickets', { timeout: 60_000 }, () => {
    for (const tickets of [
      // five 5-number tickets sharing pairs and triples, as presets make them
      [
        [1, 2, 3, 4, 5],
        [1, 2, 3, 6, 7],
        [4, 5, 8, 9, 10],
        [2, 11, 12, 13, 14],
        [1, 3, 5, 7, 9],
      ],
      // two 7-number tickets sharing four numbers
      [
        [1, 2, 3, 4, 5, 6, 7],
        [4, 5, 6, 7, 8, 9, 10],
      ],
    ]) {
      const k = tickets[0]!.length;
      const law = bestOfLaw(tickets.flat(), k, noMc);
      const brute = bruteForce(tickets);
      expect(law.method).toBe('exact');
      expect(law.p2).toBeCloseTo(brute.p2, 14);
      expect(law.p3).toBeCloseTo(brute.p3, 14);
      expect(law.p4).toBeCloseTo(brute.p4, 14);
    }
  });

  it('[12.5.1] equals subset enumeration for random overlapping ticket sets (k = 5..8)', () => {
    const rng = createRng(12, 5);
    for (let trial = 0; trial < 40; trial++) {
      const k = 5 + (trial % 4);
      const t = 2 + (trial % 7);
      const pool = k + rng.int(10);
      const tickets = Array.from({ length: t }, () =>
        rng
          .distinct(k, 1, pool)
          .map((x) => ((x * 7) % 80) + 1)
          .sort((a, b) => a - b),
      );
      const law = bestOfLaw(tickets.flat(), k, noMc);
      const ref = subsetEnumeration(tickets);
      expect(law.p2, `trial ${trial}`).toBeCloseTo(ref.p2, 13);
      expect(law.p3, `trial ${trial}`).toBeCloseTo(ref.p3, 13);
      expect(law.p4, `trial ${trial}`).toBeCloseTo(ref.p4, 13);
    }
  });

  it('[12.5.1] one ticket gives the hypergeometric tail exactly; overlapping tickets fall below 1-(1-p)^T', () => {
    const one = bestOfLaw([3, 17, 22, 41, 80], 5, noMc);
    expect(one.p2 * TOTAL).toBeCloseTo(675250 + 27750 + 375 + 1, 6);
    expect(one.p3 * TOTAL).toBeCloseTo(27750 + 375 + 1, 6);
    expect(one.p4 * TOTAL).toBeCloseTo(376, 6);
    // Overlap lowers the chance that some ticket catches a pair: 2 tickets sharing 4 numbers vs the formula.
    const overlap = bestOfLaw([1, 2, 3, 4, 5, 1, 2, 3, 4, 6], 5, noMc);
    expect(overlap.p2).toBeLessThan(probBestAtLeast(5, 2, 2));
  });

  it('[12.5.1] too many covered 4-sets: h = 3, 4 come from a seeded Monte Carlo (reproducible, variance returned), h = 2 stays exact', () => {
    const rng = createRng(3, 3);
    const tickets = Array.from({ length: Math.ceil(EXACT_BUDGET / choose(15, 4)) + 1 }, () => rng.distinct(15, 1, 80));
    const a = bestOfLaw(tickets.flat(), 15, () => bestOfRng(7, 6000));
    const b = bestOfLaw(tickets.flat(), 15, () => bestOfRng(7, 6000));
    expect(a).toEqual(b);
    expect(a.method).toBe('monte-carlo');
    expect(a.var2).toBe(0);
    expect(a.var3).toBeCloseTo((a.p3 * (1 - a.p3)) / 20_000, 15);
    expect(a.var3).toBeGreaterThan(0);
    // p2 is still counted: check it against a large independent sample (within 5 sd)
    const mc = sampleBestOf(tickets.flat(), 15, createRng(99, 1), 100_000);
    expect(Math.abs(mc.p2 - a.p2)).toBeLessThan(5 * Math.sqrt(mc.var2) + 1e-9);
    expect(Math.abs(mc.p3 - a.p3)).toBeLessThan(5 * Math.sqrt(mc.var3 + a.var3));
  });

  it('[12.5.1] the run-file text form reads back exactly', () => {
    const law = bestOfLaw([1, 2, 3, 4, 5, 1, 2, 3, 9, 10], 5, noMc);
    expect(parseBestOfLaw(formatBestOfLaw(law))).toEqual(law);
    expect(parseBestOfLaw(null)).toBeUndefined();
    expect(parseBestOfLaw('0.5 0.1')).toBeUndefined();
  });
});

describe('Poisson-binomial', () => {
  it('[12.5.1] equals the binomial when every p is equal, and sums to 1', () => {
    const ps = new Float64Array(300).fill(0.3);
    const { lo, pmf } = poissonBinomialPmf(ps);
    expect(pmf.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
    for (const x of [60, 90, 120]) expect(pmf[x - lo]).toBeCloseTo(binomialPmf(x, 300, 0.3), 14);
    for (const x of [70, 90, 110]) expect(poissonBinomialTest(x, ps)).toBeCloseTo(binomialTest(x, 300, 0.3), 9);
  });

  it('[12.5.1] best-of figures use the per-contest law: expected = mean p, p-value Poisson-binomial', () => {
    const ps = Float64Array.from({ length: 200 }, (_, i) => 0.4 + (i % 5) * 0.05);
    const zeros = { 2: 0, 3: 0, 4: 0 };
    const small = new Float64Array(200).fill(0.001);
    const counts = {
      tickets: 2000,
      numbers_per_ticket: 5,
      distribution: [1400, 500, 90, 8, 2, 0],
      contests: 200,
      best_at_least: { 2: 90, 3: 10, 4: 2, 5: 0 },
      tickets_per_contest: 10,
    };
    const r = compareToBaseline(counts, { p: { 2: ps, 3: small, 4: small }, mc_variance: zeros });
    const f = r.figures.best_2plus;
    expect(f.expected).toBeCloseTo(0.5, 12);
    expect(f.expected_count).toBeCloseTo(100, 9);
    expect(f.p_value).toBe(poissonBinomialTest(90, ps));
    expect(f.null_model).toBe('tickets-exact');
    // without the law, the formula for independent tickets, labelled as such
    expect(compareToBaseline(counts).figures.best_2plus).toMatchObject({ expected: probBestAtLeast(5, 2, 10), null_model: 'independent-tickets' });
    // Monte Carlo variance widens the test and is stated
    const mc = compareToBaseline(counts, { p: { 2: ps, 3: small, 4: small }, mc_variance: { 2: 25, 3: 0, 4: 0 } }).figures.best_2plus;
    expect(mc.null_model).toBe('tickets-monte-carlo');
    expect(mc.expected_mc_sd).toBe(5);
    expect(mc.p_value).toBeGreaterThan(f.p_value);
    expect(mc.sentence).toMatch(/sampled/);
  });
});

describe.skipIf(!haveShared())('best-of law on real preset tickets', () => {
  it('[12.5.1] aggressive tickets on real contests: the exact law agrees with a large sample and sits below 1-(1-p)^30', () => {
    const rows = readFileSync(QUINA_CSV, 'utf8').trim().split('\n').slice(1);
    const history = buildHistory(rows.map((l) => ({ contest: Number(l.split(',')[0]), balls: l.split(',').slice(2, 7).map(Number) as never })));
    const recipe = loadPreset('aggressive');
    let sum = 0;
    for (const contest of [6001, 6400, 6800]) {
      const tickets = predictTickets(historyWindow(history, contest - 1, recipe.history), recipe, contest);
      const flat = tickets.flatMap((t) => [...t.numbers]);
      const law = bestOfLaw(flat, 5, noMc);
      const mc = sampleBestOf(flat, 5, createRng(1, contest), 200_000);
      for (const h of ['p2', 'p3', 'p4'] as const) {
        const sd = Math.sqrt((law[h] * (1 - law[h])) / 200_000);
        expect(Math.abs(mc[h] - law[h]), `${contest} ${h}`).toBeLessThan(5 * sd + 1e-12);
      }
      sum += law.p2;
    }
    // The null for this preset over 501..6882 was 0.5694 against the printed 0.5897.
    expect(sum / 3).toBeLessThan(probBestAtLeast(5, 2, 30));
  });
});
