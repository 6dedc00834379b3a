/** `luckyfive serve`: reads the server secret, builds the app, starts the job runner, listens, and shuts down gracefully on a signal. */
import type { Command } from 'commander';
import { LuckyError } from '../../errors.js';
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

export function register(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .option('--host <address>', 'bind address (default 127.0.0.1; env LUCKYFIVE_HOST)')
    .option('--port <n>', 'TCP port (default 8080; 0 picks a free one; env LUCKYFIVE_PORT)')
    .option('--tls-cert <file>', 'PEM certificate chain: serve HTTPS (needs --tls-key)')
    .option('--tls-key <file>', 'PEM private key for --tls-cert')
    .action(async (opts: { host?: string; port?: string; tlsCert?: string; tlsKey?: string }) => {
      if ((opts.tlsCert === undefined) !== (opts.tlsKey === undefined)) {
        throw new LuckyError('E_USAGE', '--tls-cert and --tls-key go together: give both or neither');
      }
      const port = parseIntFlag('port', opts.port, 0, 65535);
      const config = ctx.config({ ...(opts.host !== undefined ? { host: opts.host } : {}), ...(port !== undefined ? { port } : {}) }).values;
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
      // Rate-limit buckets in Redis when several processes share them; closed after the app.
      const { openRateStore } = await import('../../server/rate-store-redis.js');
      const rateStore = await openRateStore(config.rate_limit_redis_url, (message, e) => ctx.out.warn(`${message} (${(e as Error).message})`));
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
      ctx.out.info(`luckyfive listening on ${address}`);
      if (!tls && !LOOPBACK.has(config.host)) {
        ctx.out.warn('plain HTTP on a non-loopback address: keys and tokens travel in clear; use --tls-cert/--tls-key or a TLS proxy');
      }
      await waitForAbort(ctx.signal);
      ctx.out.info(`stopping: no new connections, finishing requests in flight, requeueing running jobs (at most ${config.shutdown_timeout} s)`);
      // close() stops accepting, asks simulations inside requests to stop at a contest boundary,
      // waits for in-flight requests and runs onClose hooks (the job runner stops claiming and
      // aborts running jobs at a contest boundary; they resume at the next start); the pool and
      // the catalog are closed by the CLI context afterwards. The wait is bounded by
      // shutdown_timeout: past it, open connections are closed and the pool is destroyed (which
      // ends a task still computing); a job cut short resumes at the next start.
      if (await closeWithin(app, config.shutdown_timeout * 1000)) ctx.out.info('stopped');
      else ctx.out.warn(`still busy after ${config.shutdown_timeout} s (shutdown_timeout): connections closed, stopping now`);
    });
}
