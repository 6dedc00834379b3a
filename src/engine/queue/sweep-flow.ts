/**
 * A sweep's cells run on `luckyfive worker`s through the queue: the sweep is a BullMQ flow whose
 * parent (job id `sweep-<sweep id>`, in {@link SWEEP_QUEUE}, which no worker takes) has one child
 * per cell on the run queue (job name `cell`, job id = the cell's run id, recorded on the cell
 * before it is queued). The coordinator collects each result as it completes (queue events, and
 * every `poll_ms` each job's state, so a missed event never loses a result), registers the run
 * file as `runs import` would, marks the cell and removes the job. Detaching (Ctrl-C, a deadline,
 * Redis gone too long) leaves queued and running cells in Redis: the next `sweep --resume` collects
 * what finished meanwhile, waits for the live jobs, and queues only cells with neither a completed
 * run nor a live job.
 */
import { rmSync } from 'node:fs';
import { FlowProducer, type Job, Queue, QueueEvents } from 'bullmq';
import type { Recipe } from '../../core/recipe/schema.js';
import { buildResolvedRequest } from '../../core/run-request.js';
import { type RemoteRunPayload, RemoteRunProgressSchema, RemoteRunResultSchema } from '../../core/remote-run.js';
import { cellLabel } from '../../core/sweep/apply-params.js';
import type { ParamValue } from '../../core/sweep/values.js';
import { LuckyError, isLuckyError } from '../../errors.js';
import { readPayoutRule, readPriceTable } from '../../store/prices-repo.js';
import { runFilePath } from '../../store/run-file.js';
import { getRun } from '../../store/runs-repo.js';
import { type CellRow, attachRunToSweep, countCells, updateCell } from '../../store/sweeps-repo.js';
import type { RunPlan } from '../plan.js';
import type { RunEnv } from '../run-types.js';
import { freshRunId } from '../sweep/cell-runs.js';
import { RUN_QUEUE, closeQueueObjects, connectQueue, watchConnection } from './connection.js';
import { RUN_JOB_OPTIONS, buildRemotePayload, cancelQueuedRun, registerRemoteRun, remoteFailure } from './submit.js';

/** The queue that holds each sweep's parent job; no worker takes from it. */
export const SWEEP_QUEUE = 'luckyfive-sweeps';

/** The job name of a sweep cell on the run queue (a single `simulate` is `run`). */
export const CELL_JOB_NAME = 'cell';

/** How many cells go to Redis per call (each carries its draws). */
const ENQUEUE_BATCH = 32;

/** How long the coordinator waits, after a deadline, for the running cells to stop at a contest boundary. */
const DEADLINE_GRACE_MS = 5_000;

/** The job id of a sweep's parent job. */
export function sweepParentId(sweepId: string): string {
  return `sweep-${sweepId}`;
}

/** Job states in which a cell's job still lives: it will run, or is running. */
const LIVE_STATES = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'waiting-parent']);

/** A cell the coordinator may have to queue: its row, recipe and plan, and its run's name. */
export interface FlowCell {
  cell: CellRow;
  recipe: Recipe;
  plan: RunPlan;
  name: string;
}

/** A cell in flight on a worker, as its progress says. */
export interface CellInFlight {
  cell_index: number;
  run_id: string;
  worker: string;
  done: number;
  total: number;
  contest: number;
}

/** A sweep's progress: cells done and failed of all, and (on a queue) the cells in flight. */
export interface SweepProgress {
  cells_done: number;
  cells_failed: number;
  cells_total: number;
  /** on a queue: the cells a worker holds, with their contests done */
  in_flight?: CellInFlight[] | undefined;
}

export interface QueueCellsOptions {
  /** `queue_url` */
  url: string;
  /** how long Redis may stay unreachable before the coordinator gives up (E_QUEUE_DOWN) */
  patience_ms: number;
  /** connection trouble, stalled cells, failed cells: one line each */
  log: (line: string) => void;
  /** queue at most this many cells in this invocation */
  max_cells: number;
  /** epoch ms: no worker starts a cell after it, running cells stop at a contest boundary, and the coordinator detaches */
  deadline?: number | undefined;
  /** Ctrl-C: detach, leaving the cells in Redis */
  signal?: AbortSignal | undefined;
  /** how often each live cell's state is read besides the events (default 2 s) */
  poll_ms?: number | undefined;
  onProgress?: ((p: SweepProgress) => void) | undefined;
}

/** What a queued sweep invocation did. */
export interface QueueCellsOutcome {
  /** cells this invocation queued */
  queued: number;
  /** results registered by this invocation (queued now or earlier) */
  collected: number;
  /** cells whose job BullMQ recovered from a worker that stopped answering */
  stalled: number;
  /** why it stopped waiting with cells left; null when every cell has an outcome */
  stop: 'max_cells' | 'deadline' | 'interrupted' | null;
}

/**
 * Runs `todo` (a sweep's cells without a completed run, in index order) on the queue at
 * `opts.url`, see the module comment. E_QUEUE_DOWN when Redis does not answer, or stays away
 * longer than the patience (nothing is lost: `--resume` continues).
 */
export async function runCellsOnQueue(
  env: RunEnv,
  sweepId: string,
  cellsTotal: number,
  todo: readonly FlowCell[],
  opts: QueueCellsOptions,
): Promise<QueueCellsOutcome> {
  const db = env.catalog.db;
  const redis = await connectQueue(opts.url);
  const watch = watchConnection(redis, opts.url, opts.patience_ms, opts.log);
  const runs = new Queue(RUN_QUEUE, { connection: redis });
  const parents = new Queue(SWEEP_QUEUE, { connection: redis });
  const flow = new FlowProducer({ connection: redis });
  const events = new QueueEvents(RUN_QUEUE, { connection: redis });
  // connection trouble is the watch's to report, and each call's to fail
  for (const o of [runs, parents, flow, events]) (o as { on(e: 'error', f: () => void): void }).on('error', () => undefined);
  const parentId = sweepParentId(sweepId);
  const frozen = { prices: readPriceTable(db), rule: readPayoutRule(db) };
  const payloadOf = (t: FlowCell, runId: string): RemoteRunPayload => {
    const request = buildResolvedRequest({
      preset: null,
      recipe_name: null,
      recipe: t.recipe,
      from: t.plan.first_contest,
      to: t.plan.last_contest,
      name: t.name,
      threads: null,
      dataset_hash: t.plan.dataset_hash,
    });
    const p = buildRemotePayload(env.catalog, { request, plan: t.plan }, runId, frozen);
    return opts.deadline === undefined ? p : { ...p, not_after: new Date(opts.deadline).toISOString() };
  };
  const label = (t: FlowCell) => `cell ${t.cell.cell_index} (${cellLabel(JSON.parse(t.cell.params_json) as Record<string, ParamValue>)})`;

  /** live jobs: run id -> cell */
  const live = new Map<string, FlowCell>();
  const inFlight = new Map<string, CellInFlight>();
  const outcome: QueueCellsOutcome = { queued: 0, collected: 0, stalled: 0, stop: null };
  let wake: () => void = () => undefined;
  const progress = () => {
    const c = countCells(db, sweepId);
    opts.onProgress?.({ cells_done: c.completed, cells_failed: c.failed, cells_total: cellsTotal, in_flight: [...inFlight.values()] });
  };

  /** Adds cells to the flow (the parent first when Redis has none), each under its recorded run id. */
  const enqueue = async (batch: Array<{ t: FlowCell; runId: string }>): Promise<void> => {
    const children = batch.map(({ t, runId }) => ({
      name: CELL_JOB_NAME,
      queueName: RUN_QUEUE,
      data: payloadOf(t, runId),
      // a failed cell must not hold the parent: the coordinator reads each cell's own state
      opts: { ...RUN_JOB_OPTIONS, jobId: runId, ignoreDependencyOnFailure: true },
    }));
    if (await parents.getJob(parentId)) {
      await runs.addBulk(children.map((c) => ({ ...c, opts: { ...c.opts, parent: { id: parentId, queue: parents.qualifiedName } } })));
    } else {
      await flow.add({ name: 'sweep', queueName: SWEEP_QUEUE, data: { sweep_id: sweepId }, opts: { jobId: parentId }, children });
    }
  };

  const forget = (runId: string) => {
    live.delete(runId);
    inFlight.delete(runId);
    if (live.size === 0) wake();
  };

  const collect = async (job: Job, t: FlowCell): Promise<void> => {
    const runId = job.id!;
    const i = t.cell.cell_index;
    if (getRun(db, runId)?.status === 'completed') {
      // registered by an earlier coordinator that died before removing the job: never twice
      updateCell(db, sweepId, i, { status: 'completed', error: null });
    } else {
      try {
        const parsed = RemoteRunResultSchema.safeParse(job.returnvalue);
        if (!parsed.success || parsed.data.run_id !== runId) throw new LuckyError('E_DATA_INVALID', `the worker's result for run ${runId} is not a run file`);
        if (!getRun(db, runId)) {
          // a coordinator killed while registering may have left the file without its index row
          const file = runFilePath(env.catalog.dataDir, runId);
          for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
        }
        await registerRemoteRun(env.catalog, payloadOf(t, runId), parsed.data, env.pool);
        attachRunToSweep(db, runId, sweepId);
        updateCell(db, sweepId, i, { status: 'completed', error: null });
        outcome.collected++;
      } catch (e) {
        if (!isLuckyError(e)) throw e;
        updateCell(db, sweepId, i, { status: 'failed', error: `${e.code}: ${e.message}` });
        opts.log(`${label(t)} failed: ${e.code}: ${e.message}`);
      }
    }
    await job.remove().catch(() => undefined);
    forget(runId);
    progress();
  };

  const failed = async (job: Job, t: FlowCell): Promise<void> => {
    const runId = job.id!;
    const reason = job.failedReason ?? 'failed';
    if (/^E_INTERRUPTED\b/.test(reason)) {
      // stopped by the deadline (or a cancel): to be run again, from its first contest
      updateCell(db, sweepId, t.cell.cell_index, { status: 'pending', error: null });
    } else {
      const e = remoteFailure(runId, reason);
      updateCell(db, sweepId, t.cell.cell_index, { status: 'failed', error: `${e.code}: ${e.message}` });
      opts.log(`${label(t)} failed after ${job.attemptsMade} attempt(s): ${e.code}: ${e.message}`);
    }
    await job.remove().catch(() => undefined);
    forget(runId);
    progress();
  };

  const settling = new Set<string>();
  /** Reads one live cell's job and acts on a final state; a job Redis lost is queued again. */
  const settle = async (runId: string): Promise<void> => {
    const t = live.get(runId);
    if (!t || settling.has(runId) || watch.down()) return;
    settling.add(runId);
    try {
      // the state alone first (one small script): the job's data (its draws) only when it is final
      const state = await runs.getJobState(runId);
      if (!live.has(runId)) return;
      if (state === 'unknown') {
        // Redis restarted without its data: the cell was never collected, so queue it again
        if (getRun(db, runId)?.status === 'completed') {
          updateCell(db, sweepId, t.cell.cell_index, { status: 'completed', error: null });
          forget(runId);
        } else if (!watch.down()) {
          opts.log(`${label(t)}: Redis lost its job ${runId}; queued again`);
          await enqueue([{ t, runId }]);
        }
        return;
      }
      if (state !== 'completed' && state !== 'failed') return;
      const job = await runs.getJob(runId);
      if (!job) return;
      if (state === 'completed') await collect(job, t);
      else await failed(job, t);
    } finally {
      settling.delete(runId);
    }
  };
  const settleQuietly = (runId: string) => void settle(runId).catch(() => undefined);

  events.on('completed', ({ jobId }) => settleQuietly(jobId));
  // a failure with attempts left comes back as waiting: settle reads the job's own state
  events.on('failed', ({ jobId }) => settleQuietly(jobId));
  events.on('stalled', ({ jobId }) => {
    const t = live.get(jobId);
    if (!t) return;
    outcome.stalled++;
    inFlight.delete(jobId);
    opts.log(`${label(t)} stalled: its worker stopped answering; BullMQ gives run ${jobId} to another worker`);
  });
  events.on('progress', ({ jobId, data }) => {
    const t = live.get(jobId);
    const p = RemoteRunProgressSchema.safeParse(data);
    if (!t || !p.success) return;
    inFlight.set(jobId, { cell_index: t.cell.cell_index, run_id: jobId, ...p.data });
    progress();
  });

  const poll = setInterval(() => {
    if (!watch.down()) for (const id of live.keys()) settleQuietly(id);
  }, opts.poll_ms ?? 2_000);
  const now = () => env.now().getTime();
  let deadlineTimer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    // 1-2 wait on Redis: a Redis gone longer than the patience ends them too
    const setUp = async (): Promise<void> => {
      await events.waitUntilReady();
      // 1. what Redis still holds of this sweep: results to collect, live jobs to wait for
      const toQueue: FlowCell[] = [];
      for (const t of todo) {
        const runId = t.cell.run_id;
        const job = runId ? await runs.getJob(runId) : undefined;
        if (!runId || !job) {
          toQueue.push(t);
          continue;
        }
        live.set(runId, t);
        // no event or poll acts on this cell while it is looked at here
        settling.add(runId);
        try {
          const state = await job.getState();
          if (state === 'completed') await collect(job, t);
          else if (state === 'failed' || !LIVE_STATES.has(state)) {
            // a failure met while no coordinator watched: run again, as a local resume does
            await job.remove().catch(() => undefined);
            forget(runId);
            toQueue.push(t);
          } else updateCell(db, sweepId, t.cell.cell_index, { status: 'running', error: null });
        } finally {
          settling.delete(runId);
        }
      }
      progress();
      // 2. queue the rest, up to --max-cells, each under the run id recorded on its cell first
      const take = opts.deadline !== undefined && now() >= opts.deadline ? 0 : Math.min(toQueue.length, opts.max_cells);
      for (let k = 0; k < take; k += ENQUEUE_BATCH) {
        if (opts.signal?.aborted) break;
        const batch = toQueue.slice(k, Math.min(take, k + ENQUEUE_BATCH)).map((t) => {
          const existing = t.cell.run_id ? getRun(db, t.cell.run_id) : undefined;
          // a run id with an index row is a local run that stopped part-way: the queued one gets a fresh id
          const runId = t.cell.run_id && !existing ? t.cell.run_id : freshRunId(env);
          const file = runFilePath(env.catalog.dataDir, runId);
          for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
          updateCell(db, sweepId, t.cell.cell_index, { run_id: runId, status: 'running', error: null });
          return { t, runId };
        });
        await enqueue(batch);
        for (const b of batch) live.set(b.runId, b.t);
        outcome.queued += batch.length;
      }
      if (take < toQueue.length && !(opts.deadline !== undefined && now() >= opts.deadline)) outcome.stop = 'max_cells';
      else if (take < toQueue.length) outcome.stop = 'deadline';
    };
    const ready = setUp();
    ready.catch(() => undefined);
    await Promise.race([ready, watch.lost]);

    // 3. wait for every live cell, the deadline, Ctrl-C or Redis gone too long
    const allDone = new Promise<'done'>((resolve) => {
      wake = () => resolve('done');
      if (live.size === 0) resolve('done');
    });
    const aborted = new Promise<'interrupted'>((resolve) => {
      onAbort = () => resolve('interrupted');
      if (opts.signal?.aborted) onAbort();
      else opts.signal?.addEventListener('abort', onAbort, { once: true });
    });
    const timeUp = new Promise<'deadline'>((resolve) => {
      if (opts.deadline === undefined) return;
      deadlineTimer = setTimeout(() => resolve('deadline'), Math.max(0, opts.deadline - now()));
    });
    const first = await Promise.race([allDone, aborted, timeUp, watch.lost]);
    if (first === 'deadline') {
      // withdraw what no worker has taken; the running cells stop at their next contest (not_after)
      for (const [id, t] of [...live]) {
        if ((await cancelQueuedRun(runs, id).catch(() => 'gone')) === 'withdrawn') {
          updateCell(db, sweepId, t.cell.cell_index, { status: 'pending', error: null });
          forget(id);
        }
      }
      const grace = new Promise<'grace'>((resolve) => setTimeout(() => resolve('grace'), DEADLINE_GRACE_MS).unref());
      for (let i = 0; i < 10 && live.size > 0; i++) {
        for (const id of live.keys()) settleQuietly(id);
        if ((await Promise.race([allDone, aborted, grace, watch.lost, new Promise((r) => setTimeout(r, 500))])) !== undefined) break;
      }
      outcome.stop = 'deadline';
    } else if (first === 'interrupted') outcome.stop = 'interrupted';
    // every cell that is not done is in Redis or pending: the sweep is resumable
    if (live.size > 0 && outcome.stop === null) outcome.stop = 'interrupted';
    // the parent keeps a copy of every result: dropped once the sweep has no cell left to run
    const left = countCells(db, sweepId);
    if (left.pending + left.running === 0) await (await parents.getJob(parentId))?.remove().catch(() => undefined);
    return outcome;
  } finally {
    clearInterval(poll);
    clearTimeout(deadlineTimer);
    if (onAbort) opts.signal?.removeEventListener('abort', onAbort);
    watch.dispose();
    await closeQueueObjects(redis, [events, flow, parents, runs]);
  }
}
