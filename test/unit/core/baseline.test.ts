import { describe, expect, it } from 'vitest';
import { compareToBaseline, type HitCounts } from '../../../src/core/baseline.js';
import { bestOfLaw } from '../../../src/core/best-of.js';
import { createRng } from '../../../src/core/rng.js';
import { toBestOfLaws } from '../../../src/core/run-summary.js';

/** Counts for one ticket per contest: each contest's best ticket is its only ticket. */
function oneTicketEach(k: number, distribution: number[]): HitCounts {
  const tickets = distribution.reduce((s, n) => s + n, 0);
  const atLeast = (h: number): number => distribution.slice(h).reduce((s, n) => s + n, 0);
  return {
    tickets,
    numbers_per_ticket: k,
    distribution,
    contests: tickets,
    best_at_least: { 2: atLeast(2), 3: atLeast(3), 4: atLeast(4), 5: atLeast(5) },
    tickets_per_contest: 1,
  };
}

const K5 = [17259390, 6077250, 675250, 27750, 375, 1];
const K6 = [16108764, 6903756, 972360, 54020, 1110, 6];
const SKILL_CLAIM = /(?<!no evidence of )skill/i;

describe('compareToBaseline', () => {
  it('exact expectations for k = 5', () => {
    const r = compareToBaseline(oneTicketEach(5, K5));
    const f = r.figures;
    expect(f.mean_hits.expected).toBe(0.3125);
    expect(f.tickets_2plus.expected).toBe(703376 / 24040016);
    expect(f.tickets_3plus.expected).toBe(28126 / 24040016);
    expect(f.tickets_4plus.expected).toBe(376 / 24040016);
    expect(f.tickets_5.expected).toBe(1 / 24040016);
    expect(f.best_3plus.expected).toBeCloseTo(28126 / 24040016, 16);
    expect(r.distribution[2]).toEqual({ hits: 2, observed: 675250, expected: expect.closeTo(675250, 6), probability: 675250 / 24040016 });
  });

  it('exact expectations for k = 6 and best-of-10', () => {
    const counts: HitCounts = {
      ...oneTicketEach(6, K6),
      contests: 2404001,
      tickets_per_contest: 10,
      best_at_least: { 2: 600_000, 3: 30_000, 4: 1_000, 5: 10 },
    };
    const f = compareToBaseline(counts).figures;
    expect(f.mean_hits.expected).toBe(0.375);
    expect(f.tickets_2plus.expected).toBe(1027496 / 24040016);
    expect(f.tickets_4plus.expected).toBe(1116 / 24040016);
    expect(f.best_2plus.expected).toBeCloseTo(1 - (1 - 1027496 / 24040016) ** 10, 14);
  });

  it('observed exactly at the expectation gives p near 1 everywhere and no evidence of skill', () => {
    for (const [k, dist] of [
      [5, K5],
      [6, K6],
    ] as const) {
      const r = compareToBaseline(oneTicketEach(k, [...dist]));
      for (const f of Object.values(r.figures)) {
        expect(f.observed).toBeCloseTo(f.expected, 15);
        expect(f.p_value).toBeGreaterThan(0.99);
      }
      expect(r.too_short).toBe(false);
      // C(80,5) tickets expect one 5-hit ticket at k = 5 (too few to judge) and six at k = 6
      expect(r.figures.tickets_5.too_short).toBe(k === 5);
      expect(r.figures.tickets_2plus.sentence).toMatch(/p = 1\.00: no evidence of skill$/);
      expect(r.verdict).toMatch(/^No figure differs from the exact baseline beyond chance/);
    }
  });

  // 6,865 contests x 1 ticket, k = 5: 2+ expected 6865 x 0.029259 = 200.9
  const base = [4930, 1735, 193, 7, 0, 0];

  it('sentence: within chance', () => {
    const r = compareToBaseline(oneTicketEach(5, base));
    const f = r.figures.tickets_2plus;
    expect(f.observed_count).toBe(200);
    expect(f.sentence).toBe('2.91% of tickets hit 2+, expected 2.93%, p = 1.00: no evidence of skill');
    expect(f.ci95[0]).toBeLessThan(f.expected);
    expect(f.ci95[1]).toBeGreaterThan(f.expected);
    expect(f.min_detectable_lift).toBeCloseTo(0.195, 3);
    expect(r.figures.mean_hits.sentence).toMatch(/^0\.3\d{3} hits per ticket on average, expected 0\.3125, p = \d\.\d\d: no evidence of skill$/);
  });

  it('sentence: above the baseline never claims skill', () => {
    const r = compareToBaseline(oneTicketEach(5, [4900, 1720, 235, 10, 0, 0]));
    const f = r.figures.tickets_2plus;
    expect(f.p_value).toBeLessThan(0.05);
    expect(f.sentence).toMatch(
      /^3\.57% of tickets hit 2\+, expected 2\.93%: above the baseline \(p = 0\.0\d+\), which is what chance alone does in 1 of 20 comparisons; confirm on a holdout range$/,
    );
    expect(f.sentence).not.toMatch(SKILL_CLAIM);
    expect(r.verdict).toMatch(/above the baseline at p < 0\.05 .*Holm.*confirm on a holdout range/);
    expect(r.verdict).not.toMatch(SKILL_CLAIM);
    expect(f.p_adjusted).toBeGreaterThanOrEqual(f.p_value);
  });

  it('sentence: below the baseline', () => {
    const r = compareToBaseline(oneTicketEach(5, [5010, 1700, 150, 5, 0, 0]));
    const f = r.figures.tickets_2plus;
    expect(f.sentence).toMatch(
      /^2\.26% of tickets hit 2\+, expected 2\.93%: below the baseline \(p = 7\.5e-4\), which chance alone also does in 1 of 20 comparisons$/,
    );
    expect(r.verdict).toMatch(/below the baseline at p < 0\.05/);
    expect(r.verdict).not.toMatch(SKILL_CLAIM);
  });

  it('sentence: too short for rare tiers, with the size it would need', () => {
    const r = compareToBaseline(oneTicketEach(5, base));
    const f = r.figures.tickets_4plus;
    expect(f.too_short).toBe(true);
    expect(f.p_adjusted).toBeNull();
    expect(f.min_detectable_lift).toBeNull();
    expect(f.sentence).toBe('0 tickets hit 4+, expected 0.11: far too few tickets to tell (this needs ~510,000 tickets)');
    expect(r.figures.best_4plus.sentence).toBe(
      '0 contests had a ticket with 4+ hits, expected 0.11: far too few contests to tell (this needs ~510,000 contests)',
    );
    expect(r.figures.tickets_5.sentence).toMatch(/^0 tickets hit all 5, expected 0\.0003: far too few tickets to tell/);
    expect(r.too_short).toBe(false);
  });

  it('a very short range is too short as a whole', () => {
    const r = compareToBaseline(oneTicketEach(5, [7, 3, 0, 0, 0, 0]));
    expect(r.too_short).toBe(true);
    expect(r.verdict).toBe(
      'Far too few tickets to tell anything: even 2+ hits, the commonest prize tier, is expected only 0.29 times (this needs ~270 tickets).',
    );
    expect(r.figures.mean_hits.sentence).toBe('10 tickets with 3 hits in all, expected 3.1: far too few tickets to tell (this needs ~23 tickets)');
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('rejects inconsistent counts with E_INPUT_INVALID and path: problem details', () => {
    const good = oneTicketEach(5, base);
    const bad = (c: Partial<HitCounts>): unknown => {
      try {
        compareToBaseline({ ...good, ...c });
      } catch (e) {
        return e;
      }
      return null;
    };
    expect(bad({ tickets: 1 })).toMatchObject({ code: 'E_INPUT_INVALID', details: [expect.stringMatching(/^distribution: sums to 6865/)] });
    expect(bad({ numbers_per_ticket: 4 })).toMatchObject({ code: 'E_INPUT_INVALID' });
    expect(bad({ best_at_least: { 2: 10, 3: 20, 4: 0, 5: 0 } })).toMatchObject({ details: [expect.stringMatching(/^best_at_least\.3: 20 exceeds/)] });
    expect(bad({ distribution: [1, 2, 3] })).toMatchObject({ code: 'E_INPUT_INVALID' });
    expect(bad({ tickets_per_contest: 0 })).toMatchObject({ code: 'E_INPUT_INVALID' });
  });
});

describe('compareToBaseline verdict wording', () => {
  it('mixed directions name both', () => {
    // 2+ well above, 3+ well below over 6,865 single tickets
    const dist = [4900, 1720, 245, 0, 0, 0];
    const r = compareToBaseline({
      tickets: 6865,
      numbers_per_ticket: 5,
      distribution: dist,
      contests: 6865,
      best_at_least: { 2: 245, 3: 0, 4: 0, 5: 0 },
      tickets_per_contest: 1,
    });
    expect(r.figures.tickets_3plus.sentence).toMatch(/^0% of tickets hit 3\+, expected 0\.117%: below the baseline/);
    expect(r.verdict).toMatch(
      /^\d of \d figures (is|are) above and \d below the baseline at p < 0\.05 \(smallest p = .*, .* after Holm's correction for \d figures\), which is what chance alone does/,
    );
  });
});

describe('overlapping tickets: the per-ticket figures use the exact null variance of the actual tickets', () => {
  /**
   * A frequency-like strategy on uniform draws: each study picks 10 favourite numbers and plays 25
   * distinct 5-number tickets made of them in every one of 200 contests. Whatever it does, the
   * draws are uniform, so a figure may claim a difference at most at the nominal 5% rate.
   */
  function simulateStudies(studies: number, withMoments: boolean): { mean: number; share2: number } {
    const rng = createRng(20261203, 7);
    let meanClaims = 0;
    let share2Claims = 0;
    for (let s = 0; s < studies; s++) {
      const pool = new Set<number>();
      while (pool.size < 10) pool.add(1 + rng.int(80));
      const poolList = [...pool];
      const keys = new Set<string>();
      const tickets: number[][] = [];
      while (tickets.length < 25) {
        const t = new Set<number>();
        while (t.size < 5) t.add(poolList[rng.int(10)]!);
        const sorted = [...t].sort((a, b) => a - b);
        if (keys.has(sorted.join())) continue;
        keys.add(sorted.join());
        tickets.push(sorted);
      }
      const flat = tickets.flat();
      const law = bestOfLaw(flat, 5, () => createRng(s, 1));
      const distribution = [0, 0, 0, 0, 0, 0];
      const best = { 2: 0, 3: 0, 4: 0, 5: 0 };
      const contests = 200;
      for (let c = 0; c < contests; c++) {
        const drawn = new Set<number>();
        while (drawn.size < 5) drawn.add(1 + rng.int(80));
        let top = 0;
        for (const t of tickets) {
          const h = t.filter((n) => drawn.has(n)).length;
          distribution[h]!++;
          top = Math.max(top, h);
        }
        for (const h of [2, 3, 4, 5] as const) if (top >= h) best[h]++;
      }
      const laws = Array.from({ length: contests }, () => (withMoments ? law : { ...law, moments: undefined }));
      const r = compareToBaseline(
        { tickets: contests * 25, numbers_per_ticket: 5, distribution, contests, best_at_least: best, tickets_per_contest: 25 },
        toBestOfLaws(laws),
      );
      if (r.figures.mean_hits.p_value < 0.05) meanClaims++;
      if (r.figures.tickets_2plus.p_value < 0.05) share2Claims++;
    }
    return { mean: meanClaims / studies, share2: share2Claims / studies };
  }

  it('[18.1.5] on uniform draws, the mean and the 2+ share of heavily overlapping tickets differ from the baseline at about the nominal 5% rate', () => {
    const n = 400;
    const bound = 0.05 + 3 * Math.sqrt((0.05 * 0.95) / n);
    const exact = simulateStudies(n, true);
    expect(exact.mean).toBeLessThanOrEqual(bound);
    expect(exact.share2).toBeLessThanOrEqual(bound);
    // and the test is not merely blind: it does reject sometimes
    expect(exact.mean + exact.share2).toBeGreaterThan(0);
    // the old analysis (every ticket an independent trial) "finds" a difference in a large share of pure-luck studies
    const independent = simulateStudies(n, false);
    expect(independent.mean).toBeGreaterThan(0.3);
  });

  it('[18.1.6] the figures say how much the tickets vary together, and the interval widens with it', () => {
    const tickets = [
      [1, 2, 3, 4, 5],
      [1, 2, 3, 4, 6],
      [1, 2, 3, 5, 6],
    ];
    const law = bestOfLaw(tickets.flat(), 5, () => createRng(1, 1));
    const counts: HitCounts = {
      tickets: 300,
      numbers_per_ticket: 5,
      distribution: [180, 90, 24, 5, 1, 0],
      contests: 100,
      best_at_least: { 2: 20, 3: 4, 4: 1, 5: 0 },
      tickets_per_contest: 3,
    };
    const withMoments = compareToBaseline(counts, toBestOfLaws(Array.from({ length: 100 }, () => law)));
    const without = compareToBaseline(counts, toBestOfLaws(Array.from({ length: 100 }, () => ({ ...law, moments: undefined }))));
    const design = withMoments.figures.mean_hits.design_effect!;
    expect(design).toBeGreaterThan(2);
    expect(without.figures.mean_hits.design_effect).toBeUndefined();
    const width = (f: { ci95: number[] }) => f.ci95[1]! - f.ci95[0]!;
    expect(width(withMoments.figures.mean_hits)).toBeGreaterThan(width(without.figures.mean_hits));
    expect(withMoments.figures.mean_hits.p_value).toBeGreaterThan(without.figures.mean_hits.p_value);
    expect(withMoments.figures.mean_hits.sentence).toMatch(/share numbers/);
    expect(withMoments.null_variances?.total_hits).toBeCloseTo(100 * law.moments!.total, 9);
    expect(withMoments.figures.tickets_2plus.design_effect).toBeGreaterThan(1);
  });

  it('[17.7.1] the tickets a short range would need are rounded after the design effect, not before', () => {
    const tickets = [
      [1, 2, 3, 4, 5],
      [1, 2, 3, 4, 6],
      [1, 2, 3, 5, 6],
    ];
    const law = bestOfLaw(tickets.flat(), 5, () => createRng(1, 1));
    const counts: HitCounts = {
      tickets: 30,
      numbers_per_ticket: 5,
      distribution: [18, 9, 3, 0, 0, 0],
      contests: 10,
      best_at_least: { 2: 3, 3: 0, 4: 0, 5: 0 },
      tickets_per_contest: 3,
    };
    const r = compareToBaseline(counts, toBestOfLaws(Array.from({ length: 10 }, () => law)));
    const f = r.figures.tickets_4plus;
    expect(f.design_effect).toBeGreaterThan(1);
    const needed = Number(/this needs ~([\d,]+) tickets/.exec(f.sentence)![1]!.replaceAll(',', ''));
    // two significant digits, as every other "this needs" figure
    expect(String(needed).replace(/0+$/, '').length).toBeLessThanOrEqual(2);
    // independent tickets need ~505,000 (printed rounded up as 510,000): times the design effect, then rounded up
    expect(needed).toBeGreaterThanOrEqual(500_000 * f.design_effect!);
    expect(needed).toBeLessThanOrEqual(Math.ceil((510_000 * f.design_effect!) / 10_000) * 10_000);
  });
});
