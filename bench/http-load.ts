/**
 * HTTP load test: `npx tsx bench/http-load.ts [--duration 10] [--connections 1000] [--log] [--only bare|id|list|runs] [--compressed] [--trace] [--profile DIR]
 * [--processes N]`.
 *
 * A child process serves the real app (temp catalog, ~2,000 synthetic draws, {@link RUNS} rows in
 * the run index, one viewer key, rate limits raised out of the way) and a bare fastify instance
 * (`GET /bare`), both on
 * 127.0.0.1 only; this process drives autocannon against each in turn, bounded in time, and
 * prints p50/p95/p99, errors, non-2xx and req/s, with throughput as a ratio of the bare route.
 * Server and load generator share the machine's cores: read the numbers as a floor. When one
 * server process is CPU-bound, Node accepts new connections slowly (plain node:http with 0.3 ms
 * of work per request shows it too): connections still in the accept queue when autocannon's
 * 10 s timeout fires are counted as errors/timeouts.
 *
 * With `--processes N` the server is the real `luckyfive serve --processes N` (a child process,
 * node:cluster, the same catalog, rate limits raised by environment, logs off) and the bare
 * route is served alike by N fastify processes under node:cluster sharing one port, so the ratio
 * compares like with like.
 */
import { fork, spawn } from 'node:child_process';
import cluster from 'node:cluster';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { numberFlag, stringFlag } from './args.js';
import Fastify from 'fastify';
import { createApiKey } from '../src/auth/api-keys.js';
import { readServerSecret } from '../src/auth/server-secret.js';
import { buildConfig } from '../src/config.js';
import { LISTEN_BACKLOG, buildApp } from '../src/server/app.js';
import { openCatalog } from '../src/store/catalog.js';
import { insertSyntheticDraws } from '../test/helpers/server-draws.js';
import { seedRuns } from './load-seed.js';

const DRAWS = 2000;
/** Rows seeded into the run index: a few dozen, as after a week of use (one page of GET /runs holds 50). */
const RUNS = 48;
const HOST = '127.0.0.1';

interface Ready {
  api: string;
  bare: string;
  key: string;
}

/** Child: serve the app and the bare instance until told to stop. */
async function serve(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'luckyfive-load-'));
  const withLogs = process.argv.includes('--log');
  const config = buildConfig(
    {
      flags: {
        data_dir: dir,
        log_level: withLogs ? 'info' : 'silent',
        rate_limit_read: 1_000_000,
        rate_limit_write: 1_000_000,
        rate_limit_heavy: 1_000_000,
        rate_limit_ip: 10_000_000,
      },
      env: {},
      file: undefined,
    },
    dir,
  ).values;
  const catalog = openCatalog(dir);
  insertSyntheticDraws(catalog.db, DRAWS);
  seedRuns(catalog.db, RUNS);
  const serverSecret = readServerSecret(catalog.db, undefined);
  const { key } = createApiKey(catalog.db, serverSecret, { name: 'load', role: 'viewer' }, Date.now());
  // With --log, JSON lines are produced and serialised as in production but thrown away.
  const app = await buildApp({ catalog, config, serverSecret, logger: { stream: { write: () => {} } } });
  const bare = Fastify();
  bare.get('/bare', () => ({ ok: true }));
  // The same backlog as `luckyfive serve`: 1,000 clients connecting at once must not overflow the accept queue.
  const api = await app.listen({ host: HOST, port: 0, backlog: LISTEN_BACKLOG });
  const bareUrl = await bare.listen({ host: HOST, port: 0, backlog: LISTEN_BACKLOG });
  if (process.argv.includes('--trace')) {
    // How fast the server accepts: Node 20 takes one pending connection per event-loop turn once busy.
    let accepted = 0;
    for (const srv of [app.server, bare.server]) srv.on('connection', () => void accepted++);
    setInterval(() => console.error(`  [server] connections accepted so far: ${accepted}`), 1000).unref();
  }
  process.send!({ api, bare: bareUrl, key } satisfies Ready);
  process.on('message', (m) => {
    if (m === 'stop') {
      void Promise.all([app.close(), bare.close()]).then(() => {
        catalog.close();
        rmSync(dir, { recursive: true, force: true });
        process.exit(0);
      });
    }
  });
}

/**
 * Child under `--processes N`: the bare route served by N fastify processes (node:cluster, one
 * shared port, as `serve --processes N` shares its port) and `luckyfive serve --processes N` over
 * a seeded catalog, started from source as a grandchild and stopped by its PID.
 */
async function serveCluster(processes: number): Promise<void> {
  if (cluster.isWorker) {
    const bare = Fastify();
    bare.get('/bare', () => ({ ok: true }));
    const url = await bare.listen({ host: HOST, port: Number(process.env.BARE_PORT), backlog: LISTEN_BACKLOG });
    process.send!({ bare: url });
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'luckyfive-load-'));
  const catalog = openCatalog(dir);
  insertSyntheticDraws(catalog.db, DRAWS);
  seedRuns(catalog.db, RUNS);
  const { key } = createApiKey(catalog.db, readServerSecret(catalog.db, undefined), { name: 'load', role: 'viewer' }, Date.now());
  catalog.close();
  const logFile = join(dir, 'serve.log');
  const log = openSync(logFile, 'w');
  const server = spawn(
    process.execPath,
    ['--import', 'tsx', resolve(import.meta.dirname, '../test/helpers/run-cli.ts'), 'serve', '--host', HOST, '--port', '0', '--processes', String(processes)],
    {
      env: {
        ...process.env,
        NO_COLOR: '1',
        LUCKYFIVE_DATA_DIR: dir,
        LUCKYFIVE_LOG_LEVEL: process.argv.includes('--log') ? 'info' : 'silent',
        LUCKYFIVE_RATE_LIMIT_READ: '1000000',
        LUCKYFIVE_RATE_LIMIT_IP: '10000000',
        LUCKYFIVE_THREADS: '1',
      },
      stdio: ['ignore', log, log],
    },
  );
  closeSync(log);
  let api: string | undefined;
  for (let i = 0; i < 600 && api === undefined; i++) {
    await sleep(200);
    api = /listening on (\S+)/.exec(readFileSync(logFile, 'utf8'))?.[1]?.replace(/\/$/, '');
    if (server.exitCode !== null) throw new Error(`serve exited: ${readFileSync(logFile, 'utf8')}`);
  }
  if (api === undefined) throw new Error('serve did not listen within 120 s');
  // the bare processes share a port picked here, as the serve primary picks one for its processes
  const port = await new Promise<number>((done) => {
    const probe = Fastify();
    void probe.listen({ host: HOST, port: 0 }).then(() => {
      const p = (probe.server.address() as { port: number }).port;
      void probe.close().then(() => done(p));
    });
  });
  const bares = Array.from({ length: processes }, () => cluster.fork({ BARE_PORT: String(port) }));
  const urls = await Promise.all(bares.map((w) => new Promise<string>((done) => w.once('message', (m: { bare: string }) => done(m.bare)))));
  process.send!({ api, bare: urls[0]!, key } satisfies Ready);
  process.on('message', (m) => {
    if (m !== 'stop') return;
    for (const w of bares) w.kill();
    server.once('exit', () => {
      rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    });
    server.kill('SIGTERM');
  });
}

interface Row {
  name: string;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  requests: number;
  errors: number;
  timeouts: number;
  non2xx: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** `--trace`: per-second latency and how long each connection waited for its first answer. */
const TRACE = process.argv.includes('--trace');

function printTrace(started: number, trace: Array<[number, number]>, firstAnswer: Map<unknown, number>): void {
  const waits = [...firstAnswer.values()].map((t) => t - started).sort((a, b) => a - b);
  console.error(
    `  connections answered at least once: ${waits.length}; first answer after p50 ${percentile(waits, 50).toFixed(0)} ms, p99 ${percentile(waits, 99).toFixed(0)} ms, max ${(waits.at(-1) ?? NaN).toFixed(0)} ms`,
  );
  const bySecond = new Map<number, number[]>();
  for (const [t, latency] of trace) {
    const second = Math.floor((t - started) / 1000);
    let list = bySecond.get(second);
    if (!list) bySecond.set(second, (list = []));
    list.push(latency);
  }
  for (const [second, list] of bySecond) {
    list.sort((a, b) => a - b);
    console.error(
      `  second ${second}: ${list.length} answers, p50 ${percentile(list, 50).toFixed(0)} ms, p99 ${percentile(list, 99).toFixed(0)} ms, max ${(list.at(-1) ?? NaN).toFixed(0)} ms`,
    );
  }
}

async function load(
  name: string,
  url: string,
  opts: { headers?: Record<string, string>; paths?: () => string; duration: number; connections: number },
): Promise<Row> {
  const times: number[] = [];
  const trace: Array<[number, number]> = [];
  const firstAnswer = new Map<unknown, number>();
  const started = performance.now();
  const r = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections: opts.connections,
        duration: opts.duration,
        timeout: 10,
        headers: opts.headers ?? {},
        ...(opts.paths ? { requests: [{ setupRequest: (req: autocannon.Request) => ({ ...req, path: opts.paths!() }) }] } : {}),
      },
      (err, result) => (err ? reject(err as Error) : resolve(result)),
    );
    instance.on('response', (client: unknown, _status: number, _bytes: number, responseTime: number) => {
      times.push(responseTime);
      if (!TRACE) return;
      const now = performance.now();
      trace.push([now, responseTime]);
      if (!firstAnswer.has(client)) firstAnswer.set(client, now);
    });
  });
  if (TRACE) printTrace(started, trace, firstAnswer);
  times.sort((a, b) => a - b);
  return {
    name,
    rps: Math.round(r.requests.total / opts.duration),
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    p99: percentile(times, 99),
    max: times.at(-1) ?? NaN,
    requests: r.requests.total,
    errors: r.errors,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
  };
}

async function main(): Promise<void> {
  const duration = numberFlag('duration', 10);
  const connections = numberFlag('connections', 1000);
  // --profile DIR: write a CPU profile of the server process there (open it in Chrome DevTools).
  const profileDir = stringFlag('profile');
  const profile = profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`];
  const child = fork(fileURLToPath(import.meta.url), ['--child', ...process.argv.slice(2)], { execArgv: ['--import', 'tsx', ...profile] });
  const ready = await new Promise<Ready>((resolve, reject) => {
    child.once('message', (m) => resolve(m as Ready));
    child.once('exit', (code) => reject(new Error(`server process exited with ${code}`)));
  });
  // --compressed: ask for brotli/gzip as browsers and `curl --compressed` do (pages are sent from their cached compressed bytes).
  const compressed = process.argv.includes('--compressed');
  const auth = { authorization: `Bearer ${ready.key}`, ...(compressed ? { 'accept-encoding': 'br, gzip' } : {}) };
  let n = 0;
  const rows: Row[] = [];
  const common = { duration, connections };
  console.error(
    `load: ${connections} connections, ${duration} s per target, ${stringFlag('processes') === undefined ? 'in-process app' : `serve --processes ${stringFlag('processes')}`}, ${DRAWS} draws, ${RUNS} runs, logs ${process.argv.includes('--log') ? 'on' : 'off'}, ${compressed ? 'Accept-Encoding: br, gzip' : 'no Accept-Encoding'}`,
  );
  const only = stringFlag('only');
  if (!only || only === 'bare') rows.push(await load('GET /bare (plain fastify)', `${ready.bare}/bare`, common));
  if (!only || only === 'id')
    rows.push(await load('GET /api/v1/draws/{id}', ready.api, { ...common, headers: auth, paths: () => `/api/v1/draws/${(n++ % DRAWS) + 1}` }));
  if (!only || only === 'list')
    rows.push(await load('GET /api/v1/draws?limit=50', ready.api, { ...common, headers: auth, paths: () => '/api/v1/draws?limit=50' }));
  if (!only || only === 'runs') rows.push(await load(`GET /api/v1/runs (${RUNS} runs)`, ready.api, { ...common, headers: auth, paths: () => '/api/v1/runs' }));
  child.send('stop');
  const bare = rows.find((r) => r.name.startsWith('GET /bare'))?.rps ?? NaN;
  console.table(
    rows.map((r) => ({
      target: r.name,
      'req/s': r.rps,
      'vs bare': (r.rps / bare).toFixed(2),
      'p50 ms': r.p50,
      'p95 ms': r.p95,
      'p99 ms': r.p99,
      'max ms': r.max,
      requests: r.requests,
      errors: r.errors,
      timeouts: r.timeouts,
      'non-2xx': r.non2xx,
    })),
  );
  const failed = rows.filter((r) => r.errors > 0 || r.non2xx > 0 || r.timeouts > 0 || !(r.p99 < 100));
  console.error(
    failed.length ? `target missed (zero errors, p99 < 100 ms) by: ${failed.map((r) => r.name).join(', ')}` : 'target met: zero errors, p99 < 100 ms',
  );
}

const processes = stringFlag('processes');
if (process.argv.includes('--child') || cluster.isWorker) await (processes === undefined ? serve() : serveCluster(Number(processes)));
else await main();
