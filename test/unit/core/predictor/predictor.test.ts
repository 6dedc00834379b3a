import { describe, expect, it } from 'vitest';
import { buildHistory, historyWindow } from '../../../../src/core/draw.js';
import { type Ticket, createPredictorCache, predictTickets } from '../../../../src/core/predictor/index.js';
import { type Recipe, parseRecipe } from '../../../../src/core/recipe/schema.js';
import { LuckyError } from '../../../../src/errors.js';
import { syntheticDraws } from '../../../helpers/synthetic-draws.js';

const history = buildHistory(syntheticDraws(400, { first: 1001 }));
/** The window contest 1401 sees: the last `size` draws (contests up to 1400). */
const windowFor = (size: number) => historyWindow(history, history.count, size);
const CONTEST = 1401;

/** Small, fast settings so each advanced run takes a few milliseconds. */
const SMALL = { cands_mult: 4, hill_iter: 10, generations: 5, population_size: 20, elites: 4 };

function recipe(strategy: string, extra: Record<string, unknown> = {}, params: Record<string, unknown> = {}): Recipe {
  return parseRecipe({
    version: '2',
    name: 't',
    strategy,
    tickets: 6,
    history: 300,
    ...extra,
    params: { ...(strategy === 'advanced' ? SMALL : {}), ...params },
  });
}

const numbersOf = (tickets: Ticket[]) => tickets.map((t) => t.numbers);

function expectValid(tickets: Ticket[], count: number, k: number): void {
  expect(tickets).toHaveLength(count);
  const keys = new Set(tickets.map((t) => t.numbers.join(',')));
  expect(keys.size).toBe(count);
  for (const t of tickets) {
    expect(t.numbers).toHaveLength(k);
    expect(new Set(t.numbers).size).toBe(k);
    expect(t.numbers).toEqual([...t.numbers].sort((a, b) => a - b));
    expect(t.numbers.every((n) => Number.isInteger(n) && n >= 1 && n <= 80)).toBe(true);
    expect(Number.isFinite(t.score)).toBe(true);
  }
}

describe('predictTickets', () => {
  for (const strategy of ['random', 'frequency', 'advanced']) {
    it(`${strategy}: exactly "tickets" distinct valid tickets for k = 5, 8 and 15`, () => {
      for (const k of [5, 8, 15]) {
        const r = recipe(strategy, { numbers_per_ticket: k, tickets: 7 }, strategy === 'frequency' ? { pool: Math.max(20, k) } : {});
        expectValid(predictTickets(windowFor(300), r, CONTEST), 7, k);
      }
    });

    it(`${strategy}: deterministic per (recipe, window, contest); seed and contest change the stream`, () => {
      const r = recipe(strategy);
      const a = predictTickets(windowFor(300), r, CONTEST);
      expect(predictTickets(windowFor(300), r, CONTEST)).toEqual(a);
      expect(numbersOf(predictTickets(windowFor(300), { ...r, seed: 2 }, CONTEST))).not.toEqual(numbersOf(a));
      expect(numbersOf(predictTickets(windowFor(300), r, CONTEST + 1))).not.toEqual(numbersOf(a));
    });
  }

  it('advanced: works with an empty window (nothing known: still valid tickets)', () => {
    expectValid(predictTickets(historyWindow(history, 0, 300), recipe('advanced'), 1001), 6, 5);
    expectValid(predictTickets(historyWindow(history, 0, 300), recipe('frequency'), 1001), 6, 5);
  });

  it('advanced: more tickets than distinct candidates still gives distinct tickets (top-up)', () => {
    const r = recipe('advanced', { tickets: 40 }, { cands_mult: 1, hill_iter: 0, evolutionary: false, smart_filters: { mean_min: 38, mean_max: 43 } });
    const tickets = predictTickets(windowFor(300), r, CONTEST);
    expectValid(tickets, 40, 5);
  });

  it('advanced: with smart filters every ticket passes them', () => {
    const r = recipe('advanced', { tickets: 20 }, { smart_filters: { mean_min: 30, mean_max: 50, min_odd: 2, min_even: 2, max_consecutive: 0 } });
    for (const t of predictTickets(windowFor(300), r, CONTEST)) {
      const mean = t.numbers.reduce((a, b) => a + b, 0) / 5;
      const odd = t.numbers.filter((n) => n % 2 === 1).length;
      expect(mean).toBeGreaterThanOrEqual(30);
      expect(mean).toBeLessThanOrEqual(50);
      expect(odd).toBeGreaterThanOrEqual(2);
      expect(5 - odd).toBeGreaterThanOrEqual(2);
      expect(t.numbers.some((n, i) => i > 0 && n === t.numbers[i - 1]! + 1)).toBe(false);
    }
  });

  it('frequency: the first ticket is the top of the ranking (hot = most drawn, cold = least drawn)', () => {
    const w = windowFor(300);
    const counts = new Array<number>(81).fill(0);
    for (const b of w.balls) counts[b]!++;
    const hot = predictTickets(w, recipe('frequency', {}, { lambda: 0 }), CONTEST)[0]!.numbers;
    const cold = predictTickets(w, recipe('frequency', {}, { lambda: 0, mode: 'cold' }), CONTEST)[0]!.numbers;
    const sorted = [...counts.keys()].slice(1).sort((a, b) => counts[b]! - counts[a]!);
    expect(Math.min(...hot.map((n) => counts[n]!))).toBeGreaterThanOrEqual(counts[sorted[4]!]!);
    expect(Math.max(...cold.map((n) => counts[n]!))).toBeLessThanOrEqual(counts[sorted[75]!]!);
  });

  it('cuts a longer window to the last `history` draws', () => {
    const r = recipe('advanced', { history: 120 });
    expect(predictTickets(windowFor(400), r, CONTEST)).toEqual(predictTickets(windowFor(120), r, CONTEST));
  });

  it('refuses a window that reaches the contest (look-ahead) or is out of order', () => {
    const r = recipe('random');
    expect(() => predictTickets(windowFor(300), r, 1400)).toThrow(/look-ahead/);
    const shuffled = buildHistory([...syntheticDraws(3, { first: 5 })].reverse());
    expect(() => predictTickets(shuffled, r, 10)).toThrow(LuckyError);
    expect(() => predictTickets(shuffled, r, 10)).toThrow(/out of order/);
    expect(() => predictTickets(windowFor(10), r, 0)).toThrow(/contest must be a positive whole number/);
  });

  it('does not modify its inputs', () => {
    const w = windowFor(300);
    const before = { contests: Array.from(w.contests), balls: Array.from(w.balls) };
    const r = recipe('advanced');
    const frozen = JSON.stringify(r);
    predictTickets(w, r, CONTEST);
    predictTickets(w, recipe('frequency'), CONTEST);
    expect({ contests: Array.from(w.contests), balls: Array.from(w.balls) }).toEqual(before);
    expect(JSON.stringify(r)).toBe(frozen);
  });
});

describe('PredictorCache', () => {
  it('gives identical tickets with and without a cache, and shares window statistics across recipes', () => {
    const cache = createPredictorCache();
    const recipes = [recipe('advanced', {}, { alpha: 1 }), recipe('advanced', {}, { alpha: 2 }), recipe('advanced', { seed: 9 }), recipe('frequency')];
    for (let c = 0; c < 3; c++) {
      const end = history.count - c;
      const contest = history.contests[end - 1]! + 1;
      for (const r of recipes) {
        const w = historyWindow(history, end, r.history);
        expect(predictTickets(w, r, contest, cache)).toEqual(predictTickets(w, r, contest));
      }
    }
    // per window: base + pairs built once for the first advanced recipe, reused by the other two
    expect(cache.hits).toBeGreaterThanOrEqual(3 * 2 * 2);
  });

  it('never serves statistics of other draws under the same contest numbers', () => {
    const cache = createPredictorCache();
    const r = recipe('advanced');
    const a = buildHistory(syntheticDraws(300, { first: 1, seed: 1 }));
    const b = buildHistory(syntheticDraws(300, { first: 1, seed: 2 }));
    predictTickets(a, r, 301, cache);
    expect(predictTickets(b, r, 301, cache)).toEqual(predictTickets(b, r, 301));
  });

  it('evicts the least recently used entries beyond its size', () => {
    const cache = createPredictorCache(2);
    cache.get('a', () => 1);
    cache.get('b', () => 2);
    cache.get('a', () => 0);
    cache.get('c', () => 3);
    expect(cache.size).toBe(2);
    expect(cache.get('b', () => 20)).toBe(20);
    expect(() => createPredictorCache(0)).toThrow(RangeError);
  });
});

describe('every recipe parameter changes the tickets (everything else fixed)', () => {
  const w = windowFor(300);
  // The final selection is coverage first (legacy): the genetic search's cards win once the
  // tickets cover all 80 numbers and the choice falls to the score, so its knobs are moved with
  // 20 tickets. Five numbers rarely hold a consecutive pair, so max_consecutive is moved on
  // 10-number tickets.
  const GA = { tickets: 20 };
  const cases: Array<[string, string, Record<string, unknown>, Record<string, unknown>, Record<string, unknown>?, Record<string, unknown>?]> = [
    // [strategy, what moves, top-level change, params change, top-level context, params context]
    ['random', 'seed', { seed: 2 }, {}],
    ['random', 'tickets', { tickets: 9 }, {}],
    ['random', 'numbers_per_ticket', { numbers_per_ticket: 6 }, {}],
    ['frequency', 'history', { history: 20 }, {}],
    ['frequency', 'params.mode', {}, { mode: 'cold' }],
    ['frequency', 'params.window', {}, { window: 10 }],
    ['frequency', 'params.lambda', {}, { lambda: 0 }],
    ['frequency', 'params.pool', {}, { pool: 40 }],
    ['advanced', 'history', { history: 50 }, {}],
    ['advanced', 'seed', { seed: 3 }, {}],
    ['advanced', 'params.lambda', {}, { lambda: 0.5 }],
    ['advanced', 'params.hot_cold_boost', {}, { hot_cold_boost: 20 }],
    ['advanced', 'params.hot_window', {}, { hot_window: 100 }],
    ['advanced', 'params.coocc_window', {}, { coocc_window: 10 }],
    ['advanced', 'params.cands_mult', {}, { cands_mult: 8 }],
    ['advanced', 'params.hill_iter', {}, { hill_iter: 100 }],
    ['advanced', 'params.alpha', {}, { alpha: 20 }],
    ['advanced', 'params.beta', {}, { beta: 100 }],
    ['advanced', 'params.gamma', {}, { gamma: 100 }],
    ['advanced', 'params.cluster_penalty', {}, { cluster_penalty: 0 }],
    ['advanced', 'params.smart_filters.enabled', {}, { smart_filters: false }],
    ['advanced', 'params.smart_filters.mean_min', {}, { smart_filters: { mean_min: 45 } }],
    ['advanced', 'params.smart_filters.mean_max', {}, { smart_filters: { mean_max: 35 } }],
    ['advanced', 'params.smart_filters.min_odd', {}, { smart_filters: { min_odd: 3 } }],
    ['advanced', 'params.smart_filters.min_even', {}, { smart_filters: { min_even: 3 } }],
    ['advanced', 'params.smart_filters.max_consecutive', {}, { smart_filters: { max_consecutive: 0 } }, { numbers_per_ticket: 10 }],
    ['advanced', 'params.evolutionary', {}, { evolutionary: false }, GA],
    ['advanced', 'params.generations', {}, { generations: 30 }, GA],
    ['advanced', 'params.mutation_rate', {}, { mutation_rate: 0.9 }, GA],
    ['advanced', 'params.population_size', {}, { population_size: 60 }, GA],
    ['advanced', 'params.elites', {}, { elites: 15 }, GA],
  ];
  for (const [strategy, what, top, params, topContext = {}, paramsContext = {}] of cases) {
    it(`${strategy}: ${what}`, () => {
      const base = numbersOf(predictTickets(w, recipe(strategy, topContext, paramsContext), CONTEST));
      const moved = numbersOf(predictTickets(w, recipe(strategy, { ...topContext, ...top }, { ...paramsContext, ...params }), CONTEST));
      expect(moved).not.toEqual(base);
    });
  }
});
