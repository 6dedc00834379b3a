/**
 * `luckyfive serve`: reads the server secret, builds the app, starts the job runner, listens, and
 * shuts down gracefully on a signal. With `--processes N` (N > 1) this process is the primary
 * that forks and supervises N server processes (server/cluster.ts), each of which runs this
 * same command as one server.
 */
import type { Command } from 'commander';
import type { Config, ResolvedConfig } from '../../config.js';
import { LuckyError } from '../../errors.js';
import type { FastifyInstance } from 'fastify';
import type { ClusterMember } from '../../server/cluster.js';
import type { SecureContextTarget } from '../../server/tls-reload.js';
import { type CliContext, parseIntFlag } from '../context.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

function waitForAbort(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/**
 * `app.close()`, waited for at most `ms`; false when it did not finish in time, after closing
 * every open connection (and waiting one more second for the close to settle).
 */
export async function closeWithin(app: { close(): PromiseLike<unknown>; server: { closeAllConnections(): void } }, ms: number): Promise<boolean> {
  const closing = Promise.resolve(app.close()).then(() => true);
  // a close that fails after the deadline must not become an unhandled rejection
  closing.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const inTime = await Promise.race([closing, late]);
  clearTimeout(timer);
  if (inTime) return true;
  app.server.closeAllConnections();
  await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
  return false;
}

/** Flags of `serve`, as commander gives them. */
interface ServeFlags {
  host?: string;
  port?: string;
  processes?: string;
  tlsCert?: string;
  tlsKey?: string;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .option('--host <address>', 'bind address (default 127.0.0.1; env LUCKYFIVE_HOST)')
    .option('--port <n>', 'TCP port (default 8080; 0 picks a free one; env LUCKYFIVE_PORT)')
    .option(
      '--processes <n>',
      'server processes sharing the port (default 1; env LUCKYFIVE_PROCESSES); each runs its own jobs and worker pool, of `threads` threads when set, else of its share of the cores',
    )
    .option('--tls-cert <file>', 'PEM certificate chain: serve HTTPS (needs --tls-key)')
    .option('--tls-key <file>', 'PEM private key for --tls-cert')
    .action(async (opts: ServeFlags) => {
      const { CLUSTER_PORT_ENV, ClusterMember, isClusterMember } = await import('../../server/cluster.js');
      // A server process of `--processes N` holds a channel to the primary that keeps it alive: let
      // go of it whatever happens (registered first, so it runs last: after the app, pool and catalog).
      const link = isClusterMember(ctx.io.env) ? new ClusterMember() : undefined;
      if (link) ctx.onCleanup(() => link.close());
      if ((opts.tlsCert === undefined) !== (opts.tlsKey === undefined)) {
        throw new LuckyError('E_USAGE', '--tls-cert and --tls-key go together: give both or neither');
      }
      const port = parseIntFlag('port', opts.port, 0, 65535);
      const processes = parseIntFlag('processes', opts.processes, 1, 64);
      const resolved = ctx.config({
        ...(opts.host !== undefined ? { host: opts.host } : {}),
        ...(port !== undefined ? { port } : {}),
        ...(processes !== undefined ? { processes } : {}),
      });
      // a server process of `--processes N` listens on the port the primary chose (its pick for port 0)
      if (link) return serveOne(ctx, { ...resolved.values, port: Number(ctx.io.env[CLUSTER_PORT_ENV]) }, opts, link);
      if (resolved.values.processes > 1) return servePrimary(ctx, resolved);
      return serveOne(ctx, resolved.values, opts, undefined);
    });
}

/**
 * The primary of `--processes N`: forks the server processes and supervises them (cluster.ts).
 * When `threads` is not configured each process gets its share of the cores, not all of them.
 */
async function servePrimary(ctx: CliContext, resolved: ResolvedConfig): Promise<void> {
  const config = resolved.values;
  const { runServerCluster, threadsPerProcess } = await import('../../server/cluster.js');
  const threads = threadsPerProcess(config.threads, resolved.sources.threads === 'default', config.processes);
  const env: Record<string, string> = threads === config.threads ? {} : { LUCKYFIVE_THREADS: String(threads) };
  const code = await runServerCluster({
    processes: config.processes,
    shutdownTimeoutMs: config.shutdown_timeout * 1000,
    signal: ctx.signal,
    env,
    port: config.port,
    host: config.host,
    log: { info: (m) => ctx.out.info(m), warn: (m) => ctx.out.warn(m), error: (m) => ctx.out.error(m) },
    onListening: (address) => {
      ctx.out.info(`luckyfive listening on ${address} (${config.processes} processes)`);
      if (address.startsWith('http:') && !LOOPBACK.has(config.host)) {
        ctx.out.warn('plain HTTP on a non-loopback address: keys and tokens travel in clear; use --tls-cert/--tls-key or a TLS proxy');
      }
      ctx.signal.addEventListener(
        'abort',
        () =>
          ctx.out.info(`stopping: every server process finishes its requests in flight and requeues its running jobs (at most ${config.shutdown_timeout} s)`),
        { once: true },
      );
    },
  });
  if (code === 0 && ctx.signal.aborted) ctx.out.info('stopped');
  ctx.exitCode = code;
}

/** One server: today's `serve`, or one server process of `--processes N` (with its `link` to the primary: quiet, tells the primary). */
async function serveOne(ctx: CliContext, config: Readonly<Config>, opts: ServeFlags, link: ClusterMember | undefined): Promise<void> {
  // SIGHUP reloads the TLS files (and never ends the server, Node's default): from here on
  const hangup: { app?: FastifyInstance } = {};
  const onHangup = () => reloadOnHangup(ctx, hangup.app, opts, link);
  process.on('SIGHUP', onHangup);
  ctx.onCleanup(() => void process.off('SIGHUP', onHangup));
  const { readTlsFiles } = await import('../../server/tls-files.js');
  const tls = opts.tlsCert !== undefined && opts.tlsKey !== undefined ? readTlsFiles(opts.tlsCert, opts.tlsKey) : undefined;
  const catalog = await ctx.catalog();
  const { LISTEN_BACKLOG, buildApp } = await import('../../server/app.js');
  const { createPredictPool } = await import('../../engine/pool.js');
  const { createImportOnPool } = await import('../../server/import-on-pool.js');
  // One worker pool for every simulation the server runs (requests and jobs share it); it is
  // closed after the app (cleanups run in reverse), once the job runner has let go of it.
  const pool = createPredictPool(config.threads);
  ctx.onCleanup(() => pool.close());
  // What buildApp does not do itself: the server secret is created on first use (a write),
  // and the job runner starts here, once the app is built (resuming jobs a previous process left).
  const { prepareServer } = await import('../../usecases/serve.js');
  const setup = prepareServer({ catalog, config, pool });
  // Rate-limit buckets in Redis when several processes share them (else, of several server
  // processes, in the primary; else in memory); closed after the app.
  const { openRateStore } = await import('../../server/rate-store-redis.js');
  const warn = (message: string, e: unknown) => ctx.out.warn(`${message} (${(e as Error).message})`);
  const rateStore = link && config.rate_limit_redis_url === undefined ? link.rateStore(warn) : await openRateStore(config.rate_limit_redis_url, warn);
  ctx.onCleanup(() => rateStore.close());
  const app = await buildApp({
    catalog,
    config,
    serverSecret: setup.serverSecret,
    tls,
    pool,
    rateStore,
    createJobRunner: setup.createJobRunner,
    // uploads are imported on the pool (parse and transaction): never on the event loop
    importFile: createImportOnPool(catalog, pool),
    logger: { stream: { write: (line) => void ctx.io.stdout.write(line) } },
  });
  hangup.app = app;
  link?.shareMetrics(app.metrics);
  setup.startJobs();
  let address: string;
  try {
    address = await app.listen({ host: config.host, port: config.port, backlog: LISTEN_BACKLOG });
  } catch (e) {
    await app.close();
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new LuckyError('E_BUSY', `${config.host}:${config.port} is already in use`, [], { cause: e });
    if (code === 'EACCES' || code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
      throw new LuckyError('E_INPUT_INVALID', `cannot listen on ${config.host}:${config.port}`, [`host: ${(e as Error).message}`], { cause: e });
    }
    throw e;
  }
  // the dashboard's first chart would otherwise pay for loading vega (a warm-up failure changes nothing)
  void import('../../usecases/web-charts.js').then((m) => m.warmChartRenderer()).catch(() => undefined);
  if (link) {
    // the primary reports the address once, for every process (should the primary die, node's
    // cluster code ends this process at once: its running jobs are recovered at the next start)
    link.listening(address);
    await waitForAbort(ctx.signal);
  } else {
    ctx.out.info(`luckyfive listening on ${address}`);
    if (!tls && !LOOPBACK.has(config.host)) {
      ctx.out.warn('plain HTTP on a non-loopback address: keys and tokens travel in clear; use --tls-cert/--tls-key or a TLS proxy');
    }
    await waitForAbort(ctx.signal);
    ctx.out.info(`stopping: no new connections, finishing requests in flight, requeueing running jobs (at most ${config.shutdown_timeout} s)`);
  }
  // close() stops accepting, asks simulations inside requests to stop at a contest boundary,
  // waits for in-flight requests and runs onClose hooks (the job runner stops claiming and
  // aborts running jobs at a contest boundary; they resume at the next start); the pool and
  // the catalog are closed by the CLI context afterwards. The wait is bounded by
  // shutdown_timeout: past it, open connections are closed and the pool is destroyed (which
  // ends a task still computing); a job cut short resumes at the next start.
  if (await closeWithin(app, config.shutdown_timeout * 1000)) {
    if (!link) ctx.out.info('stopped');
  } else {
    ctx.out.warn(
      `${link ? `server process ${process.pid}: ` : ''}still busy after ${config.shutdown_timeout} s (shutdown_timeout): connections closed, stopping now`,
    );
  }
}

/**
 * What SIGHUP does to one server: reads and checks `--tls-cert`/`--tls-key` again and serves them
 * to new connections (open ones are kept); a file that does not check out leaves the previous
 * certificate served, said as an error. Without TLS (or before the app exists) it is said and
 * ignored.
 */
function reloadOnHangup(ctx: CliContext, app: FastifyInstance | undefined, opts: ServeFlags, link: ClusterMember | undefined): void {
  const who = link ? `server process ${process.pid}: ` : '';
  const served = app?.servedCertificate;
  if (!app || !served || opts.tlsCert === undefined || opts.tlsKey === undefined) {
    ctx.out.info(`${who}SIGHUP ignored: ${app ? 'no TLS certificate to reload (serve without --tls-cert)' : 'the server is still starting'}`);
    return;
  }
  const { tlsCert, tlsKey } = opts;
  void import('../../server/tls-reload.js').then(({ reloadTlsFiles }) => {
    try {
      const r = reloadTlsFiles(app.server as unknown as SecureContextTarget, served, tlsCert, tlsKey);
      ctx.out.info(`${who}TLS certificate reloaded from ${tlsCert} (${r.subject.replaceAll('\n', ', ')}; valid until ${r.expires_at})`);
    } catch (e) {
      const details = e instanceof LuckyError ? e.details.map((d) => `; ${d}`).join('') : '';
      ctx.out.error(`${who}TLS certificate NOT reloaded, the previous one is still served: ${(e as Error).message}${details}`);
    }
  });
}
