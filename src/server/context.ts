/**
 * What every resource plugin receives. A resource is one file in `routes/` exporting a
 * {@link ResourcePlugin}, listed once in `routes/index.ts`.
 */
import type { ApiKeyVerifier } from '../auth/api-keys.js';
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import type { Config } from '../config.js';
import type { JobRunner } from '../engine/job-runner.js';
import type { PredictPool } from '../engine/pool.js';
import type { Catalog } from '../store/catalog.js';
import type { MetricsRegistry } from './metrics.js';
import type { ObserveSimulation } from './simulation-metrics.js';
import type { StorageFaults } from './storage-faults.js';

/**
 * The import service the CLI uses (`src/import/import-draws.ts`), injected so the route and the
 * CLI run the same code. Returns the import report (JSON-serialisable).
 */
export type ImportFileFn = (bytes: Buffer, fileName: string, opts: { replace: boolean; dryRun: boolean }) => unknown;

export interface ServerContext {
  readonly catalog: Catalog;
  readonly config: Readonly<Config>;
  /** milliseconds since the epoch; injected so tests control expiry and rate limits */
  readonly now: () => number;
  readonly metrics: MetricsRegistry;
  /** package version, for health and the OpenAPI document */
  readonly version: string;
  readonly startedAtMs: number;
  /** HMAC key for API keys */
  readonly serverSecret: Buffer;
  /** API-key checks with the rows of keys in use kept in memory while the catalog is unchanged */
  readonly apiKeys: ApiKeyVerifier;
  /** HS256 key; undefined when JWT is disabled */
  readonly jwtSecret: Buffer | undefined;
  readonly importFile: ImportFileFn | undefined;
  /** the one worker pool for simulations; undefined when the server runs none (POST /simulations is 501) */
  readonly pool: PredictPool | undefined;
  /** the job runner on that pool */
  readonly jobs: JobRunner | undefined;
  /** records a simulation that ended (metrics) */
  readonly observeSimulation: ObserveSimulation;
  /** full disks, damaged databases and broken streams seen by requests (health and metrics) */
  readonly storageFaults: StorageFaults;
}

/** Options every resource plugin is registered with. */
export interface ResourceOptions {
  ctx: ServerContext;
}

/** One resource: a fastify plugin whose routes use zod schemas and declare `config.role`/`rateClass`. */
export type ResourcePlugin = FastifyPluginCallbackZod<ResourceOptions>;
