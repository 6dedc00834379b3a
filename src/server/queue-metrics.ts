/**
 * Run-queue metrics, with `queue_url` set: `luckyfive_queue_up` (0 when its Redis does not
 * answer: the other gauges are then absent, the scrape never fails), `luckyfive_queue_jobs{state}`
 * (waiting, active, delayed, prioritized, waiting-children, failed, completed) and
 * `luckyfive_queue_workers`, read from Redis when `/metrics` is scraped (at most
 * {@link SCRAPE_READ_MS} of waiting); and counters by job name (`run`: single runs, `cell`: sweep
 * cells) of jobs completed, failed for good (by error code) and stalled (a worker died or lost its
 * lock and the job went back to the queue): `rate()` of them gives jobs and cells per second. The
 * counters come from one queue-event listener per server process, started at the first scrape, so
 * they count what every coordinator's workers did, not only this server's jobs.
 */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { QUEUE_STATES, type QueueSnapshot, watchRunQueue } from '../usecases/queue-status.js';
import type { MetricsRegistry } from './metrics.js';

/** How long a scrape waits for Redis before reporting the queue down. */
export const SCRAPE_READ_MS = 1_000;

/** Registers the queue metrics when `queue_url` is set (nothing otherwise) and closes their listener with the app. */
export function installQueueMetrics(app: FastifyInstance, metrics: MetricsRegistry, config: Readonly<Config>): void {
  if (config.queue_url === undefined) return;
  const completed = metrics.registerCounter({
    name: 'luckyfive_queue_jobs_completed_total',
    help: 'Run-queue jobs completed by the workers, by job name (run, cell); rate() gives runs and cells per second.',
    labelNames: ['name'],
    across: 'max',
  });
  const failed = metrics.registerCounter({
    name: 'luckyfive_queue_jobs_failed_total',
    help: 'Run-queue jobs that failed for good (retries spent, refused or cancelled), by job name and error code.',
    labelNames: ['name', 'code'],
    across: 'max',
  });
  const stalled = metrics.registerCounter({
    name: 'luckyfive_queue_jobs_stalled_total',
    help: 'Run-queue jobs recovered after their worker stopped renewing its lock (died or hung), by job name.',
    labelNames: ['name'],
    across: 'max',
  });
  const monitor = watchRunQueue(
    { config },
    {
      sink: {
        finished: (name, outcome, code) => (outcome === 'completed' ? completed.inc({ name }) : failed.inc({ name, code: code ?? 'error' })),
        stalled: (name) => stalled.inc({ name }),
      },
    },
  );
  if (!monitor) return;
  let last: QueueSnapshot = { up: false };
  // read from Redis in every process a scrape gathers (so any process's answer is fresh): shown once
  metrics.registerGauge({
    name: 'luckyfive_queue_up',
    help: "1 when the run queue's Redis answered at this scrape, else 0.",
    read: () => (last.up ? 1 : 0),
    across: 'first',
  });
  metrics.registerGauge({
    name: 'luckyfive_queue_jobs',
    help: 'Run-queue jobs by state (every coordinator and sweep on this queue).',
    read: () => (last.up ? QUEUE_STATES.map((state) => ({ labels: { state }, value: last.up ? last.counts[state] : 0 })) : []),
    across: 'first',
  });
  metrics.registerGauge({
    name: 'luckyfive_queue_workers',
    help: 'Workers connected to the run queue.',
    read: () => (last.up ? last.workers : []),
    across: 'first',
  });
  metrics.onCollect(async () => {
    last = await monitor.read(SCRAPE_READ_MS).catch((): QueueSnapshot => ({ up: false }));
  });
  app.addHook('onClose', async () => monitor.close());
}
