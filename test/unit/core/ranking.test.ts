import { describe, expect, it } from 'vitest';
import { bestOfSentence, formatMetric, liftOf, rankByFor, rankEntries } from '../../../src/core/ranking.js';
import { benjaminiHochberg, holm } from '../../../src/core/stats.js';

describe('rankEntries', () => {
  const entries = [
    { id: 'a', value: 0.3, p_value: 0.4 },
    { id: 'b', value: 0.35, p_value: 0.01 },
    { id: 'c', value: null, p_value: null },
    { id: 'd', value: 0.35, p_value: 0.02 },
    { id: 'e', value: 0.2, p_value: 0.9 },
  ];

  it("[12.5.5] ranks by lift over each entry's own expectation: a 7-number run does not win on raw mean hits", () => {
    const runs = [
      { id: 'k7', value: 0.44, baseline: 0.4375, p_value: 0.9 },
      { id: 'k5', value: 0.33, baseline: 0.3125, p_value: 0.2 },
      { id: 'k6', value: 0.36, baseline: 0.375, p_value: 0.5 },
      { id: 'none', value: 0.5, baseline: null, p_value: null },
    ];
    expect(rankEntries(runs, true).map((e) => e.id)).toEqual(['none', 'k7', 'k6', 'k5']);
    const byLift = rankEntries(runs, true, 'lift');
    expect(byLift.map((e) => e.id)).toEqual(['k5', 'k7', 'k6', 'none']);
    expect(byLift.map((e) => e.rank)).toEqual([1, 2, 3, null]);
    expect(liftOf(0.33, 0.3125)).toBeCloseTo(1.056, 3);
    expect(rankByFor('mean_hits')).toBe('lift');
    expect(rankByFor('best_3plus')).toBe('lift');
    expect(rankByFor('roi_pct')).toBe('value');
  });

  it('orders best first, shares ranks on ties (input order kept), puts missing values last', () => {
    const r = rankEntries(entries, true);
    expect(r.map((e) => e.id)).toEqual(['b', 'd', 'a', 'e', 'c']);
    expect(r.map((e) => e.rank)).toEqual([1, 1, 3, 4, null]);
    expect(rankEntries(entries, false).map((e) => e.id)).toEqual(['e', 'a', 'b', 'd', 'c']);
  });

  it('adjusts over every entry with a p-value, whatever is shown afterwards', () => {
    const r = rankEntries(entries, true);
    const ps = [0.4, 0.01, 0.02, 0.9];
    const h = holm(ps);
    const b = benjaminiHochberg(ps);
    expect(r.find((e) => e.id === 'b')!.p_holm).toBeCloseTo(h[1]!, 15);
    expect(r.find((e) => e.id === 'b')!.p_holm).toBeCloseTo(0.04, 15);
    expect(r.find((e) => e.id === 'a')!.p_bh).toBeCloseTo(b[0]!, 15);
    expect(r.find((e) => e.id === 'c')!.p_holm).toBeNull();
    // the top row of a trimmed list carries the same figure
    expect(r.slice(0, 1)[0]!.p_holm).toBeCloseTo(0.04, 15);
  });
});

describe('bestOfSentence', () => {
  const base = { metric: 'mean_hits' as const, baseline: 0.3125, noun: 'cells' };

  it('says what the luckiest of N looks like when the correction swallows it', () => {
    expect(bestOfSentence({ ...base, value: 0.3301, p_value: 0.03, p_holm: 0.48, of: 16 })).toBe(
      'best of 16 cells: mean_hits 0.3301 vs 0.3125 expected, raw p = 0.03, Holm-adjusted p = 0.48: what the luckiest of 16 tries looks like',
    );
  });

  it('asks for a holdout when the best survives the correction', () => {
    expect(bestOfSentence({ ...base, value: 0.36, p_value: 0.0001, p_holm: 0.0016, of: 16 })).toMatch(
      /survives the correction for 16 tries; confirm it on a holdout range/,
    );
  });

  it('says so when even the best is not above chance, and when there is no baseline', () => {
    expect(bestOfSentence({ ...base, value: 0.3, p_value: 0.5, p_holm: 1, of: 4 })).toMatch(/not better than chance/);
    expect(bestOfSentence({ ...base, metric: 'roi_pct', baseline: null, value: -80, p_value: null, p_holm: null, of: 4 })).toMatch(/no exact baseline/);
  });

  it('formats metrics by unit', () => {
    expect(formatMetric('mean_hits', 0.33012)).toBe('0.3301');
    expect(formatMetric('best_2plus', 0.125)).toBe('12.5%');
    expect(formatMetric('roi_pct', -93.33)).toBe('-93.3%');
    expect(formatMetric('net_cents', -12345)).toMatch(/123,45/);
    expect(formatMetric('mean_hits', null)).toBe('-');
  });
});
