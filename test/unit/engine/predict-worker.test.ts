import { describe, expect, it } from 'vitest';
import { buildHistory } from '../../../src/core/draw.js';
import { canonicalRecipeJson, parseRecipe } from '../../../src/core/recipe/schema.js';
import { predictorCacheStats, runPredictTask } from '../../../src/engine/predict.worker.js';
import { makeDraws } from '../../helpers/draws.js';

const history = buildHistory(makeDraws(1, 60));
const recipe = (alpha: number, lambda = 0.08) =>
  canonicalRecipeJson(
    parseRecipe({
      version: '2',
      name: 'w',
      strategy: 'advanced',
      tickets: 3,
      history: 40,
      seed: 1,
      params: { alpha, lambda, cands_mult: 2, hill_iter: 3, evolutionary: false },
    }),
  );

describe('predict worker', () => {
  it("computes each window's statistics once for all the recipes of a task", () => {
    const before = predictorCacheStats();
    const task = {
      recipes: [recipe(0.2), recipe(0.5), recipe(0.8)],
      contests: history.contests,
      balls: history.balls,
      targets: [
        { contest: 51, end: 50, recipes: [0, 1, 2] },
        { contest: 52, end: 51, recipes: [0, 2] },
      ],
    };
    const out = runPredictTask(task);
    expect(out.map((r) => [r.contest, r.recipe])).toEqual([
      [51, 0],
      [51, 1],
      [51, 2],
      [52, 0],
      [52, 2],
    ]);
    const after = predictorCacheStats();
    // per contest: base, pair and recency statistics built once (3 misses), reused by the others
    expect(after.misses - before.misses).toBe(6);
    expect(after.hits - before.hits).toBe(2 * 3 + 1 * 3);
    // a recipe with another lambda needs its own recency weights, and only those
    const mid = predictorCacheStats();
    runPredictTask({ ...task, recipes: [recipe(0.2, 0.3)], targets: [{ contest: 51, end: 50, recipes: [0] }] });
    expect(predictorCacheStats().misses - mid.misses).toBe(1);
  });

  it('share_stats: false computes everything afresh and returns the same tickets', () => {
    const task = {
      recipes: [recipe(0.3), recipe(0.6)],
      contests: history.contests,
      balls: history.balls,
      targets: [{ contest: 55, end: 54, recipes: [0, 1] }],
    };
    const before = predictorCacheStats();
    const apart = runPredictTask({ ...task, share_stats: false });
    expect(predictorCacheStats()).toEqual(before);
    expect(runPredictTask(task)).toEqual(apart);
  });

  it('reports a bad recipe per recipe instead of failing the task', () => {
    const out = runPredictTask({
      recipes: ['{"version":"2"}', recipe(0.3)],
      contests: history.contests,
      balls: history.balls,
      targets: [{ contest: 55, end: 54, recipes: [0, 1] }],
    });
    expect(out[0]).toMatchObject({ recipe: 0, error: expect.stringMatching(/invalid recipe/) });
    expect(out[1]).toMatchObject({ recipe: 1, numbers: expect.any(Uint8Array) });
  });
  it('[15.6.2] a task whose stop flag is set throws before its next prediction; unset, it changes nothing', () => {
    const stop = new Int32Array(new SharedArrayBuffer(4));
    const task = { recipes: [recipe(0.3)], contests: history.contests, balls: history.balls, targets: [{ contest: 51, end: 50, recipes: [0] }] };
    expect(runPredictTask({ ...task, stop })).toEqual(runPredictTask(task));
    Atomics.store(stop, 0, 1);
    expect(() => runPredictTask({ ...task, stop })).toThrow(/stopped/);
  });
});
