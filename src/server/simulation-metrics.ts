/**
 * Simulation metrics: how long simulations take (histogram by mode and final status), contests
 * simulated (counter; `rate()` of it is contests per second over any window) and the throughput
 * of the last one that ended (gauge), plus the job queue read from the catalog at scrape time.
 * Simulations by status are not counted here: the `luckyfive_simulations` gauge reads the run
 * index, the one source of truth for that.
 */
import type { Catalog } from '../store/catalog.js';
import { countQueuedJobs } from '../usecases/server-status.js';
import type { MetricsRegistry } from './metrics.js';

const DURATION_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600] as const;

/** Records one simulation that ended: its mode, final status, wall time and contests simulated. */
export type ObserveSimulation = (mode: 'sync' | 'job', status: string, seconds: number, contestsDone: number) => void;

/** Registers the simulation metrics and returns the function that records one simulation. */
export function installSimulationMetrics(metrics: MetricsRegistry, catalog: Catalog, running: () => number): ObserveSimulation {
  const duration = metrics.registerHistogram({
    name: 'luckyfive_simulation_duration_seconds',
    help: 'Wall time of a simulation (or of the resumed part of one), by mode (sync request or job) and final status.',
    // declared, so the family is in every scrape from the start (the alert rules and dashboard use it)
    labelNames: ['mode', 'status'],
    buckets: DURATION_BUCKETS,
  });
  const contests = metrics.registerCounter({
    name: 'luckyfive_simulated_contests_total',
    help: 'Contests simulated, by mode; rate() gives contests per second.',
    labelNames: ['mode'],
  });
  let lastRate = 0;
  metrics.registerGauge({
    name: 'luckyfive_simulation_contests_per_second',
    help: 'Contests per second of the last simulation that ended.',
    read: () => lastRate,
  });
  // read from the shared catalog: the same in every server process, shown once
  metrics.registerGauge({
    name: 'luckyfive_job_queue_depth',
    help: 'Simulation jobs waiting to run.',
    read: () => countQueuedJobs({ catalog }),
    across: 'first',
  });
  metrics.registerGauge({ name: 'luckyfive_jobs_running', help: 'Simulation jobs running in this server process.', read: running });
  return (mode, status, seconds, contestsDone) => {
    duration.observe({ mode, status }, seconds);
    contests.inc({ mode }, contestsDone);
    if (seconds > 0 && contestsDone > 0) lastRate = contestsDone / seconds;
  };
}
