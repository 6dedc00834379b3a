import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createApiKey } from '../../src/auth/api-keys.js';
import type { Role } from '../../src/core/roles.js';
import { readServerSecret } from '../../src/auth/server-secret.js';
import { type Config, buildConfig } from '../../src/config.js';
import { type PredictPool, createPredictPool } from '../../src/engine/pool.js';
import { type ServerDeps, buildApp } from '../../src/server/app.js';
import type { RateStore } from '../../src/server/rate-limit.js';
import { openRateStore } from '../../src/server/rate-store-redis.js';
import { prepareServer } from '../../src/usecases/serve.js';
import { type Catalog, openCatalog } from '../../src/store/catalog.js';
import { tempDir } from './cli.js';
import { makeDraws, seedDraws } from './draws.js';

export const T0 = Date.parse('2026-01-01T00:00:00Z');

export interface TestServer {
  app: FastifyInstance;
  catalog: Catalog;
  dir: string;
  config: Readonly<Config>;
  /** one active key per role */
  keys: Record<Role, string>;
  /** creates another key */
  newKey(role: Role, expiresInSeconds?: number): { id: number; key: string };
  /** moves the injected clock forward */
  advance(ms: number): void;
  get(url: string, key?: string, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  /** sends `body` as JSON */
  post(url: string, key: string | undefined, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  /** closes the app (a graceful shutdown) and builds a new one on the same catalog, as a restart would */
  restart(deps?: TestServerDeps): Promise<void>;
  close(): Promise<void>;
}

/** What a test may give the app; with a pool, a job runner is created and started unless `runJobs` is false. */
export type TestServerDeps = Partial<Omit<ServerDeps, 'catalog' | 'config' | 'createJobRunner'>> & {
  /** start the job runner on the pool (default true; false: the test drives runners itself) */
  runJobs?: boolean;
};

/**
 * What `luckyfive serve` does around `buildApp` (src/cli/commands/serve.ts): read the server
 * secret, let the app create its job runner on the pool, start the runner once the app is built.
 */
async function buildServedApp(
  catalog: Catalog,
  config: Readonly<Config>,
  now: () => number,
  rateStore: RateStore,
  deps: TestServerDeps,
): Promise<FastifyInstance> {
  const { runJobs, ...rest } = deps;
  const setup = prepareServer({ catalog, config, pool: deps.pool });
  const app = await buildApp({ catalog, config, now, rateStore, serverSecret: setup.serverSecret, createJobRunner: setup.createJobRunner, ...rest });
  if (runJobs !== false) setup.startJobs();
  return app;
}

/** A built app over a fresh temp catalog, a controllable clock and silent logs. */
export async function startTestServer(flags: Partial<Record<keyof Config, unknown>> = {}, deps: TestServerDeps = {}): Promise<TestServer> {
  const { dir, cleanup } = tempDir('luckyfive-server-');
  // No free-space threshold unless a test sets one: /health must not depend on the machine's disk.
  const config = buildConfig({ flags: { data_dir: dir, log_level: 'silent', disk_min_free_mb: 0, ...flags }, env: {}, file: undefined }, dir).values;
  const catalog = openCatalog(dir);
  let clock = T0;
  const now = () => clock;
  let app: FastifyInstance;
  // Like serve: the rate store (Redis when `rate_limit_redis_url` is set) outlives restarts and is closed last.
  let rateStore: RateStore | undefined;
  try {
    rateStore = deps.rateStore ?? (await openRateStore(config.rate_limit_redis_url));
    app = await buildServedApp(catalog, config, now, rateStore, deps);
  } catch (e) {
    await rateStore?.close();
    catalog.close();
    cleanup();
    throw e;
  }
  const store = rateStore;
  const secret = readServerSecret(catalog.db, config.server_secret);
  const newKey = (role: Role, expiresInSeconds?: number) => {
    const { record, key } = createApiKey(catalog.db, secret, { name: `${role} key`, role, expiresInSeconds }, clock);
    return { id: record.id, key };
  };
  const keys = { viewer: newKey('viewer').key, analyst: newKey('analyst').key, admin: newKey('admin').key };
  const server: TestServer = {
    app,
    catalog,
    dir,
    config,
    keys,
    newKey,
    advance: (ms) => void (clock += ms),
    get: (url, key, headers = {}) => server.app.inject({ method: 'GET', url, headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers } }),
    post: (url, key, body, headers = {}) =>
      server.app.inject({
        method: 'POST',
        url,
        headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
      }),
    restart: async (more = {}) => {
      await server.app.close();
      server.app = await buildServedApp(catalog, config, now, store, { ...deps, ...more });
    },
    close: async () => {
      await server.app.close();
      await store.close();
      catalog.close();
      cleanup();
    },
  };
  return server;
}

/** A test server on its own one-thread pool, without the in-process job runner (tests drive runners themselves). */
export interface PooledServer {
  s: TestServer;
  pool: PredictPool;
  /** stops the server, then its pool */
  close: () => Promise<void>;
}

/** {@link startTestServer} with a one-thread pool, no job runner and the draws `from`..`to` seeded. */
export async function startPooledServer(flags: Partial<Record<keyof Config, unknown>>, draws: { from: number; to: number }): Promise<PooledServer> {
  const pool = createPredictPool(1);
  const s = await startTestServer(flags, { pool, runJobs: false });
  seedDraws(s.dir, makeDraws(draws.from, draws.to));
  return {
    s,
    pool,
    close: async () => {
      await s.close();
      await pool.close();
    },
  };
}
