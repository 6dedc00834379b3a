/**
 * The optimize use cases: define a study (spec file and/or flags), record it, run or resume it,
 * take a recorded second look at its holdout, and read it back (list, the study document). A
 * study is a sweep whose cells are its trials, so it runs, resumes and queues like one; the JSON
 * documents here are what the CLI prints with --json and the API answers.
 */
import { dirname, resolve } from 'node:path';
import type { RangeRequest } from '../core/contest-range.js';
import type { MetricName } from '../core/metrics.js';
import type { OptimizeMethod } from '../core/optimize/spec.js';
import { LuckyError } from '../errors.js';
import { readSpecFile } from './sweeps.js';
import { createStudy as recordStudy } from '../engine/optimize/create.js';
import { type StudyDefinition, defineStudy as mergeStudyInput } from '../engine/optimize/define.js';
import { type StudyDocument, type TrialEvent, readStudy } from '../engine/optimize/document.js';
import { recordLook } from '../engine/optimize/looks.js';
import { type StudyOutcome, type StudyProgress, holdoutUnderClaim, runStudy as driveStudy } from '../engine/optimize/run.js';
import { getStudy, requireStudy } from '../store/studies-repo.js';
import { type SweepStatus, listSweeps } from '../store/sweeps-repo.js';
import type { Config } from '../config.js';
import type { UseCaseDeps } from './deps.js';

export type { StudyDocument } from '../engine/optimize/document.js';
export type { StudyOutcome, StudyProgress } from '../engine/optimize/run.js';
export type { TrialEvent } from '../engine/optimize/document.js';

export interface DefineStudyInput {
  /** the parsed JSON of a spec (the API's body); `specFile` is read instead when given */
  spec?: unknown;
  /** a spec file; its `recipe_file` is relative to its folder */
  specFile?: string | undefined;
  /** the caller's working directory: a relative spec or recipe file is read from here */
  cwd?: string | undefined;
  recipeFile?: string | undefined;
  preset?: string | undefined;
  /** `--param` values: each adds a parameter or replaces the spec's of the same name */
  params: readonly string[];
  train?: RangeRequest | undefined;
  holdout?: { from: number; to: number } | undefined;
  method?: OptimizeMethod | undefined;
  trials?: number | undefined;
  population?: number | undefined;
  generations?: number | undefined;
  mutationRate?: number | undefined;
  metric?: MetricName | undefined;
  holdoutTop?: number | undefined;
  seed?: number | undefined;
  name?: string | undefined;
}

/** A study ready to be recorded. */
export interface StudyPlan {
  definition: StudyDefinition;
  /** what was dropped or assumed reading the base recipe */
  notes: string[];
}

/**
 * Merges a spec (file or parsed JSON) and flags into a study (flags win). Reads only the spec and
 * recipe files: nothing is written. Refuses an unreadable spec (E_NOT_FOUND, E_INPUT_INVALID), a
 * bad spec, base recipe or `--param` (E_INPUT_INVALID, E_RECIPE_INVALID, E_USAGE), and a missing
 * train or holdout range or a holdout that does not come after the train range (E_RANGE_INVALID,
 * E_INPUT_INVALID).
 */
export function defineStudy(input: DefineStudyInput): StudyPlan {
  const specFile = input.specFile === undefined ? undefined : resolve(input.cwd ?? '.', input.specFile);
  const definition = mergeStudyInput({
    spec: specFile === undefined ? input.spec : readSpecFile(specFile, 'optimize spec'),
    specDir: specFile === undefined ? input.cwd : dirname(specFile),
    cwd: input.cwd,
    recipeFile: input.recipeFile,
    preset: input.preset,
    params: input.params,
    train: input.train,
    holdout: input.holdout,
    method: input.method,
    trials: input.trials,
    population: input.population,
    generations: input.generations,
    mutation_rate: input.mutationRate,
    metric: input.metric,
    holdout_top: input.holdoutTop,
    seed: input.seed,
    name: input.name,
  });
  return { definition, notes: definition.notes };
}

/**
 * Records a defined study: its first trials (every trial of a random search, the first generation
 * of an evolutionary one) with their recipes validated, the train range planned and the holdout
 * checked before anything is written, then the study in one transaction. Refuses a study with no
 * valid first trial (E_RECIPE_INVALID), constraints nothing satisfies (E_INPUT_INVALID), and a
 * train range the catalog cannot serve or a holdout that overlaps or precedes it (E_RANGE_INVALID).
 */
export function createStudy(
  deps: Pick<UseCaseDeps, 'catalog' | 'clock'>,
  plan: StudyPlan,
): { study_id: string; name: string; method: OptimizeMethod; trials_planned: number; notes: string[] } {
  const created = recordStudy(deps.catalog, plan.definition, new Date(deps.clock.now));
  const notes = [...created.notes];
  if (created.trials_invalid > 0) notes.push(`${created.trials_invalid} first trial(s) are not valid recipes and are recorded as failed`);
  return { study_id: created.study_id, name: plan.definition.spec.name, method: plan.definition.spec.method, trials_planned: created.trials_planned, notes };
}

/**
 * Runs a recorded study, or resumes a stopped or interrupted one: its trials generation by
 * generation on the pool (or, with `queue_url`, on `luckyfive worker`s as sweep cells), then look
 * 1 at the holdout. Stops cleanly at `max_trials`, at `deadline_ms` or when `signal` aborts; the
 * outcome says why. Refuses an unknown study (E_INPUT_INVALID, E_NOT_FOUND), a study another live
 * process runs (E_BUSY), draws that changed since it was created (E_CONFLICT) and an unreachable
 * queue (E_QUEUE_DOWN, the study is left `stopped`). Returns the outcome; the study itself is
 * read with {@link showStudy}.
 */
export async function runStudy(
  deps: Pick<UseCaseDeps, 'catalog' | 'pool' | 'signal'> & { now: () => Date; config?: Pick<Config, 'queue_url' | 'queue_patience'> | undefined },
  input: {
    study_id: string;
    deadline_ms?: number | undefined;
    max_trials?: number | undefined;
    /** a queue URL for this study (default: `config.queue_url`) */
    queue?: string | undefined;
    /** stops the study like `deps.signal` (e.g. a cancel request for this study alone) */
    signal?: AbortSignal | undefined;
    onProgress?: ((p: StudyProgress) => void) | undefined;
    /** each trial as it gets its outcome (`--ndjson`) */
    onTrial?: ((t: TrialEvent) => void) | undefined;
    /** on a queue: connection trouble, stalled and failed trials, one line each */
    log?: ((line: string) => void) | undefined;
  },
): Promise<StudyOutcome> {
  requireStudy(deps.catalog.db, input.study_id);
  const url = input.queue ?? deps.config?.queue_url;
  const signal = input.signal ? AbortSignal.any([deps.signal, input.signal]) : deps.signal;
  return driveStudy({ catalog: deps.catalog, pool: deps.pool, now: deps.now, signal }, input.study_id, {
    max_trials: input.max_trials,
    deadline_ms: input.deadline_ms,
    onProgress: input.onProgress,
    onTrial: input.onTrial,
    queue: url === undefined ? undefined : { url, patience_ms: (deps.config?.queue_patience ?? 60) * 1000, log: input.log ?? (() => undefined) },
  });
}

/** One study in a list: status and progress. */
export interface StudyListItem {
  study_id: string;
  name: string;
  method: OptimizeMethod | null;
  status: SweepStatus;
  complete: boolean;
  metric: string;
  trials_planned: number | null;
  trials_done: number;
  trials_failed: number;
  train: { from: number; to: number };
  holdout: { from: number; to: number } | null;
  created_at: string;
  finished_at: string | null;
}

/** Studies, newest first, with their progress; `limit` undefined lists them all. Refuses nothing. */
export function listStudies(deps: Pick<UseCaseDeps, 'catalog'>, input: { status?: SweepStatus | undefined; limit?: number | undefined }): StudyListItem[] {
  return listSweeps(deps.catalog.db, { status: input.status, limit: input.limit, kind: 'study' }).map((r) => {
    const s = getStudy(deps.catalog.db, r.sweep_id);
    return {
      study_id: r.sweep_id,
      name: r.name,
      method: s?.method ?? null,
      status: r.status,
      complete: r.status === 'completed' || r.status === 'completed_with_failures',
      metric: r.metric,
      trials_planned: s?.trials_planned ?? null,
      trials_done: r.cells_completed,
      trials_failed: r.cells_failed,
      train: { from: r.first_contest, to: r.last_contest },
      holdout: r.holdout_from === null || r.holdout_to === null ? null : { from: r.holdout_from, to: r.holdout_to },
      created_at: r.created_at,
      finished_at: r.finished_at,
    };
  });
}

/**
 * A study as one document: its trials with their train figures beside the exact baseline, the
 * best so far, its generations, every look at the holdout with its figures, and the verdict that
 * counts every trial and every look. Refuses a malformed id (E_INPUT_INVALID) and an id that is
 * not a study (E_NOT_FOUND).
 */
export function showStudy(deps: Pick<UseCaseDeps, 'catalog'>, input: { study_id: string }): StudyDocument {
  return readStudy(deps.catalog, input.study_id);
}

/**
 * A second (third, ...) look at the holdout: the best `top` trials by the train metric that were
 * not run there yet are run once, and the look is recorded so the verdict counts every holdout
 * figure of every look. Refuses a study whose search or first look is not done (E_CONFLICT), a
 * look that would add no trial (E_CONFLICT) and a study another process runs (E_BUSY).
 */
export async function lookAgain(
  deps: Pick<UseCaseDeps, 'catalog' | 'pool' | 'signal'> & { now: () => Date },
  input: { study_id: string; top: number; reason?: string | undefined },
): Promise<StudyDocument> {
  const env = { catalog: deps.catalog, pool: deps.pool, now: deps.now, signal: deps.signal };
  const doc = readStudy(deps.catalog, input.study_id);
  if (!doc.search_done || doc.looks.length === 0) {
    throw new LuckyError('E_CONFLICT', `study ${input.study_id} has not finished its search and first look at the holdout`, [
      `finish it first: luckyfive optimize --resume ${input.study_id}`,
    ]);
  }
  await holdoutUnderClaim(env, input.study_id, () => {
    recordLook(env, input.study_id, { top: input.top, again: true, reason: input.reason });
  });
  return readStudy(deps.catalog, input.study_id);
}
