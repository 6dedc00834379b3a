/**
 * A simulation as the server accepts it: the recipe already resolved and normalized (from a
 * preset, a saved recipe or an inline object) and the range resolved to contests. It is stored
 * as a job's request, so a job runs exactly what was validated when it was accepted, whatever
 * happens later to the preset, the saved recipe or the "last N contests".
 */
import { performance } from 'node:perf_hooks';
import { type Recipe, parseRecipe } from '../core/recipe/schema.js';
import { LuckyError } from '../errors.js';
import { getRun } from '../store/runs-repo.js';
import { readRunReport } from './runs.js';
import { type RunEnv, type RunReport, resumeRun, simulate } from './simulate.js';

export interface SimulationSpec {
  /** where the recipe came from: a preset name, a saved recipe name, or neither (inline) */
  preset: string | null;
  recipe_name: string | null;
  recipe: Recipe;
  from: number;
  to: number;
  name: string | null;
  /** worker threads of the server's pool this simulation may use (null: all of them) */
  threads: number | null;
}

/** The JSON stored in `jobs.request_json`. */
export function simulationSpecJson(spec: SimulationSpec): string {
  return JSON.stringify(spec);
}

/** Reads a stored spec back; the recipe goes through the parser again (it is already normalized). */
export function parseSimulationSpec(json: string): SimulationSpec {
  let raw: Partial<SimulationSpec>;
  try {
    raw = JSON.parse(json) as Partial<SimulationSpec>;
  } catch (e) {
    throw new LuckyError('E_DATA_INVALID', 'a stored simulation request is not valid JSON', [(e as Error).message], { cause: e });
  }
  const int = (v: unknown) => typeof v === 'number' && Number.isInteger(v);
  if (!int(raw.from) || !int(raw.to)) throw new LuckyError('E_DATA_INVALID', 'a stored simulation request has no contest range');
  return {
    preset: typeof raw.preset === 'string' ? raw.preset : null,
    recipe_name: typeof raw.recipe_name === 'string' ? raw.recipe_name : null,
    recipe: parseRecipe(raw.recipe),
    from: raw.from!,
    to: raw.to!,
    name: typeof raw.name === 'string' ? raw.name : null,
    threads: int(raw.threads) ? raw.threads! : null,
  };
}

export interface SimulationOutcome {
  report: RunReport;
  /** contests simulated by this call (a resume counts only what it added) */
  contests: number;
  seconds: number;
}

/**
 * Runs `spec` to the end (or until `env.signal` aborts it) as run `runId`: a new run when the id
 * is unknown, a resume when the run exists unfinished, and just its stored report when it is
 * already completed (a job whose process died after the run finished but before the job did).
 */
export async function runSimulationSpec(env: RunEnv, spec: SimulationSpec, runId?: string): Promise<SimulationOutcome> {
  const started = performance.now();
  let contests = 0;
  const counted: RunEnv = {
    ...env,
    onEvent: (e) => {
      if (e.type === 'contest') contests++;
      env.onEvent?.(e);
    },
  };
  const existing = runId === undefined ? undefined : getRun(env.catalog.db, runId);
  let report: RunReport;
  if (existing?.status === 'completed') {
    const stored = readRunReport(env.catalog, existing.run_id);
    if (!stored) throw new LuckyError('E_DATA_MISSING', `run ${existing.run_id} is completed but its file has no summary`);
    report = stored;
  } else if (existing) {
    report = await resumeRun(counted, existing.run_id);
  } else {
    report = await simulate(counted, { recipe: spec.recipe, range: { from: spec.from, to: spec.to }, name: spec.name ?? undefined, run_id: runId });
  }
  return { report, contests, seconds: (performance.now() - started) / 1000 };
}
