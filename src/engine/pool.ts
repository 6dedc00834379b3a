/**
 * The piscina pool running the predictor. The worker file is found next to this module: the
 * compiled `.js` in dist/, or, from source under tsx and vitest, `predict.worker.source.mjs`,
 * which loads the `.ts` worker as an ES module (see there why).
 */
import { setMaxListeners } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { ImportOutcome, ImportTask } from '../import/import-task.js';
import type { PairTestResult, PairTestsTask } from './compare-tests.js';
import type { PredictResult, PredictTask } from './predict.worker.js';
import type { CheckRunFileOutcome } from './runs.js';

/** Tasks one abort signal may have queued at once before Node's listener-leak warning fires. */
const MAX_TASKS_PER_SIGNAL = 10_000;

/** The tasks of `tasks.worker.ts` by name: [input, output]. */
export interface PoolTasks {
  comparePairs: [PairTestsTask, PairTestResult[]];
  importFile: [ImportTask, ImportOutcome];
  checkRunFile: [{ path: string }, CheckRunFileOutcome];
}
export type PoolTaskName = keyof PoolTasks;

export interface PredictPool {
  readonly threads: number;
  run(task: PredictTask, signal?: AbortSignal): Promise<PredictResult[]>;
  /**
   * Another kind of task on the same threads (see `tasks.worker.ts`). Optional so in-process
   * test pools need not provide it; callers then run the pure function in-process.
   */
  runTask?<K extends PoolTaskName>(name: K, task: PoolTasks[K][0], signal?: AbortSignal): Promise<PoolTasks[K][1]>;
  /**
   * Tasks of every kind given to the pool and not yet settled (queued or running). An aborted
   * task settles at once: piscina drops it from the queue, or stops the thread running it.
   */
  readonly inFlight?: number;
  close(): Promise<void>;
}

export function createPredictPool(threads: number): PredictPool {
  const fromSource = import.meta.url.endsWith('.ts');
  const filename = fileURLToPath(new URL(fromSource ? './predict.worker.source.mjs' : './predict.worker.js', import.meta.url));
  const tasksFile = fileURLToPath(new URL(fromSource ? './tasks.worker.source.mjs' : './tasks.worker.js', import.meta.url));
  const pool = new Piscina<unknown, unknown>({
    filename,
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: 30_000,
    execArgv: [],
  });
  let inFlight = 0;
  // Each queued task listens on its caller's signal until it ends; one run or compare queues many
  // tasks under one signal, so Node's leak warning (more than 10 listeners) would fire on a
  // legitimate queue. The bound stays finite, so a real leak still warns.
  const widened = new WeakSet<AbortSignal>();
  const withSignal = (signal: AbortSignal | undefined): { signal?: AbortSignal } => {
    if (!signal) return {};
    if (!widened.has(signal)) {
      setMaxListeners(MAX_TASKS_PER_SIGNAL, signal);
      widened.add(signal);
    }
    return { signal };
  };
  const counted = <T>(p: Promise<T>): Promise<T> => {
    inFlight++;
    return p.finally(() => inFlight--);
  };
  return {
    threads,
    run: (task, signal) => counted(pool.run(task, withSignal(signal)) as Promise<PredictResult[]>),
    runTask: <K extends PoolTaskName>(name: K, task: PoolTasks[K][0], signal?: AbortSignal) =>
      counted(pool.run(task, { filename: tasksFile, name, ...withSignal(signal) }) as Promise<PoolTasks[K][1]>),
    get inFlight() {
      return inFlight;
    },
    close: () => pool.destroy(),
  };
}

/**
 * A share of a pool: at most `threads` of its tasks run at once, and `close()` leaves the pool
 * open. The server has one pool; a request asking for fewer threads gets a share of it. Results
 * do not depend on the thread count, only the speed does.
 */
export function sharePool(pool: PredictPool, threads: number): PredictPool {
  const limit = Math.max(1, Math.min(threads, pool.threads));
  let active = 0;
  const waiting: Array<() => void> = [];
  const runTask = pool.runTask?.bind(pool);
  return {
    threads: limit,
    ...(runTask ? { runTask } : {}),
    run: async (task, signal) => {
      // A finishing task hands its slot straight to the next waiter, so the count never overshoots.
      if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
      else active++;
      try {
        return await pool.run(task, signal);
      } finally {
        const next = waiting.shift();
        if (next) next();
        else active--;
      }
    },
    close: () => Promise.resolve(),
  };
}
