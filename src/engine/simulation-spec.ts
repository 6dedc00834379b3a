/**
 * Running a resolved run request (`core/run-request.ts`) as a job's run: a new run when the run id
 * is unknown, a resume when it exists unfinished, and just its stored report when it is already
 * completed. A job runs exactly what was validated when it was accepted, whatever happens later
 * to the preset, the saved recipe or the "last N contests".
 */
import { performance } from 'node:perf_hooks';
import type { ResolvedRunRequest } from '../core/run-request.js';
import { LuckyError } from '../errors.js';
import { getRun } from '../store/runs-repo.js';
import type { RunPlan } from './plan.js';
import { readRunReport } from './runs.js';
import { type RunEnv, type RunReport, resumeRun, simulate } from './simulate.js';

export interface SimulationOutcome {
  report: RunReport;
  /** contests simulated by this call (a resume counts only what it added) */
  contests: number;
  seconds: number;
}

/**
 * Runs `request` to the end (or until `env.signal` aborts it) as run `runId`: a new run when the id
 * is unknown, a resume when the run exists unfinished, and just its stored report when it is
 * already completed (a job whose process died after the run finished but before the job did).
 * `plan`: the plan the request was resolved with in this process, when it still holds.
 */
export async function runResolvedRequest(env: RunEnv, request: ResolvedRunRequest, runId?: string, plan?: RunPlan): Promise<SimulationOutcome> {
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
    const range = { from: request.from, to: request.to };
    const samePlan =
      plan && plan.first_contest === request.from && plan.last_contest === request.to && plan.dataset_hash === request.dataset_hash ? plan : undefined;
    report = await simulate(counted, { recipe: request.recipe, range, name: request.name ?? undefined, run_id: runId }, samePlan);
  }
  return { report, contests, seconds: (performance.now() - started) / 1000 };
}
