import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Balls, buildHistory, historyWindow } from '../../../../src/core/draw.js';
import { createPredictorCache, predictTickets } from '../../../../src/core/predictor/index.js';
import { type Recipe, parseRecipe } from '../../../../src/core/recipe/schema.js';

const RUNS = { numRuns: 25 };

const balls = fc.uniqueArray(fc.integer({ min: 1, max: 80 }), { minLength: 5, maxLength: 5 }).map((b) => b.sort((x, y) => x - y) as unknown as Balls);
const drawList = (min: number, max: number) => fc.array(balls, { minLength: min, maxLength: max });

/** Valid recipes of every strategy, with search settings kept small so a run takes milliseconds. */
const recipeArb: fc.Arbitrary<Recipe> = fc
  .record({
    strategy: fc.constantFrom('random', 'frequency', 'advanced'),
    tickets: fc.integer({ min: 1, max: 8 }),
    numbers_per_ticket: fc.integer({ min: 5, max: 15 }),
    history: fc.integer({ min: 1, max: 60 }),
    seed: fc.nat({ max: 0xffffffff }),
    mode: fc.constantFrom('hot', 'cold'),
    window: fc.integer({ min: 0, max: 30 }),
    lambda: fc.double({ min: 0, max: 1, noNaN: true }),
    pool: fc.integer({ min: 15, max: 80 }),
    cands_mult: fc.integer({ min: 1, max: 3 }),
    hill_iter: fc.integer({ min: 0, max: 10 }),
    coocc_window: fc.integer({ min: 0, max: 40 }),
    smart_filters: fc.boolean(),
    evolutionary: fc.boolean(),
    population_size: fc.integer({ min: 2, max: 12 }),
    mutation_rate: fc.double({ min: 0, max: 1, noNaN: true }),
    alpha: fc.double({ min: 0.01, max: 5, noNaN: true }),
  })
  .map((r) => {
    const common = {
      version: '2',
      name: 'prop',
      strategy: r.strategy,
      tickets: r.tickets,
      numbers_per_ticket: r.numbers_per_ticket,
      history: r.history,
      seed: r.seed,
    };
    if (r.strategy === 'random') return parseRecipe(common);
    if (r.strategy === 'frequency') return parseRecipe({ ...common, params: { mode: r.mode, window: r.window, lambda: r.lambda, pool: r.pool } });
    return parseRecipe({
      ...common,
      params: {
        lambda: r.lambda,
        cands_mult: r.cands_mult,
        hill_iter: r.hill_iter,
        coocc_window: r.coocc_window,
        alpha: r.alpha,
        smart_filters: r.smart_filters,
        evolutionary: r.evolutionary,
        generations: 2,
        population_size: r.population_size,
        elites: r.population_size - 1 >= 2 ? 2 : 0,
        mutation_rate: r.mutation_rate,
      },
    });
  });

function historyOf(list: readonly Balls[]) {
  return buildHistory(list.map((b, i) => ({ contest: i + 1, balls: b })));
}

describe('predictor properties', () => {
  it('tickets are exactly `tickets` distinct sorted sets of k numbers in 1..80, for any valid recipe and history', () => {
    fc.assert(
      fc.property(recipeArb, drawList(0, 60), (recipe, list) => {
        const h = historyOf(list);
        const tickets = predictTickets(historyWindow(h, h.count, recipe.history), recipe, h.count + 1);
        expect(tickets).toHaveLength(recipe.tickets);
        expect(new Set(tickets.map((t) => t.numbers.join(','))).size).toBe(recipe.tickets);
        for (const t of tickets) {
          expect(t.numbers).toHaveLength(recipe.numbers_per_ticket);
          expect(new Set(t.numbers).size).toBe(recipe.numbers_per_ticket);
          expect(t.numbers.every((n, i) => Number.isInteger(n) && n >= 1 && n <= 80 && (i === 0 || n > t.numbers[i - 1]!))).toBe(true);
          expect(Number.isFinite(t.score)).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('is deterministic: same recipe, window and contest give identical tickets, with or without a shared cache', () => {
    const cache = createPredictorCache(8);
    fc.assert(
      fc.property(recipeArb, drawList(1, 60), (recipe, list) => {
        const h = historyOf(list);
        const w = historyWindow(h, h.count, recipe.history);
        const a = predictTickets(w, recipe, h.count + 1);
        expect(predictTickets(w, recipe, h.count + 1, cache)).toEqual(a);
        expect(predictTickets(historyWindow(historyOf(list), h.count, recipe.history), recipe, h.count + 1, cache)).toEqual(a);
      }),
      RUNS,
    );
  });

  it("never looks ahead: changing or adding draws at or after contest C never changes C's tickets", () => {
    fc.assert(
      fc.property(recipeArb, drawList(2, 60), drawList(1, 30), fc.nat(), (recipe, list, replacement, at) => {
        const contest = 2 + (at % (list.length - 1)); // a contest with at least one draw before it
        const before = historyOf(list);
        const predict = (h: ReturnType<typeof historyOf>) => predictTickets(historyWindow(h, h.contests.indexOf(contest), recipe.history), recipe, contest);
        const expected = predict(before);
        // draws from `contest` on are replaced by others (and possibly more of them)
        const altered = historyOf([...list.slice(0, contest - 1), ...replacement, ...list.slice(contest - 1 + replacement.length)]);
        expect(altered.contests.indexOf(contest)).toBe(contest - 1);
        expect(predict(altered)).toEqual(expected);
      }),
      RUNS,
    );
  });
});
