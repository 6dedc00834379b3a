/** `luckyfive worker`: take runs from the queue (`queue_url`) and execute them until SIGTERM or Ctrl-C. */
import { hostname } from 'node:os';
import type { Command } from 'commander';
import { type CliContext, parseIntFlag } from '../context.js';

interface WorkerFlags {
  queue?: string;
  concurrency?: string;
  threads?: string;
  name?: string;
  lockTimeout?: string;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('worker')
    .option('--queue <url>', 'Redis URL of the run queue (default: queue_url, env LUCKYFIVE_QUEUE_URL)')
    .option('--concurrency <n>', 'runs taken at once (default 1)')
    .option('--threads <n>', 'worker threads the runs share (default: number of cores; env LUCKYFIVE_THREADS)')
    .option('--name <id>', 'this worker in its log lines (default: host name and process id)')
    .option('--lock-timeout <s>', "seconds a held run's lock lasts without renewal: a dead worker's run goes to another worker after it (default 30)")
    .action(async (opts: WorkerFlags) => {
      const concurrency = parseIntFlag('concurrency', opts.concurrency, 1, 64) ?? 1;
      const threadsFlag = parseIntFlag('threads', opts.threads, 1, 256);
      const lockTimeout = parseIntFlag('lock-timeout', opts.lockTimeout, 1, 3600);
      const config = ctx.config(opts.queue !== undefined ? { queue_url: opts.queue } : {}).values;
      const { requireQueueUrl, runQueueWorker } = await import('../../usecases/queue-worker.js');
      // refused before any thread starts
      requireQueueUrl({ config }, {});
      const { createPredictPool } = await import('../../engine/pool.js');
      const name = opts.name ?? `${hostname()}-${process.pid}`;
      const pool = createPredictPool(threadsFlag ?? config.threads);
      ctx.onCleanup(() => pool.close());
      const log = (line: string) => ctx.out.info(line);
      const summary = await runQueueWorker(
        { config, pool, signal: ctx.signal },
        { concurrency, name, log, lock_timeout_s: lockTimeout, onReady: () => log(`${name}: waiting for runs (concurrency ${concurrency})`) },
      );
      log(`${name}: stopped after ${summary.completed} run(s) done, ${summary.failed} failed`);
    });
}
