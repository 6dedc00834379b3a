/**
 * Walk-forward backtests: contest ranges fan out to the piscina pool, workers compute tickets,
 * this (main) thread scores them and writes results in batched transactions, in contest order,
 * into the run's own SQLite file. Interrupted runs resume from what the file holds.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { relative } from 'node:path';
import type { BaselineReport } from '../core/baseline.js';
import { buildHistory } from '../core/draw.js';
import type { PricePeriod } from '../core/finance/prices.js';
import { DEFAULT_PAYOUT_RULE, type PayoutRule } from '../core/finance/prizes.js';
import { type Recipe, canonicalRecipeJson, parseRecipe, recipeHash } from '../core/recipe/schema.js';
import { scoreContest } from '../core/scoring.js';
import { LuckyError } from '../errors.js';
import type { Catalog } from '../store/catalog.js';
import { readPayoutRule, readPriceTable } from '../store/prices-repo.js';
import { type ContestResult, createResultWriter, openRunFile, readContestRows, readDoneContests, readRunMeta, runFilePath, runsDir, writeRunMeta, writeSummary } from '../store/run-file.js';
import { type RunRow, getRun, insertRun, requireRun, updateRun } from '../store/runs-repo.js';
import { type RangeRequest, type RunPlan, planRun } from './plan.js';
import type { PredictPool } from './pool.js';
import type { PredictResult, PredictTask } from './predict.worker.js';
import { type RunTotals, summarizeRows } from './summarize.js';

/** Bumped whenever the engine or predictor changes what a run produces. */
export const ENGINE_VERSION = 'luckyfive-engine/1';

/** Contests per write transaction. */
const WRITE_BATCH = 16;

export type RunEvent =
  | { type: 'run_start'; run_id: string; file: string; first_contest: number; last_contest: number; contests: number; remaining: number; missing_contests: number[]; synthetic_data: boolean }
  | { type: 'contest'; run_id: string; contest: number; draw: number[]; best_hits: number; best_ticket: number; hits: number[]; cost_cents: number; prize_cents: number }
  | { type: 'summary'; [key: string]: unknown };

export interface RunEnv {
  catalog: Catalog;
  pool: PredictPool;
  now: () => Date;
  signal?: AbortSignal | undefined;
  onEvent?: ((e: RunEvent) => void) | undefined;
  /** price table and payout rule; default: the catalog's, falling back to FACTS.md */
  prices?: readonly PricePeriod[] | undefined;
  payoutRule?: PayoutRule | undefined;
}

export interface SimulateRequest {
  recipe: Recipe;
  range: RangeRequest;
  name?: string | undefined;
  sweep_id?: string | undefined;
  run_id?: string | undefined;
}

export interface RunReport extends RunTotals {
  run_id: string;
  file: string;
  status: RunRow['status'];
  name: string | null;
  recipe_hash: string;
  strategy: string;
  seed: number;
  first_contest: number;
  last_contest: number;
  missing_contests: number[];
  short_history_contests: number[];
  synthetic_data: boolean;
  dataset_hash: string;
  engine_version: string;
}

/** A new run id: time-ordered and unique; it never influences results. */
export function newRunId(now: Date): string {
  const t = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${t.toLowerCase()}-${randomBytes(3).toString('hex')}`;
}

/** Starts a new run and carries it to completion (or cancellation). */
export async function simulate(env: RunEnv, req: SimulateRequest): Promise<RunReport> {
  const recipe = req.recipe;
  const plan = planRun(env.catalog.db, req.range, recipe.history);
  const now = env.now();
  const runId = req.run_id ?? newRunId(now);
  const file = runFilePath(env.catalog.dataDir, runId);
  if (getRun(env.catalog.db, runId)) throw new LuckyError('E_CONFLICT', `run ${runId} already exists`);
  mkdirSync(runsDir(env.catalog.dataDir), { recursive: true });
  // The run freezes the catalog's price table and payout rule in its file, so a resume or a
  // later edit of the table never changes what this run charged.
  const prices = env.prices ?? readPriceTable(env.catalog.db);
  const rule = env.payoutRule ?? readPayoutRule(env.catalog.db);
  const rf = openRunFile(file);
  try {
    writeRunMeta(rf.db, {
      run_id: runId,
      name: req.name ?? null,
      sweep_id: req.sweep_id ?? null,
      recipe_json: canonicalRecipeJson(recipe),
      recipe_hash: recipeHash(recipe),
      seed: recipe.seed,
      dataset_hash: plan.dataset_hash,
      engine_version: ENGINE_VERSION,
      first_contest: plan.first_contest,
      last_contest: plan.last_contest,
      missing_contests: JSON.stringify(plan.missing),
      short_history_contests: JSON.stringify(plan.short_history),
      synthetic: plan.synthetic ? 1 : 0,
      prices: JSON.stringify(prices),
      payout_rule: rule,
      status: 'running',
      created_at: now.toISOString(),
    });
  } catch (e) {
    rf.close();
    throw e;
  }
  insertRun(env.catalog.db, {
    run_id: runId,
    name: req.name ?? null,
    sweep_id: req.sweep_id ?? null,
    recipe_hash: recipeHash(recipe),
    recipe_json: canonicalRecipeJson(recipe),
    strategy: recipe.strategy,
    seed: recipe.seed,
    numbers_per_ticket: recipe.numbers_per_ticket,
    tickets_per_contest: recipe.tickets,
    dataset_hash: plan.dataset_hash,
    engine_version: ENGINE_VERSION,
    first_contest: plan.first_contest,
    last_contest: plan.last_contest,
    status: 'running',
    contests_planned: plan.targets.length,
    synthetic: plan.synthetic ? 1 : 0,
    file: relative(env.catalog.dataDir, file),
    created_at: now.toISOString(),
    started_at: now.toISOString(),
  });
  return execute(env, runId, rf, recipe, plan, prices, rule);
}

/** Finishes the missing contests of an interrupted or cancelled run. */
export async function resumeRun(env: RunEnv, runId: string): Promise<RunReport> {
  const row = requireRun(env.catalog.db, runId);
  if (row.status === 'completed') throw new LuckyError('E_CONFLICT', `run ${runId} is already completed`);
  const rf = openRunFile(runFilePath(env.catalog.dataDir, runId), { mustExist: true });
  const meta = readRunMeta(rf.db);
  const recipe = parseRecipe(JSON.parse(meta.recipe_json ?? 'null'));
  const plan = planRun(env.catalog.db, { from: Number(meta.first_contest), to: Number(meta.last_contest) }, recipe.history);
  if (plan.dataset_hash !== meta.dataset_hash) {
    rf.close();
    throw new LuckyError('E_CONFLICT', `the draws behind run ${runId} changed since it started (dataset hash differs); start a new run instead`);
  }
  const prices = JSON.parse(meta.prices ?? 'null') as PricePeriod[];
  const rule = (meta.payout_rule ?? DEFAULT_PAYOUT_RULE) as PayoutRule;
  writeRunMeta(rf.db, { status: 'running' });
  updateRun(env.catalog.db, runId, { status: 'running', error: null, started_at: env.now().toISOString() });
  return execute(env, runId, rf, recipe, plan, prices, rule);
}

async function execute(
  env: RunEnv,
  runId: string,
  rf: ReturnType<typeof openRunFile>,
  recipe: Recipe,
  plan: RunPlan,
  prices: readonly PricePeriod[],
  rule: PayoutRule,
): Promise<RunReport> {
  const done = readDoneContests(rf.db);
  const todo = plan.targets.map((d, i) => ({ draw: d, end: plan.target_index[i]! })).filter((t) => !done.has(t.draw.contest));
  const history = buildHistory(plan.draws);
  const recipeJson = canonicalRecipeJson(recipe);
  const write = createResultWriter(rf.db);
  const k = recipe.numbers_per_ticket;
  env.onEvent?.({
    type: 'run_start',
    run_id: runId,
    file: rf.file,
    first_contest: plan.first_contest,
    last_contest: plan.last_contest,
    contests: plan.targets.length,
    remaining: todo.length,
    missing_contests: plan.missing,
    synthetic_data: plan.synthetic,
  });

  // Chunks small enough to balance two threads, large enough to amortise messaging.
  const chunkSize = Math.max(1, Math.min(16, Math.ceil(todo.length / (env.pool.threads * 4))));
  const chunks: Array<typeof todo> = [];
  for (let i = 0; i < todo.length; i += chunkSize) chunks.push(todo.slice(i, i + chunkSize));

  const ready = new Map<number, ContestResult>();
  let nextToWrite = 0;
  let written = done.size;
  let failure: unknown;
  // Results are written in contest order, at most WRITE_BATCH contests per transaction, and
  // nothing more after Ctrl-C: the file always stops at a clean contest boundary.
  const flush = () => {
    while (!env.signal?.aborted) {
      const batch: ContestResult[] = [];
      while (batch.length < WRITE_BATCH && nextToWrite < todo.length && ready.has(todo[nextToWrite]!.draw.contest)) {
        const c = todo[nextToWrite]!.draw.contest;
        batch.push(ready.get(c)!);
        ready.delete(c);
        nextToWrite++;
      }
      if (batch.length === 0) return;
      write(batch);
      written += batch.length;
      updateRun(env.catalog.db, runId, { contests_done: written });
      for (const r of batch) {
        env.onEvent?.({ type: 'contest', run_id: runId, contest: r.contest, draw: [...r.balls], best_hits: r.best_hits, best_ticket: r.best_ticket, hits: r.tickets.map((t) => t.hits), cost_cents: r.cost_cents, prize_cents: r.prize_cents });
      }
    }
  };

  const taskOf = (chunk: typeof todo): PredictTask => {
    // Send only the slice of history this chunk can see.
    const lo = Math.max(0, chunk[0]!.end - recipe.history);
    const hi = chunk.at(-1)!.end;
    return {
      recipe_json: recipeJson,
      contests: history.contests.slice(lo, hi),
      balls: history.balls.slice(lo * 5, hi * 5),
      targets: chunk.map((t) => ({ contest: t.draw.contest, end: t.end - lo })),
    };
  };

  const byContest = new Map(todo.map((t) => [t.draw.contest, t.draw]));
  const accept = (results: PredictResult[]) => {
    if (env.signal?.aborted) return;
    for (const r of results) {
      const draw = byContest.get(r.contest)!;
      const tickets: number[][] = [];
      for (let i = 0; i < r.scores.length; i++) tickets.push(Array.from(r.numbers.subarray(i * k, (i + 1) * k)));
      const s = scoreContest(draw, tickets, k, prices, rule);
      ready.set(r.contest, {
        contest: r.contest,
        draw_date: draw.date,
        balls: draw.balls,
        tickets: tickets.map((numbers, i) => ({ numbers, score: r.scores[i]!, hits: s.hits[i]! })),
        best_hits: s.best_hits,
        best_ticket: s.best_ticket,
        hits_histogram: s.histogram,
        cost_cents: s.cost_cents,
        prize_cents: s.prize_cents,
        prize_estimated: s.prize_estimated,
      });
    }
    flush();
  };

  // Keep a bounded number of chunks in flight; results are written in contest order.
  const inFlight = new Set<Promise<void>>();
  const maxInFlight = env.pool.threads * 2;
  for (const chunk of chunks) {
    if (env.signal?.aborted || failure !== undefined) break;
    const p: Promise<void> = env.pool
      .run(taskOf(chunk))
      .then(accept)
      .catch((e: unknown) => {
        failure ??= e;
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
    if (inFlight.size >= maxInFlight) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  flush();

  const status: RunRow['status'] = failure !== undefined ? 'failed' : written < plan.targets.length ? 'cancelled' : 'completed';
  const errorText = failure === undefined ? null : failure instanceof Error ? failure.message : JSON.stringify(failure);
  const rows = readContestRows(rf.db);
  if (rows.length === 0) {
    // Stopped (or failed) before its first contest: there is nothing to summarise, and a
    // baseline of zero tickets does not exist. The run is marked and stays resumable.
    const at = env.now().toISOString();
    writeRunMeta(rf.db, { status, finished_at: at, ...(errorText ? { error: errorText } : {}) });
    rf.close();
    updateRun(env.catalog.db, runId, { status, finished_at: at, error: errorText });
    if (failure !== undefined) throw new LuckyError('E_INTERNAL', `run ${runId} failed: ${errorText}`, [], { cause: failure });
    throw new LuckyError('E_INTERRUPTED', `run ${runId} was stopped before its first contest`, [`resume it with \`luckyfive simulate --resume ${runId}\``]);
  }
  const totals = summarizeRows(rows, k, recipe.tickets);
  const meta = readRunMeta(rf.db);
  const report: RunReport = {
    run_id: runId,
    file: rf.file,
    status,
    name: meta.name ?? null,
    recipe_hash: meta.recipe_hash!,
    strategy: recipe.strategy,
    seed: recipe.seed,
    first_contest: plan.first_contest,
    last_contest: plan.last_contest,
    missing_contests: plan.missing,
    short_history_contests: plan.short_history,
    synthetic_data: plan.synthetic,
    dataset_hash: plan.dataset_hash,
    engine_version: ENGINE_VERSION,
    ...totals,
  };
  const finishedAt = env.now().toISOString();
  writeRunMeta(rf.db, { status, finished_at: finishedAt, ...(errorText ? { error: errorText } : {}) });
  writeSummary(rf.db, report, finishedAt);
  rf.db.pragma('wal_checkpoint(TRUNCATE)');
  rf.close();
  updateRun(env.catalog.db, runId, {
    status,
    finished_at: finishedAt,
    error: errorText,
    contests_done: totals.contests,
    tickets: totals.tickets,
    mean_hits: totals.summary.mean_hits,
    ...totals.summary.rates,
    ...totals.summary.best_rates,
    p_value: pValueOf(totals.summary.baseline),
    cost_cents: totals.finance.cost_cents,
    prize_cents: totals.finance.prize_cents,
    net_cents: totals.finance.net_cents,
    roi_pct: totals.finance.roi_pct,
    max_drawdown_cents: totals.finance.max_drawdown_cents,
    win_rate: totals.finance.win_rate,
  });
  env.onEvent?.({ type: 'summary', ...report });
  if (failure !== undefined) throw new LuckyError('E_INTERNAL', `run ${runId} failed: ${errorText}`, [], { cause: failure });
  return report;
}

/** The run index keeps the mean-hits p-value: the headline test of "did this beat chance". */
function pValueOf(b: BaselineReport): number | null {
  return Number.isFinite(b.figures.mean_hits.p_value) ? b.figures.mean_hits.p_value : null;
}
