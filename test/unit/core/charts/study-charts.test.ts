// A study's charts: trials in order with the best so far and the baseline, the parameter space coloured by value, train against holdout.
import { describe, expect, it } from 'vitest';
import { studyHoldoutChart, studyProgressChart, studySpaceChart } from '../../../../src/core/charts/study-charts.js';
import { strictRender } from './strict-render.js';

type Layer = { data?: { values: Array<Record<string, unknown>> } };

describe('study charts', () => {
  const trials = [
    { trial: 2, value: 0.31 },
    { trial: 0, value: 0.3 },
    { trial: 1, value: null },
    { trial: 3, value: 0.29 },
    { trial: 4, value: 0.33 },
  ];

  it('[18.4.13] the progress chart: trials in order, the best so far in the better direction, the baseline when there is one; renders without a warning', async () => {
    const up = studyProgressChart({ metric: 'mean_hits', higher_is_better: true, baseline: 0.3125, trials });
    const values = ((up.layer as Layer[])[0]!.data!.values as Array<{ trial: number; value: number; best: number }>).map((v) => [v.trial, v.value, v.best]);
    expect(values).toEqual([
      [0, 0.3, 0.3],
      [2, 0.31, 0.31],
      [3, 0.29, 0.31],
      [4, 0.33, 0.33],
    ]);
    expect(up.layer as unknown[]).toHaveLength(2);
    const down = studyProgressChart({ metric: 'max_drawdown', higher_is_better: false, baseline: null, trials });
    expect(((down.layer as Layer[])[0]!.data!.values as Array<{ best: number }>).map((v) => v.best)).toEqual([0.3, 0.3, 0.29, 0.29]);
    expect(down.layer as unknown[]).toHaveLength(1);
    expect(JSON.stringify(down.title)).toContain('no exact baseline');
    expect((await strictRender(up)).warnings).toEqual([]);
    expect((await strictRender(down)).warnings).toEqual([]);
  });

  it('[18.4.14] the space chart names its axes after the parameters (dotted names safe) and colours each point by its value; the holdout chart pairs train and holdout', async () => {
    const space = studySpaceChart({
      metric: 'mean_hits',
      x: 'params.alpha',
      y: 'strategy',
      points: [
        { x: 0.1, y: 'random', value: 0.3 },
        { x: 0.2, y: 'frequency', value: null },
      ],
    });
    const enc = space.encoding as Record<string, { field: string; type: string; title: string }>;
    expect([enc.x!.field, enc.x!.type, enc.x!.title]).toEqual(['px', 'quantitative', 'params.alpha']);
    expect([enc.y!.field, enc.y!.type, enc.y!.title]).toEqual(['py', 'nominal', 'strategy']);
    expect(enc.color!.field).toBe('value');
    expect((await strictRender(space)).warnings).toEqual([]);
    const holdout = studyHoldoutChart({
      metric: 'mean_hits',
      holdout_metric: 'mean_hits',
      points: [
        { trial: 4, train: 0.33, train_baseline: 0.3125, holdout: 0.3, holdout_baseline: 0.3125 },
        { trial: 2, train: 0.31, train_baseline: 0.3125, holdout: null, holdout_baseline: null },
      ],
    });
    expect((holdout.data as { values: Array<{ column: string }> }).values.map((v) => v.column)).toEqual([
      'trial 4 train',
      'trial 4 holdout',
      'trial 2 train',
      'trial 2 holdout',
    ]);
    expect((await strictRender(holdout)).warnings).toEqual([]);
  });
});
