/**
 * The serve use case: what `luckyfive serve` prepares beside the HTTP app, which assembles
 * without side effects. Tests that build the app prepare the same way (test/helpers/server.ts).
 */
import { readServerSecret } from '../auth/server-secret.js';
import { JobRunner, type JobRunnerOptions } from '../engine/job-runner.js';
import type { PredictPool } from '../engine/pool.js';
import { analysisJobExecutor } from './analysis-jobs.js';
import type { UseCaseDeps } from './deps.js';

/** What the app gives the job runner it creates: its logger, its metrics hook and its clock. */
export type JobRunnerWiring = Required<Pick<JobRunnerOptions, 'log' | 'onOutcome' | 'now'>>;

export interface ServerSetup {
  /** HMAC key for API keys */
  serverSecret: Buffer;
  /** for `buildApp`: creates the job runner on the pool (not started); undefined without a pool */
  createJobRunner: ((wiring: JobRunnerWiring) => JobRunner) | undefined;
  /** starts the runner the app created, if any: it first requeues jobs a dead process left running */
  startJobs(): void;
}

/**
 * Prepares a server: reads the server secret (the configured one, or the catalog's, created on
 * first use: a write) and makes the job runner's factory for the app; with `queue_url` set, the
 * runner sends the jobs nobody waits for to the run queue's workers (`queue_patience` applies).
 * Refuses nothing itself (a locked catalog throws the store's error; a Redis that does not answer
 * fails each queued job with E_QUEUE_DOWN, the server stays up). Returns the secret, the factory
 * and a `startJobs` to call once the app is built. The runner also runs the sweep jobs of
 * `POST /sweeps` (`analysis-jobs.ts`).
 */
export function prepareServer(deps: Pick<UseCaseDeps, 'catalog' | 'config'> & { pool?: PredictPool | undefined }): ServerSetup {
  const { catalog, config, pool } = deps;
  let runner: JobRunner | undefined;
  const queue = config.queue_url === undefined ? undefined : { url: config.queue_url, patience_ms: config.queue_patience * 1000 };
  return {
    serverSecret: readServerSecret(catalog.db, config.server_secret),
    createJobRunner: pool
      ? (wiring) => {
          // sweep and study jobs run or resume their sweep with the CLI's use case, on this pool
          const analysis = analysisJobExecutor({ catalog, pool, config, now: () => new Date(wiring.now()) });
          return (runner = new JobRunner({ catalog, pool, concurrency: config.job_concurrency, queue, analysis, ...wiring }));
        }
      : undefined,
    startJobs: () => void runner?.start(),
  };
}
