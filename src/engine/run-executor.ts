/**
 * The multi-run executor behind both `simulate` (one run) and `sweep` (many cells). Runs that see
 * the same history windows (same range, same `history`, same draws) form a group; each pool task
 * is one chunk of the group's contests times every run of the group that still needs them, so the
 * worker computes each window's statistics once for all of them (see predict.worker.ts). The main
 * thread scores results and routes each run's contests to its own file, in contest order, at most
 * WRITE_BATCH contests per transaction; after Ctrl-C nothing more is written, so every file stops
 * at a clean contest boundary and resumes from there.
 */
import { type Draw, type History, buildHistory } from '../core/draw.js';
import type { PricePeriod } from '../core/finance/prices.js';
import type { PayoutRule } from '../core/finance/prizes.js';
import type { Recipe } from '../core/recipe/schema.js';
import type { RunTotals } from '../core/run-summary.js';
import { scoreContest } from '../core/scoring.js';
import type { ContestResult, RunFile } from '../store/run-file.js';
import { releaseOwnership } from '../store/process-owner.js';
import { userFacingMessage } from '../store/storage-errors.js';
import { type RunRow, runOwnerKey, updateRun, restartCatalogWal } from '../store/runs-repo.js';
import type { RunPlan } from './plan.js';
import type { PredictResult, PredictTask } from './predict.worker.js';
import { buildRunIndexFigures } from './run-index.js';
import { ENGINE_VERSION, type RunEnv, type RunReport } from './run-types.js';
import { decodeBestOfLaw, formatBestOfLaw } from '../core/best-of.js';
import { summarizeRunFile } from './summarize.js';

/** Contests per write transaction. */
const WRITE_BATCH = 16;
/** Predictions (contests x runs) per task: enough to amortise messaging, small enough to balance threads. */
const PREDICTIONS_PER_TASK = 16;
/** Contests per task, so progress events and Ctrl-C are never more than a few contests away. */
const MAX_CONTESTS_PER_TASK = 8;

/** A run ready to execute: its file is open and its index row exists. It carries what finishing needs. */
export interface RunJob {
  run_id: string;
  rf: RunFile;
  recipe: Recipe;
  /** the recipe's canonical JSON (what the workers parse) and its hash, computed once when the run was prepared */
  recipe_json: string;
  recipe_hash: string;
  name: string | null;
  plan: RunPlan;
  prices: readonly PricePeriod[];
  rule: PayoutRule;
}

export interface RunOutcome {
  report: RunReport;
  /** set when the run failed (status `failed`) */
  failure?: unknown;
  error?: string;
}

export interface ExecuteOptions {
  /** group runs that see the same windows into shared tasks (default true) */
  share_stats?: boolean;
}

interface Unit {
  draw: Draw;
  end: number;
}

interface JobState {
  job: RunJob;
  todo: Unit[];
  byContest: Map<number, Draw>;
  ready: Map<number, ContestResult>;
  nextToWrite: number;
  written: number;
  write: (batch: readonly ContestResult[]) => void;
  failure: unknown;
}

interface Group {
  states: JobState[];
  history: History;
  depth: number;
  /** the union of the group's contests still to do, in contest order, with the states needing each */
  units: Array<Unit & { who: number[] }>;
}

function groupKey(j: RunJob): string {
  return `${j.plan.first_contest}:${j.plan.last_contest}:${j.recipe.history}:${j.plan.dataset_hash}`;
}

function buildGroups(states: JobState[], share: boolean): Group[] {
  const byKey = new Map<string, JobState[]>();
  states.forEach((s, i) => {
    const key = share ? groupKey(s.job) : String(i);
    byKey.set(key, [...(byKey.get(key) ?? []), s]);
  });
  return [...byKey.values()].map((members) => {
    const need = new Map<number, Unit & { who: number[] }>();
    members.forEach((s, i) => {
      for (const u of s.todo) {
        const entry = need.get(u.draw.contest) ?? { ...u, who: [] };
        entry.who.push(i);
        need.set(u.draw.contest, entry);
      }
    });
    return {
      states: members,
      history: buildHistory(members[0]!.job.plan.draws),
      depth: Math.max(...members.map((s) => s.job.recipe.history)),
      units: [...need.values()].sort((a, b) => a.end - b.end),
    };
  });
}

/**
 * Executes runs to completion (or cancellation) on the shared pool; never throws for a failed
 * run. Each run is owned by this process until it ends; should this throw (a write failing), the
 * runs are let go, so they show `interrupted` and can be resumed.
 */
export async function executeRuns(env: RunEnv, jobs: readonly RunJob[], options: ExecuteOptions = {}): Promise<RunOutcome[]> {
  try {
    return await executeOwnedRuns(env, jobs, options);
  } finally {
    for (const j of jobs) releaseOwnership(runOwnerKey(j.run_id));
  }
}

async function executeOwnedRuns(env: RunEnv, jobs: readonly RunJob[], options: ExecuteOptions): Promise<RunOutcome[]> {
  const states: JobState[] = jobs.map((job) => {
    const done = job.rf.doneContests();
    const todo = job.plan.targets.map((d, i) => ({ draw: d, end: job.plan.target_index[i]! })).filter((t) => !done.has(t.draw.contest));
    const byContest = new Map(todo.map((t) => [t.draw.contest, t.draw]));
    return { job, todo, byContest, ready: new Map(), nextToWrite: 0, written: done.size, write: job.rf.resultWriter(), failure: undefined };
  });
  for (const s of states) {
    const p = s.job.plan;
    env.onEvent?.({
      type: 'run_start',
      run_id: s.job.run_id,
      file: s.job.rf.file,
      first_contest: p.first_contest,
      last_contest: p.last_contest,
      contests: p.targets.length,
      remaining: s.todo.length,
      missing_contests: p.missing,
      synthetic_data: p.synthetic,
    });
  }
  const groups = buildGroups(states, options.share_stats !== false);

  const flush = (s: JobState) => {
    while (!env.signal?.aborted) {
      const batch: ContestResult[] = [];
      while (batch.length < WRITE_BATCH && s.nextToWrite < s.todo.length && s.ready.has(s.todo[s.nextToWrite]!.draw.contest)) {
        const c = s.todo[s.nextToWrite]!.draw.contest;
        batch.push(s.ready.get(c)!);
        s.ready.delete(c);
        s.nextToWrite++;
      }
      if (batch.length === 0) return;
      s.write(batch);
      s.written += batch.length;
      updateRun(env.catalog.db, s.job.run_id, { contests_done: s.written });
      for (const r of batch) {
        env.onEvent?.({
          type: 'contest',
          run_id: s.job.run_id,
          contest: r.contest,
          draw: [...r.balls],
          best_hits: r.best_hits,
          best_ticket: r.best_ticket,
          hits: r.tickets.map((t) => t.hits),
          cost_cents: r.cost_cents,
          prize_cents: r.prize_cents,
        });
      }
    }
  };

  // Ctrl-C, a deadline or a cancel stops the tasks through a shared flag they read before each
  // prediction (queued ones stop as they start): the signal is not handed to the pool, which
  // would terminate a running thread, and a terminated worker thread can take the whole process
  // down (a V8 abort seen under Node 20).
  const stop = new Int32Array(new SharedArrayBuffer(4));
  const raise = () => Atomics.store(stop, 0, 1);
  if (env.signal?.aborted) raise();
  env.signal?.addEventListener('abort', raise, { once: true });

  // A task is built when it is submitted, so runs that failed meanwhile are left out.
  const taskOf = (g: Group, chunk: Group['units']): { task: PredictTask; used: number[] } | undefined => {
    const live = chunk.map((u) => ({ u, who: u.who.filter((i) => g.states[i]!.failure === undefined) })).filter((x) => x.who.length > 0);
    if (live.length === 0) return undefined;
    const used = [...new Set(live.flatMap((x) => x.who))].sort((a, b) => a - b);
    const slot = new Map(used.map((s, i) => [s, i]));
    // Send only the slice of history this chunk can see.
    const lo = Math.max(0, live[0]!.u.end - g.depth);
    const hi = live.at(-1)!.u.end;
    return {
      used,
      task: {
        recipes: used.map((i) => g.states[i]!.job.recipe_json),
        contests: g.history.contests.slice(lo, hi),
        balls: g.history.balls.slice(lo * 5, hi * 5),
        targets: live.map((x) => ({ contest: x.u.draw.contest, end: x.u.end - lo, recipes: x.who.map((i) => slot.get(i)!) })),
        share_stats: options.share_stats !== false,
        stop,
      },
    };
  };

  const accept = (g: Group, used: number[], results: PredictResult[]) => {
    if (env.signal?.aborted) return;
    const touched = new Set<JobState>();
    for (const r of results) {
      const s = g.states[used[r.recipe]!]!;
      if ('error' in r) {
        s.failure ??= new Error(r.error);
        continue;
      }
      if (s.failure !== undefined) continue;
      const draw = s.byContest.get(r.contest);
      if (!draw) continue;
      const k = s.job.recipe.numbers_per_ticket;
      const tickets: number[][] = [];
      for (let i = 0; i < r.scores.length; i++) tickets.push(Array.from(r.numbers.subarray(i * k, (i + 1) * k)));
      const sc = scoreContest(draw, tickets, k, s.job.prices, s.job.rule);
      s.ready.set(r.contest, {
        contest: r.contest,
        draw_date: draw.date,
        balls: draw.balls,
        tickets: tickets.map((numbers, i) => ({ numbers, score: r.scores[i]!, hits: sc.hits[i]! })),
        best_hits: sc.best_hits,
        best_ticket: sc.best_ticket,
        hits_histogram: sc.histogram,
        cost_cents: sc.cost_cents,
        prize_cents: sc.prize_cents,
        prize_estimated: sc.prize_estimated,
        best_of: formatBestOfLaw(decodeBestOfLaw(r.best_of)),
      });
      touched.add(s);
    }
    for (const s of touched) flush(s);
  };

  const chunks: Array<{ g: Group; units: Group['units'] }> = [];
  for (const g of groups) {
    for (const [from, to] of chunkBounds(g.units.length, env.pool.threads, g.states.length)) chunks.push({ g, units: g.units.slice(from, to) });
  }

  // Keep a bounded number of tasks in flight; each run's results are written in contest order.
  const inFlight = new Set<Promise<void>>();
  const maxInFlight = env.pool.threads * 2;
  for (const { g, units } of chunks) {
    if (env.signal?.aborted) break;
    const built = taskOf(g, units);
    if (!built) continue;
    // After Ctrl-C or a sweep's deadline, tasks still queued or running stop at their next
    // prediction (the shared flag) instead of finishing results nobody will write.
    const p: Promise<void> = env.pool
      .run(built.task)
      .then((results) => accept(g, built.used, results))
      .catch((e: unknown) => {
        if (env.signal?.aborted) return;
        for (const i of built.used) g.states[i]!.failure ??= e;
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
    if (inFlight.size >= maxInFlight) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  env.signal?.removeEventListener('abort', raise);
  for (const s of states) {
    try {
      flush(s);
    } catch (e) {
      s.failure ??= e; // a full disk, say: the run ends `failed` (resumable), never left `running`
    }
  }
  return states.map((s) => finishRun(env, s));
}

/**
 * How a group's contests are cut into tasks (guided scheduling): each chunk is a quarter of
 * what every thread would still get if the rest were shared evenly, at most
 * {@link MAX_CONTESTS_PER_TASK} contests and {@link PREDICTIONS_PER_TASK} predictions, never
 * under one contest. Chunks shrink as the range runs out, so the threads finish together: with
 * uniform chunks, the last one (about 140 ms for 7 `balanced` contests) ran alone while the
 * other threads idled. Chunking never changes results: each contest's random stream depends
 * only on the seed and the contest.
 */
export function chunkBounds(units: number, threads: number, runs: number): Array<[number, number]> {
  const cap = Math.max(1, Math.min(MAX_CONTESTS_PER_TASK, Math.ceil(PREDICTIONS_PER_TASK / Math.max(1, runs))));
  const out: Array<[number, number]> = [];
  for (let from = 0; from < units;) {
    const size = Math.max(1, Math.min(cap, Math.ceil((units - from) / (Math.max(1, threads) * 4))));
    out.push([from, Math.min(units, from + size)]);
    from += size;
  }
  return out;
}

/** Summarises a run from its file, records the outcome in the file and the index, closes the file. */
function finishRun(env: RunEnv, s: JobState): RunOutcome {
  const { job } = s;
  const { rf, recipe, plan } = job;
  let status: RunRow['status'] = s.failure !== undefined ? 'failed' : s.written < plan.targets.length ? 'cancelled' : 'completed';
  const totals = summarizeRunFile(rf, recipe.numbers_per_ticket, recipe.tickets, recipe.seed);
  const report = runReportOf({ run_id: job.run_id, file: rf.file, status, name: job.name, recipe_hash: job.recipe_hash, recipe }, plan, totals);
  const finishedAt = env.now().toISOString();
  let f = s.failure;
  // The stored error (file and index, shown by `runs show` and `GET /runs/{id}`) is the documented
  // message; the raw one (SQL text, table names) stays in the failure, for the log and stderr.
  let errorText = f === undefined ? null : userFacingMessage(f);
  try {
    rf.writeMeta({ status, finished_at: finishedAt, ...(errorText ? { error: errorText } : {}) });
    rf.writeSummary(report, finishedAt);
    rf.checkpoint();
  } catch (e) {
    // The file cannot take its outcome (a full disk): the index still says `failed`, never `running`.
    f ??= e;
    errorText ??= userFacingMessage(e);
    status = 'failed';
    report.status = status;
  } finally {
    rf.close();
  }
  const outcome = { status, owner: null, finished_at: finishedAt, error: errorText, ...buildRunIndexFigures(totals) };
  recordOutcome(env, job.run_id, outcome);
  env.onEvent?.({ type: 'summary', ...report });
  return f === undefined ? { report } : { report, failure: f, error: errorText ?? 'failed' };
}

/**
 * Writes a run's outcome into the index. On a full disk the catalog's WAL keeps growing until a
 * checkpoint lets the next write start over at its beginning: one checkpoint and a second try
 * usually record the outcome in space the WAL file already holds, so the run is not left
 * `running`.
 */
function recordOutcome(env: RunEnv, runId: string, outcome: Parameters<typeof updateRun>[2]): void {
  try {
    updateRun(env.catalog.db, runId, outcome);
  } catch (e) {
    if ((e as { code?: unknown }).code !== 'SQLITE_FULL') throw e;
    restartCatalogWal(env.catalog.db);
    updateRun(env.catalog.db, runId, outcome);
  }
}

/** A run's report: who it is, its plan (range, missing contests, draws) and its totals, as this engine writes it. */
export function runReportOf(
  run: { run_id: string; file: string; status: RunRow['status']; name: string | null; recipe_hash: string; recipe: Pick<Recipe, 'strategy' | 'seed'> },
  plan: RunPlan,
  totals: RunTotals,
): RunReport {
  return {
    run_id: run.run_id,
    file: run.file,
    status: run.status,
    name: run.name,
    recipe_hash: run.recipe_hash,
    strategy: run.recipe.strategy,
    seed: run.recipe.seed,
    first_contest: plan.first_contest,
    last_contest: plan.last_contest,
    missing_contests: plan.missing,
    short_history_contests: plan.short_history,
    synthetic_data: plan.synthetic,
    dataset_hash: plan.dataset_hash,
    engine_version: ENGINE_VERSION,
    ...totals,
  };
}
