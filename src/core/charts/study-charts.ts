/**
 * A study's charts (`luckyfive optimize`, the dashboard's study page): the train figure of every
 * trial in trial order with the best-so-far line and the exact baseline; the parameter space
 * explored (the first two parameters, each tried point coloured by its train figure); and train
 * against holdout for the trials that were run on the holdout, each beside its own baseline.
 */
import { formatNumber } from '../stats/format.js';
import type { ChartSpec } from './run-charts.js';
import { COLOURS, CONFIG, SCHEMA, WIDTH, integerTicks } from './style.js';

type Value = number | string | boolean;

/** One trial's train figure. */
export interface TrialPoint {
  trial: number;
  value: number | null;
}

/** Trial order on x, each trial's figure, the best so far (in the metric's better direction) as a step line, the baseline dashed. */
export function studyProgressChart(input: { metric: string; higher_is_better: boolean; baseline: number | null; trials: readonly TrialPoint[] }): ChartSpec {
  const shown = input.trials.filter((t) => t.value !== null).sort((a, b) => a.trial - b.trial);
  let best: number | null = null;
  const values = shown.map((t) => {
    const v = t.value!;
    if (best === null || (input.higher_is_better ? v > best : v < best)) best = v;
    return { trial: t.trial, value: v, best };
  });
  const trialNumbers = values.map((v) => v.trial);
  const ticks = trialNumbers.length ? integerTicks(Math.min(...trialNumbers), Math.max(...trialNumbers)) : [0];
  const x = { field: 'trial', type: 'quantitative', title: 'trial', axis: { values: ticks, format: 'd' } };
  const y = { type: 'quantitative', title: input.metric, scale: { zero: false } };
  const layers: unknown[] = [
    {
      data: { values },
      layer: [
        { mark: { type: 'point', color: COLOURS.blue, filled: true, opacity: 0.7 }, encoding: { x, y: { field: 'value', ...y } } },
        { mark: { type: 'line', color: COLOURS.ink, interpolate: 'step-after', strokeWidth: 2 }, encoding: { x, y: { field: 'best', ...y } } },
      ],
    },
  ];
  if (input.baseline !== null)
    layers.push({
      data: { values: [{ baseline: input.baseline }] },
      mark: { type: 'rule', color: COLOURS.orange, strokeDash: [6, 4], strokeWidth: 2 },
      encoding: { y: { field: 'baseline', ...y } },
    });
  return {
    $schema: SCHEMA,
    title: {
      text: `${input.metric} of each trial on the train range`,
      subtitle: `points: each trial; black steps: the best so far${input.baseline === null ? '; this metric has no exact baseline' : `; dashed orange: the exact baseline ${formatNumber(input.baseline)}`}`,
    },
    width: WIDTH,
    height: 220,
    config: CONFIG,
    layer: layers,
  };
}

/** One tried point of the parameter space. */
export interface SpacePoint {
  x: Value;
  y: Value;
  value: number | null;
}

const axisOf = (name: string, vs: readonly Value[]) =>
  vs.every((v) => typeof v === 'number')
    ? { field: name, type: 'quantitative', title: name, scale: { zero: false } }
    : { field: name, type: 'nominal', title: name };

/** The first two parameters of the tried points, each coloured by its train figure (grey: no figure). */
export function studySpaceChart(input: { metric: string; x: string; y: string; points: readonly SpacePoint[] }): ChartSpec {
  // field names of our own: parameter names may hold dots, which vega reads as paths
  const values = input.points.map((pt) => ({ px: pt.x, py: pt.y, value: pt.value }));
  const x = {
    ...axisOf(
      'px',
      input.points.map((pt) => pt.x),
    ),
    title: input.x,
  };
  const y = {
    ...axisOf(
      'py',
      input.points.map((pt) => pt.y),
    ),
    title: input.y,
  };
  return {
    $schema: SCHEMA,
    title: {
      text: `the parameter space explored: ${input.x} and ${input.y}`,
      subtitle: `each point a trial, coloured by its ${input.metric} on the train range`,
    },
    width: WIDTH,
    height: 260,
    config: CONFIG,
    data: { values },
    mark: { type: 'point', filled: true, size: 60, opacity: 0.85 },
    encoding: {
      x,
      y,
      color: { field: 'value', type: 'quantitative', title: input.metric, scale: { scheme: 'viridis' } },
    },
  };
}

/** A trial run on the holdout: its train and holdout figures, each with its exact baseline. */
export interface HoldoutPoint {
  trial: number;
  train: number | null;
  train_baseline: number | null;
  holdout: number | null;
  holdout_baseline: number | null;
}

/** Train against holdout for each trial that was run on the holdout, each figure beside its own baseline (a black tick). */
export function studyHoldoutChart(input: { metric: string; holdout_metric: string; points: readonly HoldoutPoint[] }): ChartSpec {
  // one column per trial and range ("trial 3 train", "trial 3 holdout"), in that order
  const rows = input.points.flatMap((pt) => [
    { column: `trial ${pt.trial} train`, range: 'train', value: pt.train, baseline: pt.train_baseline },
    { column: `trial ${pt.trial} holdout`, range: 'holdout', value: pt.holdout, baseline: pt.holdout_baseline },
  ]);
  const same = input.metric === input.holdout_metric;
  const x = { field: 'column', type: 'nominal', title: null, sort: null, axis: { labelAngle: 0, labelLimit: 200 } };
  const y = { type: 'quantitative', title: same ? input.metric : `${input.metric} / ${input.holdout_metric}`, scale: { zero: false } };
  return {
    $schema: SCHEMA,
    title: {
      text: 'train against holdout',
      subtitle: 'grey: the train range (where the search chose it); blue: the holdout it never saw; black: the exact baseline',
    },
    width: WIDTH,
    height: 220,
    config: CONFIG,
    data: { values: rows },
    layer: [
      {
        transform: [{ filter: 'datum.baseline !== null' }],
        mark: { type: 'tick', color: COLOURS.ink, thickness: 2, size: 28 },
        encoding: { x, y: { field: 'baseline', ...y } },
      },
      {
        transform: [{ filter: 'datum.value !== null' }],
        mark: { type: 'point', filled: true, size: 90, opacity: 1 },
        encoding: {
          x,
          y: { field: 'value', ...y },
          color: { field: 'range', type: 'nominal', title: 'range', scale: { domain: ['train', 'holdout'], range: [COLOURS.grey, COLOURS.blue] } },
        },
      },
    ],
  };
}
