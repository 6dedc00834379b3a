/**
 * Walk-forward backtests: contest ranges fan out to the piscina pool, workers compute tickets,
 * this (main) thread scores them and writes results in batched transactions, in contest order,
 * into the run's own SQLite file. Interrupted runs resume from what the file holds.
 *
 * Preparing a run (plan, file, index row) is separate from executing it, so a sweep can prepare
 * many cells and execute them together on one pool (`./run-executor.ts`).
 */
import { randomBytes } from 'node:crypto';
import { relative } from 'node:path';
import type { PricePeriod } from '../core/finance/prices.js';
import { DEFAULT_PAYOUT_RULE, type PayoutRule } from '../core/finance/prizes.js';
import { type Recipe, canonicalRecipeJson, parseRecipe, recipeHash } from '../core/recipe/schema.js';
import { LuckyError } from '../errors.js';
import { makePrivateDir } from '../store/private-files.js';
import { readPayoutRule, readPriceTable } from '../store/prices-repo.js';
import { openRunFile, runFilePath, runsDir } from '../store/run-file.js';
import { holdOwnership, ownerTag } from '../store/process-owner.js';
import { claimRun, getRun, insertRun, requireRun, runBusyError, runOwnerKey } from '../store/runs-repo.js';
import { type RangeRequest, type RunPlan, planRun } from './plan.js';
import { type RunJob, type RunOutcome, executeRuns } from './run-executor.js';
import { ENGINE_VERSION, type RunEnv, type RunReport } from './run-types.js';

export { ENGINE_VERSION, type RunEnv, type RunEvent, type RunReport } from './run-types.js';

export interface SimulateRequest {
  recipe: Recipe;
  range: RangeRequest;
  name?: string | undefined;
  sweep_id?: string | undefined;
  run_id?: string | undefined;
}

/** A new run id: time-ordered and unique; it never influences results. */
export function newRunId(now: Date): string {
  const t = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${t.toLowerCase()}-${randomBytes(3).toString('hex')}`;
}

/**
 * Creates a run's file and index row without executing it. `plan` may be passed when the caller
 * already planned this range for this history (a sweep plans once per history value).
 */
export function prepareRun(env: RunEnv, req: SimulateRequest, plan: RunPlan = planRun(env.catalog.db, req.range, req.recipe.history)): RunJob {
  const recipe = req.recipe;
  const now = env.now();
  const runId = req.run_id ?? newRunId(now);
  const file = runFilePath(env.catalog.dataDir, runId);
  if (getRun(env.catalog.db, runId)) throw new LuckyError('E_CONFLICT', `run ${runId} already exists`);
  makePrivateDir(runsDir(env.catalog.dataDir));
  // The run freezes the catalog's price table and payout rule in its file, so a resume or a
  // later edit of the table never changes what this run charged.
  const prices = env.prices ?? readPriceTable(env.catalog.db);
  const rule = env.payoutRule ?? readPayoutRule(env.catalog.db);
  // Fields the run file's meta and the catalog's index row share, computed once.
  const recipeJson = canonicalRecipeJson(recipe);
  const common = {
    run_id: runId,
    name: req.name ?? null,
    sweep_id: req.sweep_id ?? null,
    recipe_json: recipeJson,
    recipe_hash: recipeHash(recipe),
    seed: recipe.seed,
    dataset_hash: plan.dataset_hash,
    engine_version: ENGINE_VERSION,
    first_contest: plan.first_contest,
    last_contest: plan.last_contest,
    synthetic: plan.synthetic ? 1 : 0,
    status: 'running' as const,
  };
  const rf = openRunFile(file);
  try {
    rf.writeMeta({
      ...common,
      missing_contests: JSON.stringify(plan.missing),
      short_history_contests: JSON.stringify(plan.short_history),
      prices: JSON.stringify(prices),
      payout_rule: rule,
      created_at: now.toISOString(),
    });
    holdOwnership(runOwnerKey(runId));
    insertRun(env.catalog.db, {
      ...common,
      owner: ownerTag(),
      strategy: recipe.strategy,
      numbers_per_ticket: recipe.numbers_per_ticket,
      tickets_per_contest: recipe.tickets,
      contests_planned: plan.targets.length,
      file: relative(env.catalog.dataDir, file),
      created_at: now.toISOString(),
      started_at: now.toISOString(),
    });
  } catch (e) {
    rf.close();
    throw e;
  }
  return { run_id: runId, rf, recipe, recipe_json: recipeJson, recipe_hash: common.recipe_hash, name: common.name, plan, prices, rule };
}

/**
 * Reopens an interrupted or cancelled run for execution from where its file stops. A run is
 * owned by one process: E_BUSY when another live process (or this one) is executing it.
 */
export function prepareResume(env: RunEnv, runId: string): RunJob {
  const row = requireRun(env.catalog.db, runId);
  if (row.status === 'completed') throw new LuckyError('E_CONFLICT', `run ${runId} is already completed`);
  if (row.status === 'running') throw runBusyError(row);
  const rf = openRunFile(runFilePath(env.catalog.dataDir, runId), { mustExist: true });
  try {
    const meta = rf.readMeta();
    const recipeJson = meta.recipe_json ?? 'null';
    const recipe = parseRecipe(JSON.parse(recipeJson));
    const plan = planRun(env.catalog.db, { from: Number(meta.first_contest), to: Number(meta.last_contest) }, recipe.history);
    if (plan.dataset_hash !== meta.dataset_hash) {
      throw new LuckyError('E_CONFLICT', `the draws behind run ${runId} changed since it started (dataset hash differs): it cannot be resumed`, [
        `delete it with \`luckyfive runs delete ${runId}\` and start a new run`,
      ]);
    }
    const prices = JSON.parse(meta.prices ?? 'null') as PricePeriod[];
    const rule = (meta.payout_rule ?? DEFAULT_PAYOUT_RULE) as PayoutRule;
    // The atomic check: two resumes that both got this far cannot both claim the run.
    claimRun(env.catalog.db, runId, ownerTag(), { error: null, started_at: env.now().toISOString() });
    holdOwnership(runOwnerKey(runId));
    rf.writeMeta({ status: 'running' });
    // The file's canonical JSON and hash are the run's identity: carried as written, never recomputed.
    return {
      run_id: runId,
      rf,
      recipe,
      recipe_json: recipeJson,
      recipe_hash: meta.recipe_hash ?? recipeHash(recipe),
      name: meta.name ?? null,
      plan,
      prices,
      rule,
    };
  } catch (e) {
    rf.close();
    throw e;
  }
}

/** Starts a new run and carries it to completion (or cancellation); `plan`: the one its request was resolved with. */
export async function simulate(env: RunEnv, req: SimulateRequest, plan?: RunPlan): Promise<RunReport> {
  const job = prepareRun(env, req, plan);
  return unwrap(await executeRuns(env, [job]));
}

/** Finishes the missing contests of an interrupted or cancelled run. */
export async function resumeRun(env: RunEnv, runId: string): Promise<RunReport> {
  const job = prepareResume(env, runId);
  return unwrap(await executeRuns(env, [job]));
}

function unwrap(outcomes: RunOutcome[]): RunReport {
  const o = outcomes[0]!;
  // The run's stored error is the user-facing line; the one who ran it (the CLI's stderr, the
  // server's log: the envelope never shows an internal message) gets the failure's own text.
  if (o.failure !== undefined)
    throw new LuckyError('E_INTERNAL', `run ${o.report.run_id} failed: ${o.failure instanceof Error ? o.failure.message : JSON.stringify(o.failure)}`, [], {
      cause: o.failure,
    });
  return o.report;
}
