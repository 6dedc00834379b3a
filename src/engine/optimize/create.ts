/**
 * Recording a study: its search space, the first trials (all of a random search's, or the first
 * generation of an evolutionary one), the train range planned and the holdout checked (every
 * refusal before anything is written), then the study's sweep row, its trial cells, its study row
 * and generation 0 in one transaction. Also the one place that turns genomes into trial cells, for
 * the later generations.
 */
import { type OptimizeSpec, plannedTrials } from '../../core/optimize/spec.js';
import { initialPopulation } from '../../core/optimize/evolve.js';
import { randomTrials } from '../../core/optimize/random-search.js';
import { type Genome, type SearchSpace, buildSpace, genomeKey, genomeParams } from '../../core/optimize/space.js';
import { type Recipe, canonicalRecipeJson } from '../../core/recipe/schema.js';
import { recipePath } from '../../core/sweep/apply-params.js';
import type { ParamValue } from '../../core/sweep/values.js';
import { LuckyError } from '../../errors.js';
import type { Catalog } from '../../store/catalog.js';
import { insertGeneration, insertStudy } from '../../store/studies-repo.js';
import { type NewCell, insertSweep, listCells } from '../../store/sweeps-repo.js';
import { buildCells, checkHoldout, newSweepId, planByHistory } from '../sweep/create.js';
import type { StudyDefinition } from './define.js';

export interface CreatedStudy {
  study_id: string;
  trials_planned: number;
  /** trials of the first generation whose recipe the parser refused (recorded as failed) */
  trials_invalid: number;
  notes: string[];
}

/** The options of the search as the study row keeps them. */
export interface StudyOptions {
  trials: number;
  population: number;
  generations: number;
  mutation_rate: number;
  elite: number;
  tournament: number;
}

export function studyOptions(spec: OptimizeSpec): StudyOptions {
  return {
    trials: spec.trials,
    population: spec.population,
    generations: spec.generations,
    mutation_rate: spec.mutation_rate,
    elite: spec.elite,
    tournament: spec.tournament,
  };
}

/** The genome behind a trial's parameters (the value index of each name), undefined when a value is not in the space. */
export function genomeOf(space: SearchSpace, params: Readonly<Record<string, ParamValue>>): Genome | undefined {
  const g: number[] = [];
  for (const [i, name] of space.names.entries()) {
    const at = space.values[i]!.indexOf(params[name]!);
    if (at < 0) return undefined;
    g.push(at);
  }
  return g;
}

/**
 * Trial cells for new genomes, numbered from `firstIndex`, in the train range; a genome whose
 * recipe equals an earlier trial's (`seen`, cell key -> index) is a failed trial naming it.
 */
export function trialCells(
  catalog: Catalog,
  base: Recipe,
  space: SearchSpace,
  genomes: readonly Genome[],
  train: { from: number; to: number } | { last: number },
  at: { firstIndex: number; generation: number; seen?: Map<string, number>; allowNoValid?: boolean },
) {
  const built = buildCells(
    catalog,
    base,
    genomes.map((g, k) => ({ index: at.firstIndex + k, params: genomeParams(space, g) })),
    train,
    { seen: at.seen, twins: 'fail', noun: 'trial', allowNoValid: at.allowNoValid ?? false },
  );
  const cells: NewCell[] = built.cells.map((c) => ({ ...c, generation: at.generation }));
  return { ...built, cells };
}

/** Validates and records a study; nothing is written when any check fails. */
export function createStudy(catalog: Catalog, def: StudyDefinition, now: Date): CreatedStudy {
  const spec = def.spec;
  const space = buildSpace({ parameters: spec.parameters, constraints: spec.constraints });
  const seed = def.base.seed;
  const notes = [...def.notes];
  let genomes: Genome[];
  if (spec.method === 'random') {
    const r = randomTrials(space, seed, spec.trials);
    genomes = r.genomes;
    if (r.exhausted) notes.push(`the space holds only ${genomes.length} valid combinations: the study runs ${genomes.length} trials, not ${spec.trials}`);
  } else {
    genomes = initialPopulation(space, seed, spec.population);
    if (genomes.length < spec.population)
      notes.push(`the space holds only ${genomes.length} valid combinations: each generation has at most that many distinct trials`);
  }
  if (genomes.length === 0)
    throw new LuckyError('E_INPUT_INVALID', 'no combination of the parameters satisfies the constraints', ['constraints: nothing to search']);
  const built = trialCells(catalog, def.base, space, genomes, spec.train, { firstIndex: 0, generation: 0 });
  const { range } = built;
  const h = spec.holdout;
  if (h.from <= range.last_contest) {
    throw new LuckyError(
      'E_RANGE_INVALID',
      `the holdout range ${h.from}..${h.to} must come after the train range ${range.first_contest}..${range.last_contest}`,
      ['holdout: contests before the train range would be history of the train runs; a holdout starts after the last train contest'],
    );
  }
  checkHoldout(catalog, h, range, built.recipes, 'study');
  // every history value the search may reach later must be servable now, not fail a later generation
  const historyAt = space.names.findIndex((n) => recipePath(n).join('.') === 'history');
  if (historyAt >= 0) {
    const histories = space.values[historyAt]!.filter((v): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0);
    const probes = histories.map((history) => ({ ...def.base, history }));
    planByHistory(catalog, spec.train, probes);
    planByHistory(catalog, h, probes);
  }
  // a random search over a small space plans what it drew
  const trialsPlanned = spec.method === 'random' ? genomes.length : plannedTrials(spec);
  const studyId = newSweepId(now).replace(/^sw-/, 'st-');
  const stored: OptimizeSpec = { ...spec, train: { from: range.first_contest, to: range.last_contest } };
  insertSweep(
    catalog.db,
    {
      sweep_id: studyId,
      name: spec.name,
      spec_json: JSON.stringify(stored),
      base_recipe_json: canonicalRecipeJson(def.base),
      first_contest: range.first_contest,
      last_contest: range.last_contest,
      holdout_from: h.from,
      holdout_to: h.to,
      seed,
      metric: spec.metric,
      holdout_top: spec.holdout_top,
      status: 'pending',
      cells_total: built.cells.length,
      created_at: now.toISOString(),
      kind: 'study',
    },
    built.cells,
    () => {
      insertStudy(catalog.db, { sweep_id: studyId, method: spec.method, options_json: JSON.stringify(studyOptions(spec)), trials_planned: trialsPlanned });
      insertGeneration(
        catalog.db,
        studyId,
        0,
        built.cells.map((c) => c.cell_index),
      );
    },
  );
  return { study_id: studyId, trials_planned: trialsPlanned, trials_invalid: built.cells.length - built.valid, notes };
}

/** Cell key -> cell index of every keyed trial of a study, and genome key -> cell index of every trial. */
export function trialIndex(catalog: Catalog, studyId: string, space: SearchSpace): { keys: Map<string, number>; genomes: Map<string, number> } {
  const keys = new Map<string, number>();
  const genomes = new Map<string, number>();
  for (const c of listCells(catalog.db, studyId)) {
    if (c.cell_key) keys.set(c.cell_key, c.cell_index);
    const g = genomeOf(space, JSON.parse(c.params_json) as Record<string, ParamValue>);
    if (g && !genomes.has(genomeKey(g))) genomes.set(genomeKey(g), c.cell_index);
  }
  return { keys, genomes };
}
