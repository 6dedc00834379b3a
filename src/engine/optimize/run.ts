/**
 * Running a recorded study to the end, or as far as its limits allow. Each generation's trials
 * are the pending cells of the study's sweep, run by the sweep runner with its holdout deferred;
 * once every trial of generation g has an outcome, the evolutionary search scores them (the train
 * metric, negated when lower is better, null when failed) and records generation g+1 (new cells
 * and the population's cell indexes) in one transaction BEFORE any of it runs, so a kill -9
 * anywhere resumes the very same trials. A random search is one generation. When the search is
 * done, look 1 at the holdout is recorded and run (./looks.ts). Limits are the sweep's: the
 * deadline and Ctrl-C stop at a contest boundary, `max_trials` bounds the trials started now;
 * the study is then `stopped` and `optimize --resume` continues it.
 */
import { METRIC_DOCS, type MetricName } from '../../core/metrics.js';
import { type EvolveOptions, type Scored, nextGeneration } from '../../core/optimize/evolve.js';
import { type Genome, buildSpace, genomeKey } from '../../core/optimize/space.js';
import { parseOptimizeSpec } from '../../core/optimize/spec.js';
import { parseRecipe } from '../../core/recipe/schema.js';
import type { ParamValue } from '../../core/sweep/values.js';
import { releaseOwnership } from '../../store/process-owner.js';
import { appendCells, claimSweep, countCells, listCells, requireSweep, sweepOwnerKey, updateSweep } from '../../store/sweeps-repo.js';
import type { SweepStatus } from '../../store/sweeps-repo.js';
import { insertGeneration, listGenerations, requireStudy, updateStudy } from '../../store/studies-repo.js';
import type { RunEnv } from '../run-types.js';
import { readSweepResults } from '../sweep/results.js';
import { type RunSweepOptions, type StopReason, runSweep } from '../sweep/run.js';
import { type StudyOptions, genomeOf, trialCells, trialIndex } from './create.js';
import { type TrialEvent, trialGenerations, trialOf } from './document.js';
import { recordLook, runLooks } from './looks.js';

export interface StudyProgress {
  trials_done: number;
  trials_failed: number;
  trials_planned: number;
  /** the generation running (null for a random search) */
  generation: number | null;
  /** the best trial so far by the train metric */
  best: { trial: number; value: number | null } | null;
}

export interface RunStudyOptions {
  /** start at most this many trials in this invocation */
  max_trials?: number | undefined;
  /** after this many milliseconds start no trial and stop the running ones at a contest boundary */
  deadline_ms?: number | undefined;
  /** run the trials on the queue (as sweep cells) */
  queue?: RunSweepOptions['queue'];
  onProgress?: ((p: StudyProgress) => void) | undefined;
  onTrial?: ((t: TrialEvent) => void) | undefined;
}

export interface StudyOutcome {
  study_id: string;
  name: string;
  status: SweepStatus;
  complete: boolean;
  trials_planned: number;
  trials_total: number;
  trials_done: number;
  trials_failed: number;
  /** trials this invocation started */
  trials_run: number;
  generations_done: number;
  search_done: boolean;
  elapsed_ms: number;
  stop_reason: StopReason | null;
  holdout_errors: string[];
}

/** Records the generation after the last one, or marks the search done; every trial so far has an outcome. */
function advance(env: RunEnv, studyId: string): void {
  const db = env.catalog.db;
  const study = requireStudy(db, studyId);
  const sweep = requireSweep(db, studyId);
  const spec = parseOptimizeSpec(JSON.parse(sweep.spec_json));
  const gens = listGenerations(db, studyId);
  const last = gens.at(-1)!;
  const g = last.generation;
  if (study.method === 'random' || g + 1 >= spec.generations) {
    db.transaction(() => updateStudy(db, studyId, { generations_done: g + 1, search_done: 1 }))();
    return;
  }
  const space = buildSpace({ parameters: spec.parameters, constraints: spec.constraints });
  const base = parseRecipe(JSON.parse(sweep.base_recipe_json));
  const higher = METRIC_DOCS[sweep.metric as MetricName].higher_is_better;
  const values = new Map(readSweepResults(env.catalog, studyId).cells.map((c) => [c.cell_index, c.value]));
  const cells = listCells(db, studyId);
  const params = new Map(cells.map((c) => [c.cell_index, JSON.parse(c.params_json) as Record<string, ParamValue>]));
  const scored: Scored[] = last.members.map((i) => {
    const v = values.get(i) ?? null;
    return { genome: genomeOf(space, params.get(i)!)!, fitness: v === null ? null : higher ? v : -v };
  });
  const index = trialIndex(env.catalog, studyId, space);
  const options = JSON.parse(study.options_json) as StudyOptions;
  const evolve: EvolveOptions = { population: options.population, elite: options.elite, mutation_rate: options.mutation_rate, tournament: options.tournament };
  const children = nextGeneration(space, sweep.seed, g + 1, scored, evolve, new Set(index.genomes.keys()));
  const fresh: Genome[] = [];
  const members: number[] = [];
  let next = cells.length;
  for (const child of children) {
    const key = genomeKey(child);
    const known = index.genomes.get(key);
    if (known !== undefined) members.push(known);
    else {
      index.genomes.set(key, next);
      fresh.push(child);
      members.push(next++);
    }
  }
  const built =
    fresh.length === 0
      ? undefined
      : trialCells(
          env.catalog,
          base,
          space,
          fresh,
          { from: sweep.first_contest, to: sweep.last_contest },
          {
            firstIndex: cells.length,
            generation: g + 1,
            seen: index.keys,
            allowNoValid: true,
          },
        );
  db.transaction(() => {
    if (built) appendCells(db, studyId, built.cells);
    insertGeneration(db, studyId, g + 1, members);
    updateStudy(db, studyId, { generations_done: g + 1 });
  })();
}

function trialEvents(env: RunEnv, studyId: string, reported: Set<number>, onTrial: (t: TrialEvent) => void): StudyProgress['best'] {
  const r = readSweepResults(env.catalog, studyId);
  const generations = trialGenerations(env.catalog, studyId);
  for (const c of [...r.cells].sort((a, b) => a.cell_index - b.cell_index)) {
    if (reported.has(c.cell_index) || (c.status !== 'completed' && c.status !== 'failed')) continue;
    reported.add(c.cell_index);
    onTrial(trialOf(c, generations));
  }
  return r.best ? { trial: r.best.cell_index, value: r.best.value } : null;
}

/** The study's status once nothing runs: completed (with failures) when the search and every look's holdout are done, else stopped. */
function settle(env: RunEnv, studyId: string, holdoutLeft: boolean, holdoutFailed: number, errors: string[]): SweepStatus {
  const db = env.catalog.db;
  const study = requireStudy(db, studyId);
  const c = countCells(db, studyId);
  const status: SweepStatus =
    !study.search_done || holdoutLeft || c.pending + c.running > 0 ? 'stopped' : c.failed > 0 || holdoutFailed > 0 ? 'completed_with_failures' : 'completed';
  const complete = status !== 'stopped';
  updateSweep(db, studyId, { status, owner: null, finished_at: complete ? env.now().toISOString() : null, error: errors.length ? errors.join('; ') : null });
  return status;
}

/**
 * Records a look (`look`), then runs the holdout runs of every recorded look, under the study's
 * claim; E_BUSY when another live process runs the study. A refused look leaves the study as it was.
 */
export async function holdoutUnderClaim(
  env: RunEnv,
  studyId: string,
  look: () => void,
): Promise<{ left: boolean; failed: number; errors: string[]; status: SweepStatus }> {
  const db = env.catalog.db;
  const before = claimSweep(db, studyId, env.now().toISOString());
  try {
    try {
      look();
    } catch (e) {
      // a refused look changes nothing
      updateSweep(db, studyId, { status: before.status, owner: null, error: before.error });
      throw e;
    }
    const h = await runLooks(env, studyId);
    const errors = [...h.errors];
    const left = h.pending > 0;
    return { left, failed: h.failed, errors, status: settle(env, studyId, left, h.failed, errors) };
  } catch (e) {
    if (requireSweep(db, studyId).owner !== null)
      updateSweep(db, studyId, { status: 'stopped', owner: null, error: e instanceof Error ? e.message : String(e) });
    throw e;
  } finally {
    releaseOwnership(sweepOwnerKey(studyId));
  }
}

/** Runs (or resumes) a study; see the module comment. */
export async function runStudy(env: RunEnv, studyId: string, options: RunStudyOptions = {}): Promise<StudyOutcome> {
  const db = env.catalog.db;
  const started = env.now().getTime();
  const sweep = requireSweep(db, studyId);
  const study0 = requireStudy(db, studyId);
  const maxTrials = options.max_trials ?? Number.POSITIVE_INFINITY;
  const reported = new Set(
    listCells(db, studyId)
      .filter((c) => c.status === 'completed' || c.status === 'failed')
      .map((c) => c.cell_index),
  );
  let trialsRun = 0;
  let stop: StopReason | null = null;
  const progress = () => {
    const c = countCells(db, studyId);
    const best = options.onTrial
      ? trialEvents(env, studyId, reported, options.onTrial)
      : (() => {
          const b = readSweepResults(env.catalog, studyId).best;
          return b ? { trial: b.cell_index, value: b.value } : null;
        })();
    const gens = listGenerations(db, studyId);
    options.onProgress?.({
      trials_done: c.completed,
      trials_failed: c.failed,
      trials_planned: study0.trials_planned,
      generation: study0.method === 'random' ? null : (gens.at(-1)?.generation ?? 0),
      best,
    });
  };

  while (!requireStudy(db, studyId).search_done) {
    if (env.signal?.aborted) {
      stop = 'interrupted';
      break;
    }
    const left = maxTrials - trialsRun;
    if (left <= 0) {
      stop = 'max_cells';
      break;
    }
    const deadlineLeft = options.deadline_ms === undefined ? undefined : options.deadline_ms - (env.now().getTime() - started);
    if (deadlineLeft !== undefined && deadlineLeft <= 0) {
      stop = 'deadline';
      break;
    }
    const out = await runSweep(env, studyId, {
      holdout: false,
      max_cells: Number.isFinite(left) ? left : undefined,
      deadline_ms: deadlineLeft,
      queue: options.queue,
      onProgress: () => progress(),
    });
    trialsRun += out.cells_run;
    if (out.stop_reason) {
      stop = out.stop_reason;
      break;
    }
    advance(env, studyId);
  }

  let holdoutErrors: string[] = [];
  let status: SweepStatus;
  if (stop === null) {
    const h = await holdoutUnderClaim(env, studyId, () => {
      recordLook(env, studyId, { top: sweep.holdout_top, again: false });
    });
    holdoutErrors = h.errors;
    status = h.status;
    if (h.left) stop = env.signal?.aborted ? 'interrupted' : 'deadline';
  } else {
    status = 'stopped';
    updateSweep(db, studyId, { status, owner: null });
  }
  if (stop === null) progress();
  const study = requireStudy(db, studyId);
  const c = countCells(db, studyId);
  const complete = status === 'completed' || status === 'completed_with_failures';
  return {
    study_id: studyId,
    name: sweep.name,
    status,
    complete,
    trials_planned: study.trials_planned,
    trials_total: c.pending + c.running + c.completed + c.failed,
    trials_done: c.completed,
    trials_failed: c.failed,
    trials_run: trialsRun,
    generations_done: study.generations_done,
    search_done: study.search_done === 1,
    elapsed_ms: env.now().getTime() - started,
    stop_reason: complete ? null : (stop ?? 'interrupted'),
    holdout_errors: holdoutErrors,
  };
}
