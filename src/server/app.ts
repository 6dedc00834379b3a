/**
 * `buildApp`: the whole HTTP API as a fastify instance that is ready but not listening (tests
 * call `app.inject()`; `luckyfive serve` calls `listen`). It assembles without side effects: it
 * writes nothing and starts nothing (the caller reads the server secret and starts the job
 * runner), so the OpenAPI document can be printed from it without a catalog. Assembly order
 * matters and is: route guard, OpenAPI generator, error envelope, request hooks (security
 * headers, CORS, the gate, observation), response hooks (ETag, then compression), docs, then the
 * resources.
 */
import { randomUUID } from 'node:crypto';
import compress from '@fastify/compress';
import type { Server } from 'node:https';
import Fastify, { LogController, type FastifyHttpsOptions, type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import { type ZodTypeProvider, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { ApiKeyVerifier } from '../auth/api-keys.js';
import { checkJwtSecret } from '../auth/jwt.js';
import type { Config } from '../config.js';
import type { JobRunner } from '../engine/job-runner.js';
import type { PredictPool } from '../engine/pool.js';
import type { Catalog } from '../store/catalog.js';
import { toStorageError } from '../usecases/storage-errors.js';
import type { JobRunnerWiring } from '../usecases/serve.js';
import type { ImportFileFn, ServerContext } from './context.js';
import { createClientErrorHandler } from './client-errors.js';
import { parseCorsOrigins, registerCors } from './cors.js';
import { parseTrustProxy } from './trust-proxy.js';
import { envelope, installErrorEnvelope } from './error-envelope.js';
import { registerEtag } from './etag.js';
import { installGate } from './gate.js';
import { MetricsRegistry } from './metrics.js';
import { MemoryRateStore, type RateStore } from './rate-limit.js';
import { REDACT_PATHS, installObserve } from './observe.js';
import { registerDocsRoutes, registerOpenApi } from './openapi.js';
import { readPackageVersion } from '../version.js';
import { type RouteEntry, installRouteGuard } from './route-table.js';
import { API_PREFIX, RESOURCES } from './routes/index.js';
import { ENCODINGS } from './response-cache.js';
import { installSecurityHeaders, setSecurityHeaders } from './security-headers.js';
import { installSimulationMetrics } from './simulation-metrics.js';
import { installQueueMetrics } from './queue-metrics.js';
import { installOpsMetrics } from './ops-metrics.js';
import { ServedCertificate } from './tls-reload.js';
import { StorageFaults } from './storage-faults.js';
import { registerWeb } from './web/index.js';

/** Pending-connection queue for `listen`: a burst of 1,000+ clients must not overflow it (Node's default is 511). */
export const LISTEN_BACKLOG = 2048;

/** Largest JSON body accepted (uploads have their own limit, `upload_max_mb`). */
export const JSON_BODY_LIMIT = 1024 * 1024;
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export interface ServerDeps {
  catalog: Catalog;
  config: Readonly<Config>;
  /** HMAC key for API keys: `serve` reads it (`prepareServer` in usecases/serve.ts; created on first use) */
  serverSecret: Buffer;
  /** milliseconds since the epoch (default Date.now) */
  now?: () => number;
  /** where JSON log lines go (default stdout); the level is `config.log_level` */
  logger?: { stream: { write(line: string): void } };
  /** serve HTTPS with this certificate and key (PEM); enables HSTS */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** the import service (`src/import/import-draws.ts`); without it POST /imports answers 501 */
  importFile?: ImportFileFn;
  /**
   * The worker pool for simulations (`serve` creates one with `threads` and closes it after the
   * app). Without it (or without `createJobRunner`) POST /simulations answers 501. The app never
   * closes it.
   */
  pool?: PredictPool;
  /**
   * Creates the job runner on `pool` (not started: `serve` starts it once the app is built;
   * `prepareServer` makes this). The app stops it on close (running jobs are requeued).
   */
  createJobRunner?: ((wiring: JobRunnerWiring) => JobRunner) | undefined;
  /**
   * Where the rate-limit buckets are kept (default: in memory, this app's own). `serve` passes
   * the Redis store when `rate_limit_redis_url` is set, and closes it after the app.
   */
  rateStore?: RateStore;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** every route with its role and rate class, in registration order */
    routeTable: readonly RouteEntry[];
    /** the metrics registry: `app.metrics.registerGauge(...)` adds a gauge */
    metrics: MetricsRegistry;
    /** with TLS, the certificate presented now (`serve` replaces it on SIGHUP: tls-reload.ts) */
    servedCertificate: ServedCertificate | undefined;
  }
}

function buildPrettyMeta(route: { store?: { config?: { role?: unknown; rateClass?: unknown } } }): Record<string, unknown> {
  return { role: route.store?.config?.role ?? null, rateClass: route.store?.config?.rateClass ?? null };
}

function fastifyOptions(deps: ServerDeps): FastifyServerOptions {
  const level = deps.config.log_level;
  return {
    logger:
      level === 'silent' ? false : { level, redact: { paths: REDACT_PATHS, censor: '[REDACTED]' }, ...(deps.logger ? { stream: deps.logger.stream } : {}) },
    // One line per request is written by observe.ts (with route, status, duration, principal).
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'request_id' }),
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    bodyLimit: JSON_BODY_LIMIT,
    // Off unless `trust_proxy` lists the proxies whose X-Forwarded-For is believed (trust-proxy.ts).
    trustProxy: parseTrustProxy(deps.config.trust_proxy),
    requestTimeout: 120_000,
    keepAliveTimeout: 5_000,
    return503OnClosing: true,
    routerOptions: {
      maxParamLength: 128,
      caseSensitive: true,
      ignoreTrailingSlash: false,
      // find-my-way option (not in fastify's types): `printRoutes({ includeMeta: ['role', 'rateClass'] })`
      // then shows what the router really holds, for the route-walk test.
      ...{ buildPrettyMeta },
    },
    // Requests Node's parser refuses (oversized headers, a malformed request line): same envelope and headers.
    clientErrorHandler: createClientErrorHandler(deps.tls !== undefined),
    // Malformed URLs and over-long parameters are refused before routing (no hooks run): same envelope.
    frameworkErrors: (_err, request, reply) => {
      setSecurityHeaders(request, reply, deps.tls !== undefined);
      void (reply as FastifyReply).code(400).type('application/json; charset=utf-8').send(envelope('E_INPUT_INVALID', 'malformed URL'));
    },
  };
}

/**
 * Builds the API. Throws E_INPUT_INVALID on unsafe configuration (short JWT secret, bad CORS list).
 * `app.close()` stops the job runner gracefully (running jobs are requeued).
 */
export async function buildApp(deps: ServerDeps): Promise<FastifyInstance> {
  const { config, catalog } = deps;
  const jwtSecret = config.jwt_secret === undefined ? undefined : checkJwtSecret(config.jwt_secret);
  const corsOrigins = parseCorsOrigins(config.cors_origins);
  const now = deps.now ?? Date.now;

  const options = fastifyOptions(deps);
  const app = (deps.tls
    ? Fastify({ ...options, https: { cert: deps.tls.cert, key: deps.tls.key } } as FastifyHttpsOptions<Server>)
    : Fastify(options)) as unknown as FastifyInstance;
  const metrics = new MetricsRegistry();
  const served = deps.tls ? new ServedCertificate(deps.tls.cert) : undefined;
  installQueueMetrics(app, metrics, config);
  installOpsMetrics(metrics, config, served);
  let jobs: JobRunner | undefined;
  const observeSimulation = installSimulationMetrics(metrics, catalog, () => jobs?.running ?? 0);
  if (deps.pool && deps.createJobRunner) jobs = deps.createJobRunner({ log: app.log.child({ component: 'jobs' }), onOutcome: observeSimulation, now });
  const { serverSecret } = deps;
  const ctx: ServerContext = {
    catalog,
    config,
    now,
    metrics,
    version: readPackageVersion(),
    startedAtMs: now(),
    serverSecret,
    apiKeys: new ApiKeyVerifier(catalog.db, serverSecret, undefined, (e) =>
      app.log.warn({ err: toStorageError(e) ?? e }, "could not record an API key's last use (the request goes on)"),
    ),
    jwtSecret,
    importFile: deps.importFile,
    pool: deps.pool,
    jobs,
    observeSimulation,
    storageFaults: new StorageFaults(metrics, now, config.data_dir),
  };

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorate('routeTable', installRouteGuard(app));
  app.decorate('metrics', ctx.metrics);
  app.decorate('servedCertificate', served);
  await registerOpenApi(app, ctx);
  installErrorEnvelope(app, (e) => ctx.storageFaults.record(e.code, e.message), config.data_dir);

  installSecurityHeaders(app, { tls: deps.tls !== undefined });
  // Without an allow-list no origin is ever allowed: the plugin (a hook on every request) is left out.
  if (corsOrigins.size > 0) await registerCors(app, corsOrigins);
  installGate(app, ctx, deps.rateStore ?? new MemoryRateStore());
  installObserve(app, ctx.metrics);

  await registerEtag(app);
  await app.register(compress, { global: true, threshold: 1024, encodings: ENCODINGS });

  await registerDocsRoutes(app, ctx);
  const typed = app.withTypeProvider<ZodTypeProvider>();
  for (const [, plugin] of RESOURCES) await typed.register(plugin, { prefix: API_PREFIX, ctx });
  await registerWeb(app, ctx);
  const runner = jobs;
  if (runner) app.addHook('onClose', async () => runner.stop());
  await app.ready();
  return app;
}
