import { describe, expect, it } from 'vitest';
import { buildHistory } from '../../../../src/core/draw.js';
import { crossover, evolve, mutate } from '../../../../src/core/predictor/advanced/genetic.js';
import { Roulette, computeNumberWeights } from '../../../../src/core/predictor/advanced/number-weights.js';
import { createScoreModel, positionSlot, scoreCard } from '../../../../src/core/predictor/advanced/score.js';
import { createSearchScratch, hillClimb } from '../../../../src/core/predictor/advanced/search.js';
import { passesFilters } from '../../../../src/core/predictor/advanced/selection.js';
import { STRIDE, computeBaseStats, computePairStats, computeRecencyWeights } from '../../../../src/core/predictor/window-stats.js';
import { SMART_FILTER_DEFAULTS } from '../../../../src/core/recipe/params.js';
import { type Rng, createRng } from '../../../../src/core/rng.js';
import { syntheticDraws } from '../../../helpers/synthetic-draws.js';

type B = readonly [number, number, number, number, number];
const tiny = buildHistory([
  { contest: 1, balls: [1, 2, 3, 4, 5] as B },
  { contest: 2, balls: [1, 2, 10, 20, 30] as B },
  { contest: 3, balls: [1, 11, 21, 31, 80] as B },
]);
const big = buildHistory(syntheticDraws(300));
const weights = { alpha: 1.5, beta: 0.5, gamma: 1, cluster_penalty: 2 };

describe('window statistics', () => {
  it('frequency, last index and sorted positions', () => {
    const s = computeBaseStats(tiny);
    expect(s.freq[1]).toBe(3);
    expect(s.freq[2]).toBe(2);
    expect(s.freq[79]).toBe(0);
    expect(s.lastIndex[2]).toBe(1);
    expect(s.lastIndex[80]).toBe(2);
    expect(s.lastIndex[79]).toBe(-1);
    expect(s.pos[0 * STRIDE + 1]).toBe(3);
    expect(s.pos[4 * STRIDE + 80]).toBe(1);
  });

  it('pair conditionals use the legacy formula (co + 1) / (freqW + 80) over the last coocc_window draws', () => {
    const all = computePairStats(tiny, 0);
    expect(all.cond[1 * STRIDE + 2]).toBeCloseTo((2 + 1) / (3 + 80), 12);
    expect(all.cond[2 * STRIDE + 1]).toBeCloseTo((2 + 1) / (2 + 80), 12);
    expect(all.sym[1 * STRIDE + 2]).toBeCloseTo(3 / 83 + 3 / 82, 12);
    expect(all.cond[5 * STRIDE + 5]).toBe(0);
    const last1 = computePairStats(tiny, 1);
    expect(last1.cond[1 * STRIDE + 2]).toBeCloseTo(1 / 81, 12);
    expect(last1.cond[1 * STRIDE + 11]).toBeCloseTo(2 / 81, 12);
  });

  it('recency weights decay by exp(-lambda * draws ago)', () => {
    const r = computeRecencyWeights(tiny, 0.5);
    expect(r[1]).toBeCloseTo(1 + Math.exp(-0.5) + Math.exp(-1), 12);
    expect(r[3]).toBeCloseTo(Math.exp(-1), 12);
    expect(computeRecencyWeights(tiny, 0.5, 1)[3]).toBe(0);
  });
});

describe('number weights and the roulette', () => {
  it('w = freq · exp(-lambda · age) · boost for cold numbers, floored at 0.0001', () => {
    const w = computeNumberWeights(computeBaseStats(tiny), { lambda: 0.1, hot_window: 1, hot_cold_boost: 3 });
    expect(w[1]).toBeCloseTo(3, 12); // in the last draw: hot, age 0
    expect(w[2]).toBeCloseTo(2 * Math.exp(-0.1) * 3, 12); // last seen 1 draw ago: cold with hot_window 1
    expect(w[79]).toBe(0.0001);
  });

  it('picks the first number (by weight, descending) whose cumulative weight reaches U · total, like the legacy walk', () => {
    const w = computeNumberWeights(computeBaseStats(big), { lambda: 0.08, hot_window: 15, hot_cold_boost: 1.5 });
    const roulette = new Roulette(w);
    const order = Array.from({ length: 80 }, (_, i) => i + 1).sort((a, b) => w[b]! - w[a]! || a - b);
    const total = order.reduce((s, n) => s + w[n]!, 0);
    const legacy = (u: number) => {
      let acc = 0;
      for (const n of order) {
        acc += w[n]!;
        if (acc >= u * total) return n;
      }
      return order.at(-1)!;
    };
    const rng = createRng(5, 5);
    for (let i = 0; i < 5000; i++) {
      const u = i < 3 ? [0, 0.5, 0.9999999][i]! : rng.next();
      const fixed = { next: () => u } as unknown as Rng;
      expect(roulette.pick(fixed)).toBe(legacy(u));
    }
  });
});

describe('score', () => {
  it('alpha · pairs + beta · marginal + gamma · positional − cluster_penalty · same-decade extras', () => {
    const base = computeBaseStats(tiny);
    const pairs = computePairStats(tiny, 0);
    const m = createScoreModel(5, base, pairs, weights);
    const card = [1, 2, 11, 21, 80];
    let pairSum = 0;
    for (let i = 0; i < 5; i++) for (let j = i + 1; j < 5; j++) pairSum += pairs.sym[card[i]! * STRIDE + card[j]!]!;
    const marginal = (3 + 2 + 1 + 1 + 1) / 15;
    // card position i scores how often the number fell at sorted position i: 1 at 0 in 3 of 3
    // draws, 2 at 1 in 2 of 3, 11 never at 2 (it fell at 1), 21 never at 3, 80 at 4 in 1 of 3
    const positional = (3 + 2 + 0 + 0 + 1) / 3;
    const cluster = 1; // 1 and 2 share decade 0
    expect(scoreCard(m, card)).toBeCloseTo(1.5 * pairSum + 0.5 * marginal + 1 * positional - 2 * cluster, 12);
  });

  it('maps card positions onto the five draw positions for k != 5', () => {
    expect([0, 1, 2, 3, 4].map((i) => positionSlot(i, 5))).toEqual([0, 1, 2, 3, 4]);
    expect(positionSlot(0, 15)).toBe(0);
    expect(positionSlot(14, 15)).toBe(4);
    expect(positionSlot(7, 15)).toBe(2);
  });
});

describe('hill-climb', () => {
  const base = computeBaseStats(big);
  const pairs = computePairStats(big, 100);
  const roulette = new Roulette(computeNumberWeights(base, { lambda: 0.08, hot_window: 15, hot_cold_boost: 1.5 }));

  it('never accepts an equal score: with a flat score the card stays exactly as it was (the legacy revert could change it)', () => {
    const flat = createScoreModel(5, base, pairs, { alpha: 0, beta: 0, gamma: 0, cluster_penalty: 0 });
    const card = [3, 14, 15, 61, 72];
    const score = hillClimb(flat, card, scoreCard(flat, card), 500, roulette, createRng(1, 1), createSearchScratch(5));
    expect(card).toEqual([3, 14, 15, 61, 72]);
    expect(score).toBe(0);
  });

  it("only improves, and the returned score is the card's score", () => {
    const m = createScoreModel(5, base, pairs, weights);
    const rng = createRng(2, 2);
    for (let i = 0; i < 50; i++) {
      const card = rng.distinct(5, 1, 80);
      const before = scoreCard(m, card);
      const after = hillClimb(m, card, before, 60, roulette, rng, createSearchScratch(5));
      expect(after).toBeGreaterThanOrEqual(before);
      expect(after).toBeCloseTo(scoreCard(m, card), 12);
      expect(new Set(card).size).toBe(5);
      expect(card).toEqual([...card].sort((a, b) => a - b));
    }
  });

  it('scores moves by their difference exactly as a full rescoring would (same moves kept, k = 5 and 12)', () => {
    const m5 = createScoreModel(5, base, pairs, weights);
    const m12 = createScoreModel(12, base, pairs, weights);
    // the plain version: rebuild the card, rescore it, keep it if strictly better
    const naive = (m: typeof m5, card: number[], iterations: number, rng: Rng) => {
      let score = scoreCard(m, card);
      for (let it = 0; it < iterations; it++) {
        const pos = rng.int(card.length);
        const y = roulette.pick(rng);
        if (card.includes(y)) continue;
        const next = [...card.slice(0, pos), ...card.slice(pos + 1), y].sort((a, b) => a - b);
        const s = scoreCard(m, next);
        if (s > score + 1e-12) {
          card.splice(0, card.length, ...next);
          score = s;
        }
      }
      return score;
    };
    for (const m of [m5, m12]) {
      for (let seed = 0; seed < 30; seed++) {
        const start = createRng(seed, 99).distinct(m.k, 1, 80);
        const a = [...start];
        const b = [...start];
        const sa = hillClimb(m, a, scoreCard(m, a), 80, roulette, createRng(seed, 1), createSearchScratch(m.k));
        const sb = naive(m, b, 80, createRng(seed, 1));
        expect(a).toEqual(b);
        expect(sa).toBeCloseTo(sb, 12);
      }
    }
  });
});

describe('genetic search', () => {
  it('crossover samples k numbers from the union of both parents (not a copy of the first)', () => {
    const rng = createRng(3, 3);
    const p1 = [1, 2, 3, 4, 5];
    const p2 = [60, 61, 62, 63, 64];
    let fromP2 = 0;
    for (let i = 0; i < 200; i++) {
      const child = crossover(p1, p2, 5, rng);
      expect(new Set(child).size).toBe(5);
      expect(child.every((n) => p1.includes(n) || p2.includes(n))).toBe(true);
      fromP2 += child.filter((n) => p2.includes(n)).length;
    }
    expect(fromP2 / 1000).toBeGreaterThan(0.4);
    expect(fromP2 / 1000).toBeLessThan(0.6);
  });

  it('mutation swaps exactly one number and always keeps k distinct numbers', () => {
    const rng = createRng(4, 4);
    for (let i = 0; i < 2000; i++) {
      const k = 5 + (i % 11);
      const card = rng.distinct(k, 1, 80);
      const before = [...card];
      mutate(card, rng);
      expect(new Set(card).size).toBe(k);
      expect(card.every((n) => n >= 1 && n <= 80)).toBe(true);
      expect(card.filter((n) => !before.includes(n))).toHaveLength(1);
    }
  });

  it('keeps the elites, returns a full population of valid cards and leaves the seeds alone', () => {
    const m = createScoreModel(5, computeBaseStats(big), computePairStats(big, 100), weights);
    const rng = createRng(6, 6);
    const seeds = Array.from({ length: 30 }, () => {
      const card = rng.distinct(5, 1, 80);
      return { card, score: scoreCard(m, card) };
    }).sort((a, b) => b.score - a.score);
    const snapshot = JSON.stringify(seeds);
    const out = evolve(seeds, { generations: 20, mutation_rate: 0.3, elites: 5 }, m, rng);
    expect(JSON.stringify(seeds)).toBe(snapshot);
    expect(out).toHaveLength(30);
    expect(Math.max(...out.map((i) => i.score))).toBeGreaterThanOrEqual(seeds[0]!.score);
    for (const ind of out) {
      expect(new Set(ind.card).size).toBe(5);
      expect(ind.score).toBeCloseTo(scoreCard(m, ind.card), 12);
    }
  });
});

describe('smart filters', () => {
  it('with the defaults they are the legacy filter for 5 numbers: 120 <= sum <= 280, not all odd or even, at most 2 consecutive pairs', () => {
    const legacy = (c: number[]) => {
      const sum = c.reduce((a, b) => a + b, 0);
      const odd = c.filter((n) => n % 2 === 1).length;
      const runs = c.filter((n, i) => i > 0 && n === c[i - 1]! + 1).length;
      return sum >= 120 && sum <= 280 && odd !== 0 && odd !== 5 && runs <= 2;
    };
    const rng = createRng(8, 8);
    const samples = [
      [1, 2, 3, 4, 110],
      [20, 22, 24, 26, 28],
      [21, 23, 25, 27, 29],
      [10, 11, 12, 13, 74],
      [40, 41, 42, 60, 61],
    ].map((c) => c.map((n) => Math.min(n, 80)).sort((a, b) => a - b));
    for (let i = 0; i < 3000; i++) samples.push(rng.distinct(5, 1, 80));
    for (const c of samples) expect(passesFilters(c, SMART_FILTER_DEFAULTS)).toBe(legacy(c));
  });
});
