/**
 * One long queued run split into contest chunks across workers (`simulate --chunks N`): the run is
 * planned once under one run id, its contests are cut into N contiguous chunks of near-equal
 * size, each chunk goes to the queue as an ordinary run payload (its history window plus its
 * contests), the chunks' run files are checked as they come back and merged, in contest order,
 * into one run file identical to a local run's, which is registered exactly as `runs import` does.
 *
 * Why a chunk equals those contests of a whole run: a contest's tickets depend only on the recipe,
 * the seed, the contest and the `history` draws before it (`core/predictor/index.ts` seeds its
 * random stream with (seed, contest); the window ends before the contest, `core/draw.ts`
 * historyWindow), and a chunk's payload carries exactly that window for each of its contests.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { PricePeriod } from '../../core/finance/prices.js';
import type { PayoutRule } from '../../core/finance/prizes.js';
import type { RemoteRunPayload, RemoteRunResult } from '../../core/remote-run.js';
import { LuckyError, isLuckyError } from '../../errors.js';
import type { Catalog } from '../../store/catalog.js';
import { makePrivateDir } from '../../store/private-files.js';
import { readPayoutRule, readPriceTable } from '../../store/prices-repo.js';
import { mergeRunFiles } from '../../store/run-file-merge.js';
import { openRunFile, parseRunId, runFilePath, runsDir } from '../../store/run-file.js';
import { hashDraws, planRun } from '../plan.js';
import type { ResolvedRun } from '../run-request.js';
import { ENGINE_VERSION, type RunEvent, type RunReport } from '../run-types.js';
import { checkRunFile, importRunFile, readRunReport } from '../runs.js';
import { runReportOf } from '../run-executor.js';
import { summarizeRunFile } from '../summarize.js';
import { type SubmitOptions, buildRemotePayload, submitRemoteRun, writeReturnedRunFile } from './submit.js';

/** One chunk of a split run: its place, its contests and the payload that carries them. */
export interface RunChunk {
  /** 1-based */
  index: number;
  count: number;
  /** the chunk's own run id (and job id): `<run id>-c<index>of<count>` */
  run_id: string;
  from: number;
  to: number;
  /** the contests it simulates, ascending (the whole run's targets in from..to) */
  contests: number[];
  payload: RemoteRunPayload;
}

/**
 * `items` cut into `n` contiguous parts of near-equal size, as `[start, end)` pairs: the first
 * `items % n` parts hold one more. `n` is between 1 and `items`.
 */
export function splitEvenly(items: number, n: number): Array<[number, number]> {
  const base = Math.floor(items / n);
  const extra = items % n;
  const out: Array<[number, number]> = [];
  let start = 0;
  for (let k = 0; k < n; k++) {
    const end = start + base + (k < extra ? 1 : 0);
    out.push([start, end]);
    start = end;
  }
  return out;
}

/** The run id of chunk `index` of `count` of run `runId`. */
export function chunkRunId(runId: string, index: number, count: number): string {
  return parseRunId(`${runId}-c${index}of${count}`);
}

/**
 * Cuts a resolved run into `count` chunks under `runId`. Each chunk is planned with the same
 * planner as the whole run (so its dataset hash is the one a worker recomputes) and must see the
 * very draws the whole run's plan gives its contests: E_CONFLICT when the catalog changed since
 * the run was planned. E_INPUT_INVALID when `count` is not between 1 and the run's contests.
 */
export function planRunChunks(
  catalog: Catalog,
  resolved: ResolvedRun,
  runId: string,
  count: number,
  frozen: { prices: readonly PricePeriod[]; rule: PayoutRule },
): RunChunk[] {
  const { plan, request } = resolved;
  const history = request.recipe.history;
  if (!Number.isInteger(count) || count < 1 || count > plan.targets.length)
    throw new LuckyError('E_INPUT_INVALID', `chunks: between 1 and the run's ${plan.targets.length} contest(s), got ${count}`);
  return splitEvenly(plan.targets.length, count).map(([a, b], i) => {
    const targets = plan.targets.slice(a, b);
    const from = targets[0]!.contest;
    const to = targets.at(-1)!.contest;
    const chunkPlan = planRun(catalog.db, { from, to }, history);
    const seen = plan.draws.slice(Math.max(0, plan.target_index[a]! - history), plan.target_index[b - 1]! + 1);
    if (chunkPlan.dataset_hash !== hashDraws(seen) || chunkPlan.targets.length !== targets.length)
      throw new LuckyError('E_CONFLICT', `the draws of contests ${from}..${to} changed since the run was planned: start it again`);
    const id = chunkRunId(runId, i + 1, count);
    const chunkRequest = { ...request, from, to, dataset_hash: chunkPlan.dataset_hash };
    return {
      index: i + 1,
      count,
      run_id: id,
      from,
      to,
      contests: targets.map((d) => d.contest),
      payload: buildRemotePayload(catalog, { request: chunkRequest, plan: chunkPlan }, id, frozen),
    };
  });
}

/** A chunk's run file once checked: where it is and the `contest` events of its contests. */
interface CheckedChunk {
  file: string;
  events: RunEvent[];
}

/**
 * Writes a chunk's returned run file into `dir` and checks it without registering it: it
 * decompresses, passes its integrity check, is the chunk that was queued (id, recipe and its hash,
 * range, dataset hash, engine version, price table, payout rule, status `completed`), holds
 * exactly the chunk's contests, and every stored figure matches its own contests and tickets
 * (the audit `runs import` makes). E_DATA_INVALID otherwise. Returns its `contest` events for
 * the whole run `runId`.
 */
export function checkChunkFile(dir: string, chunk: RunChunk, result: RemoteRunResult, runId: string): CheckedChunk {
  const p = chunk.payload;
  const invalid = (message: string, details: string[] = []) => new LuckyError('E_DATA_INVALID', `the run file of ${p.run_id} ${message}`, details);
  const file = join(dir, `${p.run_id}.sqlite`);
  // its identity (id, recipe hash, range, dataset hash, engine, prices, payout rule, completed)
  writeReturnedRunFile(file, p, result);
  // its integrity, its recipe against its hash, every stored figure recomputed (as `runs import`)
  checkRunFile(file);
  const rf = openRunFile(file, { mustExist: true, readonly: true });
  try {
    const rows = rf.contests();
    const got = rows.map((r) => r.contest).join(',');
    if (got !== chunk.contests.join(','))
      throw invalid(`holds contests other than ${chunk.from}..${chunk.to}`, [`expected ${chunk.contests.length}, got ${rows.length}`]);
    const hits = new Map<number, number[]>();
    for (const t of rf.iterateTickets()) hits.set(t.contest, [...(hits.get(t.contest) ?? []), t.hits]);
    const events: RunEvent[] = rows.map((r) => ({
      type: 'contest',
      run_id: runId,
      contest: r.contest,
      draw: r.balls,
      best_hits: r.best_hits,
      best_ticket: r.best_ticket,
      hits: hits.get(r.contest) ?? [],
      cost_cents: r.cost_cents,
      prize_cents: r.prize_cents,
    }));
    return { file, events };
  } finally {
    rf.close();
  }
}

/** What a split run needs: the catalog, the queue, a clock, and optionally a signal and progress. */
export interface ChunkedRunEnv {
  catalog: Catalog;
  queue_url: string;
  now: () => Date;
  signal?: AbortSignal | undefined;
  onEvent?: ((e: RunEvent) => void) | undefined;
  /** handed to each chunk's {@link submitRemoteRun}: patience, connection log lines, progress */
  queue_options?: Pick<SubmitOptions, 'patience_ms' | 'log' | 'onProgress'> | undefined;
  /** how a payload is queued and waited for (tests run payloads in-process); default {@link submitRemoteRun} */
  submit?: ((url: string, payload: RemoteRunPayload, opts: SubmitOptions) => Promise<RemoteRunResult>) | undefined;
}

/** A chunk's failure as the run's: its code kept, the chunk named. */
function chunkFailure(runId: string, chunk: RunChunk, e: unknown): LuckyError {
  const where = `chunk ${chunk.index} of ${chunk.count} (contests ${chunk.from}..${chunk.to}) of run ${runId}`;
  if (isLuckyError(e)) return new LuckyError(e.code, `${where}: ${e.message}`, e.details, { cause: e });
  return new LuckyError('E_INTERNAL', `${where} failed: ${(e as Error)?.message ?? String(e)}`, [], { cause: e });
}

/**
 * Runs a resolved run as `count` chunks on the queue under `runId` and registers the merged run
 * file exactly as `runs import` does. Events: `run_start` once (the whole run), each chunk's
 * `contest` events once it and every chunk before it came back and passed its checks, then
 * `summary`. The chunks are queued concurrently; the first chunk refused or failing fails the run
 * with that chunk named and its code kept (the chunks no worker has taken are withdrawn); when
 * `env.signal` aborts, E_INTERRUPTED (the same withdrawal). Either way nothing is registered and
 * no file is left in `runs/`. Returns the run's report, as a local run's.
 */
export async function runChunksOnQueue(env: ChunkedRunEnv, resolved: ResolvedRun, runId: string, count: number): Promise<RunReport> {
  const { catalog } = env;
  const { plan, request } = resolved;
  const frozen = { prices: readPriceTable(catalog.db), rule: readPayoutRule(catalog.db) };
  const chunks = planRunChunks(catalog, resolved, runId, count, frozen);
  const createdAt = env.now().toISOString();
  const finalFile = runFilePath(catalog.dataDir, runId);
  env.onEvent?.({
    type: 'run_start',
    run_id: runId,
    file: finalFile,
    first_contest: plan.first_contest,
    last_contest: plan.last_contest,
    contests: plan.targets.length,
    remaining: plan.targets.length,
    missing_contests: plan.missing,
    synthetic_data: plan.synthetic,
  });
  makePrivateDir(runsDir(catalog.dataDir));
  // a dot folder: never taken for a run file; removed whatever happens
  const work = join(runsDir(catalog.dataDir), `.chunks-${runId}`);
  makePrivateDir(work);
  try {
    const files = await collectChunks(env, chunks, runId, work);
    const merged = join(work, `${runId}.sqlite`);
    mergeRunFiles(merged, files, {
      run_id: runId,
      name: request.name,
      recipe_json: request.recipe_json,
      recipe_hash: request.recipe_hash,
      seed: request.recipe.seed,
      dataset_hash: plan.dataset_hash,
      engine_version: ENGINE_VERSION,
      first_contest: plan.first_contest,
      last_contest: plan.last_contest,
      synthetic: plan.synthetic ? 1 : 0,
      status: 'completed',
      missing_contests: JSON.stringify(plan.missing),
      short_history_contests: JSON.stringify(plan.short_history),
      prices: JSON.stringify(frozen.prices),
      payout_rule: frozen.rule,
      created_at: createdAt,
      finished_at: env.now().toISOString(),
    });
    writeMergedSummary(merged, finalFile, resolved, runId);
    importRunFile(catalog, merged);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const report = readRunReport(catalog, runId);
  if (!report) throw new LuckyError('E_DATA_INVALID', `the merged run file of run ${runId} holds no report`);
  env.onEvent?.({ type: 'summary', ...report });
  return report;
}

/**
 * Queues every chunk at once and waits for all of them; each result is checked as it arrives
 * ({@link checkChunkFile}) and its contest events released in contest order. Returns the chunk
 * files in contest order, or throws the first chunk failure (or E_INTERRUPTED).
 */
async function collectChunks(env: ChunkedRunEnv, chunks: readonly RunChunk[], runId: string, work: string): Promise<string[]> {
  const submit = env.submit ?? submitRemoteRun;
  // one signal for every chunk: the caller's, or the first failure (the other chunks are withdrawn)
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  if (env.signal?.aborted) stop.abort();
  else env.signal?.addEventListener('abort', onAbort, { once: true });
  const checked: Array<CheckedChunk | undefined> = chunks.map(() => undefined);
  let released = 0;
  let failure: LuckyError | undefined;
  try {
    await Promise.all(
      chunks.map(async (chunk, i) => {
        try {
          const result = await submit(env.queue_url, chunk.payload, { ...env.queue_options, signal: stop.signal });
          if (stop.signal.aborted) return;
          checked[i] = checkChunkFile(work, chunk, result, runId);
          while (failure === undefined && checked[released] !== undefined) for (const e of checked[released++]!.events) env.onEvent?.(e);
        } catch (e) {
          // a chunk withdrawn because another failed (or Ctrl-C) is not the cause
          if (failure === undefined && !(stop.signal.aborted && isLuckyError(e) && e.code === 'E_INTERRUPTED')) {
            failure = chunkFailure(runId, chunk, e);
            stop.abort();
          }
        }
      }),
    );
  } finally {
    env.signal?.removeEventListener('abort', onAbort);
  }
  if (failure) throw failure;
  if (env.signal?.aborted) throw new LuckyError('E_INTERRUPTED', `run ${runId} was withdrawn from the queue: its chunks no worker had taken were removed`);
  return checked.map((c) => c!.file);
}

/** The merged file's summary, as a local run's `finishRun` writes it: the run's identity and the totals of its rows. */
function writeMergedSummary(merged: string, finalFile: string, resolved: ResolvedRun, runId: string): void {
  const { plan, request } = resolved;
  const recipe = request.recipe;
  const rf = openRunFile(merged, { mustExist: true });
  try {
    const meta = rf.readMeta();
    const report = runReportOf(
      { run_id: runId, file: finalFile, status: 'completed', name: request.name, recipe_hash: request.recipe_hash, recipe },
      plan,
      summarizeRunFile(rf, recipe.numbers_per_ticket, recipe.tickets, recipe.seed),
    );
    rf.writeSummary(report, meta.finished_at!);
    rf.checkpoint();
  } finally {
    rf.close();
  }
}
