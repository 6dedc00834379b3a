/**
 * A study read back as one document: what it searched (method, options, metric, train and
 * holdout ranges), its progress, every trial in trial order with its train figure beside the exact
 * baseline, the best so far, each generation's population, every look at the holdout with its
 * figures, and the verdict that counts every trial and every look (core/optimize/verdict.ts).
 * `optimize show --json` prints it and the API answers it.
 */
import { METRIC_DOCS, type MetricName } from '../../core/metrics.js';
import type { OptimizeMethod } from '../../core/optimize/spec.js';
import { type HoldoutFigure, type StudyVerdict, studyVerdict } from '../../core/optimize/verdict.js';
import type { ParamValue } from '../../core/sweep/values.js';
import type { Catalog } from '../../store/catalog.js';
import { listGenerations, listLooks, requireStudy } from '../../store/studies-repo.js';
import { type SweepStatus, listCells } from '../../store/sweeps-repo.js';
import { type CellResult, readSweepResults } from '../sweep/results.js';
import type { StudyOptions } from './create.js';

/** A trial that got its outcome, as `--ndjson` reports it and the study document lists it. */
export interface TrialEvent {
  trial: number;
  /** the generation that first produced it (0 for every trial of a random search) */
  generation: number | null;
  params: Record<string, ParamValue>;
  status: string;
  run_id: string | null;
  value: number | null;
  baseline: number | null;
  p_value: number | null;
  error: string | null;
}

export interface StudyTrial extends TrialEvent {
  /** rank by the train metric, 1 = best */
  rank: number | null;
  /** its holdout run, when a look chose it */
  holdout: { look: number; run_id: string; status: string; value: number | null; baseline: number | null; p_value: number | null } | null;
}

/** Each trial's generation, by cell index (one read of the study's cells). */
export function trialGenerations(catalog: Catalog, studyId: string): Map<number, number | null> {
  return new Map(listCells(catalog.db, studyId).map((c) => [c.cell_index, c.generation]));
}

/** A study's cell as a trial: its train figure beside its generation. */
export function trialOf(c: CellResult, generations: ReadonlyMap<number, number | null>): TrialEvent {
  return {
    trial: c.cell_index,
    generation: generations.get(c.cell_index) ?? null,
    params: c.params,
    status: c.status,
    run_id: c.run_id,
    value: c.value,
    baseline: c.baseline,
    p_value: c.p_value,
    error: c.error,
  };
}

export interface StudyLook {
  look: number;
  at: string;
  top: number;
  /** the trials this look added to the holdout */
  trials: number[];
  reason: string | null;
}

export interface StudyDocument {
  study_id: string;
  name: string;
  method: OptimizeMethod;
  options: StudyOptions;
  metric: MetricName;
  metric_description: string;
  higher_is_better: boolean;
  /** the metric of the holdout figures: the study's, or mean_hits when it has no baseline */
  holdout_metric: MetricName;
  seed: number;
  train: { from: number; to: number };
  holdout: { from: number; to: number; top: number };
  status: SweepStatus;
  complete: boolean;
  search_done: boolean;
  trials_planned: number;
  trials_total: number;
  trials_done: number;
  trials_failed: number;
  generations_done: number;
  created_at: string;
  finished_at: string | null;
  spec: unknown;
  best_so_far: { trial: number; params: Record<string, ParamValue>; value: number | null; baseline: number | null; p_value: number | null } | null;
  trials: StudyTrial[];
  generations: Array<{ generation: number; trials: number[] }>;
  looks: StudyLook[];
  verdict: StudyVerdict;
}

/** Reads a study; E_INPUT_INVALID on a malformed id, E_NOT_FOUND when it is not a study. */
export function readStudy(catalog: Catalog, studyId: string): StudyDocument {
  const study = requireStudy(catalog.db, studyId);
  const train = readSweepResults(catalog, study.sweep_id);
  const sweep = train.sweep;
  const metric = train.metric;
  const doc = METRIC_DOCS[metric];
  const holdoutMetric: MetricName = doc.has_baseline ? metric : 'mean_hits';
  const held = holdoutMetric === metric ? train : readSweepResults(catalog, study.sweep_id, holdoutMetric);
  const heldBy = new Map(held.cells.map((c) => [c.cell_index, c.holdout]));
  const looks: StudyLook[] = listLooks(catalog.db, study.sweep_id).map((l) => ({
    look: l.look,
    at: l.at,
    top: l.top,
    trials: JSON.parse(l.cells_json) as number[],
    reason: l.reason,
  }));
  const lookOf = new Map<number, number>();
  for (const l of looks) for (const t of l.trials) lookOf.set(t, l.look);
  const generations = trialGenerations(catalog, study.sweep_id);

  const trials: StudyTrial[] = [...train.cells]
    .sort((a, b) => a.cell_index - b.cell_index)
    .map((c) => {
      const h = heldBy.get(c.cell_index) ?? null;
      const { error, ...figure } = trialOf(c, generations);
      return {
        ...figure,
        rank: c.rank,
        holdout: h
          ? { look: lookOf.get(c.cell_index) ?? 1, run_id: h.run_id, status: h.status, value: h.value, baseline: h.baseline, p_value: h.p_value }
          : null,
        error,
      };
    });
  const holdout: HoldoutFigure[] = looks.flatMap((l) =>
    l.trials.map((t) => {
      const h = heldBy.get(t) ?? null;
      return { trial: t, look: l.look, value: h?.value ?? null, baseline: h?.baseline ?? null, p_value: h?.p_value ?? null };
    }),
  );
  const verdict = studyVerdict({
    metric,
    trials: trials.map((t) => ({ trial: t.trial, value: t.value, baseline: t.baseline, p_value: t.p_value })),
    holdout,
    looks: looks.length,
  });
  const best = train.best;
  return {
    study_id: sweep.sweep_id,
    name: sweep.name,
    method: study.method,
    options: JSON.parse(study.options_json) as StudyOptions,
    metric,
    metric_description: doc.description,
    higher_is_better: doc.higher_is_better,
    holdout_metric: holdoutMetric,
    seed: sweep.seed,
    train: { from: sweep.first_contest, to: sweep.last_contest },
    holdout: { from: sweep.holdout_from!, to: sweep.holdout_to!, top: sweep.holdout_top },
    status: sweep.status,
    complete: sweep.status === 'completed' || sweep.status === 'completed_with_failures',
    search_done: study.search_done === 1,
    trials_planned: study.trials_planned,
    trials_total: train.cells_total,
    trials_done: train.cells_done,
    trials_failed: train.cells_failed,
    generations_done: study.generations_done,
    created_at: sweep.created_at,
    finished_at: sweep.finished_at,
    spec: JSON.parse(sweep.spec_json) as unknown,
    best_so_far: best ? { trial: best.cell_index, params: best.params, value: best.value, baseline: best.baseline, p_value: best.p_value } : null,
    trials,
    generations: listGenerations(catalog.db, study.sweep_id).map((g) => ({ generation: g.generation, trials: g.members })),
    looks,
    verdict,
  };
}
