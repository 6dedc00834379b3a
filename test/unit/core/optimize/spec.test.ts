import { describe, expect, it } from 'vitest';
import { LuckyError } from '../../../../src/errors.js';
import { parseOptimizeSpec, plannedTrials } from '../../../../src/core/optimize/spec.js';

const minimal = {
  version: '1',
  name: 'study',
  base: { preset: 'balanced' },
  parameters: [{ name: 'alpha', range: { min: 0, max: 1, step: 0.1 } }],
  train: { from: 1000, to: 5000 },
  holdout: { from: 5001, to: 6000 },
};

/** The `path: problem` lines of the E_INPUT_INVALID thrown for this input. */
function problems(input: unknown): string[] {
  try {
    parseOptimizeSpec(input);
  } catch (e) {
    expect(e).toBeInstanceOf(LuckyError);
    expect((e as LuckyError).code).toBe('E_INPUT_INVALID');
    return (e as LuckyError).details;
  }
  throw new Error('expected E_INPUT_INVALID');
}

describe('optimize spec', () => {
  it('[18.2.1] fills the defaults: random search of 50 trials on mean_hits, population 20 x 10 generations, mutation 0.2, elite 2, tournament 3, top 3 on the holdout', () => {
    const spec = parseOptimizeSpec(minimal);
    expect(spec).toMatchObject({
      method: 'random',
      trials: 50,
      population: 20,
      generations: 10,
      mutation_rate: 0.2,
      elite: 2,
      tournament: 3,
      metric: 'mean_hits',
      holdout_top: 3,
    });
    expect(spec.seed).toBeUndefined();
    expect(plannedTrials(spec)).toBe(50);
    expect(plannedTrials({ ...spec, method: 'evolutionary', population: 7, generations: 3 })).toBe(21);
  });

  it('[18.2.2] accepts every option at its bounds, train as {last: n}, constraints and the sweep parameter kinds', () => {
    const spec = parseOptimizeSpec({
      ...minimal,
      description: 'weights',
      parameters: [
        { name: 'alpha', range: { min: 0, max: 1, step: 0.25 } },
        { name: 'beta', range: { min: 0, max: 1, step: 0.25 } },
        { name: 'mode', list: ['hot', 'cold'] },
        { name: 'lambda', exponential: { base: 10, start: -2, end: 0 } },
      ],
      constraints: [{ type: 'sum', parameters: ['alpha', 'beta'], value: 1 }],
      train: { last: 500 },
      method: 'evolutionary',
      trials: 10000,
      population: 500,
      generations: 200,
      mutation_rate: 1,
      elite: 499,
      tournament: 10,
      metric: 'roi_pct',
      holdout_top: 10,
      seed: 0xffffffff,
    });
    expect(spec.train).toEqual({ last: 500 });
    expect(plannedTrials(spec)).toBe(100_000);
    const low = parseOptimizeSpec({ ...minimal, trials: 1, population: 2, generations: 1, mutation_rate: 0, elite: 0, tournament: 2, holdout_top: 1, seed: 0 });
    expect(low).toMatchObject({ trials: 1, population: 2, generations: 1, mutation_rate: 0, elite: 0, tournament: 2, holdout_top: 1, seed: 0 });
  });

  it('[18.2.3] refuses every field beyond its bounds, with the path of the problem', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ trials: 0 }, 'trials'],
      [{ trials: 10001 }, 'trials'],
      [{ trials: 1.5 }, 'trials'],
      [{ population: 1 }, 'population'],
      [{ population: 501 }, 'population'],
      [{ generations: 0 }, 'generations'],
      [{ generations: 201 }, 'generations'],
      [{ mutation_rate: -0.1 }, 'mutation_rate'],
      [{ mutation_rate: 1.1 }, 'mutation_rate'],
      [{ elite: -1 }, 'elite'],
      [{ elite: 20 }, 'elite'],
      [{ population: 5, elite: 5 }, 'elite'],
      [{ tournament: 1 }, 'tournament'],
      [{ tournament: 11 }, 'tournament'],
      [{ holdout_top: 0 }, 'holdout_top'],
      [{ holdout_top: 11 }, 'holdout_top'],
      [{ seed: -1 }, 'seed'],
      [{ seed: 2 ** 32 }, 'seed'],
      [{ method: 'grid' }, 'method'],
      [{ metric: 'luck' }, 'metric'],
      [{ parameters: [] }, 'parameters'],
      [{ holdout: undefined }, 'holdout'],
      [{ train: undefined }, 'train'],
      [{ extra: 1 }, '(root)'],
      [{ parameters: [{ name: 'a', range: { min: 0, max: 1, step: 0 } }] }, 'parameters.0.range.step'],
      [{ constraints: [{ type: 'max', parameters: ['nope'], value: 1 }] }, 'constraints.0.parameters.0'],
    ];
    for (const [patch, path] of cases) {
      const lines = problems({ ...minimal, ...patch });
      expect(
        lines.some((l) => l.startsWith(`${path}:`) || (path === '(root)' && l.includes('extra'))),
        `${JSON.stringify(patch)} -> ${lines.join(' | ')}`,
      ).toBe(true);
    }
  });

  it('[18.2.4] refuses a holdout that does not come after the train range', () => {
    for (const holdout of [
      { from: 5000, to: 6000 },
      { from: 100, to: 900 },
      { from: 4000, to: 7000 },
    ]) {
      expect(problems({ ...minimal, holdout })).toEqual([
        'holdout.from: the holdout must come after the train range: contests before it would be history of the train runs',
      ]);
    }
    expect(parseOptimizeSpec({ ...minimal, holdout: { from: 5001, to: 5001 } }).holdout).toEqual({ from: 5001, to: 5001 });
  });
});
