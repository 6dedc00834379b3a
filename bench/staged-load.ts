/**
 * Staged-users load test and soak: `npm run bench:load -- [--users 1000] [--hold 60] [--think 1] [--processes N] [--quick]`,
 * `npm run bench:soak -- [--users 300] [--duration 600] [--warmup 60] [--processes N]`.
 *
 * The seed's k6 script, rebuilt on node:http (k6 and artillery cannot be installed here): an open
 * model of virtual users, ramped in stages like k6's `ramping-vus`. Each user loops: pick a route
 * by the mix ({@link MIX}), send it, read the whole body, think for a uniform 0.5–1.5 × `--think`
 * seconds, repeat. Each user keeps its own keep-alive connection, its own analyst API key, its own
 * dashboard session, and its own client address in `X-Forwarded-For`: the server runs with
 * `trust_proxy=127.0.0.1`, as behind a reverse proxy, so every rate limit keeps its default
 * (per key, per session, per IP) and a 429 counts as an error. `luckyfive serve` runs in a child
 * process on 127.0.0.1 (`--processes N` passed on) over a temporary catalog: 2,000 synthetic
 * draws, 48 index rows of runs, 2 real runs of 20 contests, one key and one session per user.
 *
 * Thresholds: the seed's (p95 < 200 ms, p99 < 500 ms, errors < 1%) and ours (p99 < 100 ms, no
 * error), over every request. The process exits 1 when one fails, naming it. The soak holds a
 * steady number of users and samples the server processes' RSS (`/proc/PID/status` VmRSS) and open
 * file descriptors (`/proc/PID/fd`) every 5 s; it fails when the median of the last minute is
 * more than 10% above the median of the first minute after the warm-up, for RSS and for fds other
 * than sockets. Sockets are the users' connections (a connection closed after a timeout and
 * opened again waits in the accept queue, outside the process, until accepted): they are held
 * to at most one per user, not to the 10%.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import http from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { numberFlag, stringFlag } from './args.js';
import { type UserCredentials, seedCatalog } from './load-seed.js';

const ROOT = resolve(import.meta.dirname, '..');
const HOST = '127.0.0.1';
const DRAWS = 2000;
const INDEX_RUNS = 48;
const REAL_RUNS = 2;
/** A request that has not been answered in full after this long counts as an error (ms). */
const REQUEST_TIMEOUT_MS = 10_000;
/** Sockets a server process holds besides its users' connections (listening socket, IPC, SQLite has none). */
const SOCKET_MARGIN = 20;

interface Target {
  method: 'GET' | 'POST';
  path: string;
  /** the dashboard: authenticated by the session cookie, not the key */
  web?: boolean;
  body?: string;
  /** statuses that count as success */
  ok: number[];
}

interface Route {
  name: string;
  /** share of requests, in 1/1000 */
  weight: number;
  target: (ctx: { runs: string[]; vu: number }) => Target;
}

/**
 * The route mix: what a user of the dashboard and the API reads most, and a small simulation
 * (the last 5 contests, `random`, 10 tickets, answered inside the request) one request in 200.
 */
const MIX: Route[] = [
  { name: 'GET /api/v1/dashboard', weight: 200, target: () => ({ method: 'GET', path: '/api/v1/dashboard', ok: [200] }) },
  { name: 'GET / (dashboard page)', weight: 100, target: () => ({ method: 'GET', path: '/', web: true, ok: [200] }) },
  { name: 'GET /api/v1/runs', weight: 200, target: () => ({ method: 'GET', path: '/api/v1/runs', ok: [200] }) },
  { name: 'GET /api/v1/runs/{id}', weight: 150, target: ({ runs, vu }) => ({ method: 'GET', path: `/api/v1/runs/${runs[vu % runs.length]}`, ok: [200] }) },
  {
    name: 'GET /api/v1/runs/{id}/contests',
    weight: 145,
    target: ({ runs, vu }) => ({ method: 'GET', path: `/api/v1/runs/${runs[vu % runs.length]}/contests?limit=20`, ok: [200] }),
  },
  { name: 'GET /api/v1/draws?limit=50', weight: 100, target: () => ({ method: 'GET', path: '/api/v1/draws?limit=50', ok: [200] }) },
  {
    name: 'GET /api/v1/draws/{contest}',
    weight: 100,
    target: () => ({ method: 'GET', path: `/api/v1/draws/${1 + Math.floor(Math.random() * DRAWS)}`, ok: [200] }),
  },
  {
    name: 'POST /api/v1/simulations',
    weight: numberFlag('simulations', 5),
    target: () => ({
      method: 'POST',
      path: '/api/v1/simulations',
      body: JSON.stringify({
        recipe: { version: '2', name: 'load', strategy: 'random', tickets: 10, seed: 1 },
        last: 5,
        seed: Math.floor(Math.random() * 1_000_000),
      }),
      ok: [200, 202],
    }),
  },
];
const TOTAL_WEIGHT = MIX.reduce((s, r) => s + r.weight, 0);

function pickRoute(): Route {
  let x = Math.random() * TOTAL_WEIGHT;
  for (const r of MIX) if ((x -= r.weight) < 0) return r;
  return MIX[0]!;
}

interface Stage {
  /** seconds */
  duration: number;
  /** active users at the end of the stage (linear ramp from the previous target) */
  target: number;
}

/** Active users wanted `t` seconds after the start, ramping linearly between stage targets. */
function usersAt(stages: Stage[], t: number): number {
  let from = 0;
  for (const s of stages) {
    if (t < s.duration) return Math.round(from + ((s.target - from) * t) / s.duration);
    t -= s.duration;
    from = s.target;
  }
  return -1;
}

interface Sample {
  route: number;
  /** ms since the test started */
  at: number;
  latency: number;
  /** HTTP status, or 0 for a network error or a timeout */
  status: number;
  ok: boolean;
}

/** One request on the user's own keep-alive connection: status and ms from send to the last byte of the body. */
function send(base: URL, agent: http.Agent, target: Target, headers: Record<string, string>): Promise<{ status: number; latency: number }> {
  return new Promise((done) => {
    const started = performance.now();
    let finished = false;
    const finish = (status: number) => {
      if (finished) return;
      finished = true;
      done({ status, latency: performance.now() - started });
    };
    const req = http.request(
      { host: base.hostname, port: base.port, method: target.method, path: target.path, agent, headers, timeout: REQUEST_TIMEOUT_MS },
      (res) => {
        res.on('data', () => {});
        res.on('end', () => finish(res.statusCode ?? 0));
        res.on('error', () => finish(0));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => finish(0));
    req.end(target.body);
  });
}

interface Server {
  url: string;
  pid: number;
  stop: () => Promise<void>;
}

/** `luckyfive serve` from source on 127.0.0.1 and a free port, logs to a file; resolves once it listens. */
async function startServe(dir: string, processes: number, profileDir: string | undefined, serverRoot: string): Promise<Server> {
  const logFile = join(dir, 'serve.log');
  const log = openSync(logFile, 'w');
  // --profile DIR: a CPU profile of each server process, written there when it stops (open it in Chrome DevTools)
  const profile = profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${resolve(profileDir)}`];
  const child = spawn(
    process.execPath,
    [...profile, '--import', 'tsx', join(serverRoot, 'test/helpers/run-cli.ts'), 'serve', '--host', HOST, '--port', '0', '--processes', String(processes)],
    {
      env: {
        ...process.env,
        NO_COLOR: '1',
        LUCKYFIVE_DATA_DIR: dir,
        // Every user has its own address behind a trusted proxy: the per-IP limit stays at its default.
        LUCKYFIVE_TRUST_PROXY: HOST,
        LUCKYFIVE_THREADS: '1',
      },
      stdio: ['ignore', log, log],
    },
  );
  closeSync(log);
  let exited = false;
  const exit = new Promise<void>((done) => child.once('exit', () => ((exited = true), done())));
  const stop = async () => {
    if (exited || child.pid === undefined) return;
    process.kill(child.pid, 'SIGTERM');
    const stopped = await Promise.race([exit.then(() => true), sleep(30_000).then(() => false)]);
    if (!stopped) process.kill(child.pid, 'SIGKILL');
  };
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const text = readFileSync(logFile, 'utf8');
    const m = /listening on (\S+)/.exec(text);
    if (m) return { url: m[1]!.replace(/\/$/, ''), pid: child.pid!, stop };
    if (exited) throw new Error(`serve exited before listening:\n${text}`);
    await sleep(200);
  }
  await stop();
  throw new Error('serve did not listen within 120 s');
}

/** The server's processes: the one started and, under `--processes N`, its children (node:cluster workers). */
function serverPids(pid: number): number[] {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    // not Linux, or the process is gone
  }
  return [pid, ...children];
}

interface Resources {
  /** ms since the test started */
  at: number;
  /** kB, summed over the server's processes */
  rss: number;
  /** open file descriptors other than sockets (files, pipes, event fds), summed */
  fds: number;
  /** open sockets, summed: the users' connections, which follow the load rather than leak */
  sockets: number;
}

function sampleResources(pids: number[], at: number): Resources {
  let rss = 0;
  let fds = 0;
  let sockets = 0;
  for (const pid of pids) {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      rss += Number(m?.[1] ?? 0);
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        let target = '';
        try {
          target = readlinkSync(`/proc/${pid}/fd/${fd}`);
        } catch {
          // closed while listed
        }
        if (target.startsWith('socket:')) sockets++;
        else fds++;
      }
    } catch {
      // a process that just ended
    }
  }
  return { at, rss, fds, sockets };
}

/** CPU seconds (user + system) the server's processes have used so far (`/proc/PID/stat`, clock ticks of 10 ms). */
function serverCpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      // the fields after the command name (which may hold spaces): state is the 3rd field, utime the 14th, stime the 15th
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // a process that just ended
    }
  }
  return ticks / 100;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function median(xs: number[]): number {
  return percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );
}

function table(rows: Array<Record<string, string | number>>): string {
  const cols = Object.keys(rows[0] ?? {});
  return [`| ${cols.join(' | ')} |`, `|${cols.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${cols.map((c) => r[c]).join(' | ')} |`)].join('\n');
}

/** Per-route and overall figures of `samples` over `seconds` of load. */
function summarise(samples: Sample[], seconds: number): { rows: Array<Record<string, string | number>>; all: ReturnType<typeof figures> } {
  const rows = MIX.map((r, i) => ({
    name: r.name,
    ...figures(
      samples.filter((s) => s.route === i),
      seconds,
    ),
  }))
    .filter((r) => r.requests > 0)
    .map(({ name, ...f }) => row(name, f));
  const all = figures(samples, seconds);
  rows.push(row('all', all));
  return { rows, all };
}

function figures(samples: Sample[], seconds: number) {
  const lat = samples.map((s) => s.latency).sort((a, b) => a - b);
  const errors = samples.filter((s) => !s.ok);
  const byStatus = new Map<number, number>();
  for (const e of errors) byStatus.set(e.status, (byStatus.get(e.status) ?? 0) + 1);
  return {
    requests: samples.length,
    rps: samples.length / seconds,
    p50: percentile(lat, 50),
    p95: percentile(lat, 95),
    p99: percentile(lat, 99),
    max: lat.at(-1) ?? NaN,
    errors: errors.length,
    errorKinds: [...byStatus].map(([status, n]) => `${status === 0 ? 'network/timeout' : status}: ${n}`).join(', '),
  };
}

function row(name: string, f: ReturnType<typeof figures>): Record<string, string | number> {
  return {
    route: name,
    requests: f.requests,
    'req/s': f.rps.toFixed(1),
    'p50 ms': f.p50.toFixed(1),
    'p95 ms': f.p95.toFixed(1),
    'p99 ms': f.p99.toFixed(1),
    'max ms': f.max.toFixed(0),
    errors: f.errors === 0 ? 0 : `${f.errors} (${f.errorKinds})`,
  };
}

/** The thresholds that failed (empty: all met). */
function checkThresholds(all: ReturnType<typeof figures>): { checks: Array<Record<string, string>>; failed: string[] } {
  const errorRate = all.requests ? all.errors / all.requests : 1;
  const list: Array<[string, string, boolean]> = [
    ['seed: p95 < 200 ms', `${all.p95.toFixed(1)} ms`, all.p95 < 200],
    ['seed: p99 < 500 ms', `${all.p99.toFixed(1)} ms`, all.p99 < 500],
    ['seed: errors < 1%', `${(errorRate * 100).toFixed(3)}%`, errorRate < 0.01],
    ['ours: p99 < 100 ms', `${all.p99.toFixed(1)} ms`, all.p99 < 100],
    ['ours: no error', String(all.errors), all.errors === 0 && all.requests > 0],
  ];
  return {
    checks: list.map(([threshold, value, pass]) => ({ threshold, value, result: pass ? 'pass' : 'FAIL' })),
    failed: list.filter(([, , pass]) => !pass).map(([t]) => t),
  };
}

async function main(): Promise<void> {
  const soak = process.argv.includes('--soak');
  const quick = process.argv.includes('--quick');
  const users = numberFlag('users', soak ? 300 : quick ? 200 : 1000);
  const think = numberFlag('think', 1);
  const processes = numberFlag('processes', 1);
  const hold = numberFlag(soak ? 'duration' : 'hold', soak ? 600 : quick ? 10 : 60);
  const warmup = numberFlag('warmup', 60);
  const ramp = quick ? 5 : 20;
  // k6-style stages: the seed's shape (ramp, hold, step up, hold, ramp down), scaled to --users.
  const stages: Stage[] = soak
    ? [
        { duration: 30, target: users },
        { duration: hold, target: users },
        { duration: 10, target: 0 },
      ]
    : [
        { duration: ramp, target: Math.round(users / 10) },
        { duration: ramp / 2, target: Math.round(users / 10) },
        { duration: ramp, target: Math.round(users / 2) },
        { duration: ramp, target: users },
        { duration: hold, target: users },
        { duration: ramp, target: 0 },
      ];
  const total = stages.reduce((s, x) => s + x.duration, 0);

  const dir = mkdtempSync(join(tmpdir(), 'luckyfive-staged-'));
  const t0 = Date.now();
  let server: Server | undefined;
  try {
    const seeded = await seedCatalog(dir, { draws: DRAWS, indexRuns: INDEX_RUNS, realRuns: REAL_RUNS, users });
    console.error(
      `catalog: ${DRAWS} draws, ${INDEX_RUNS} index runs, ${REAL_RUNS} real runs, ${users} keys and sessions in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
    // --server-root DIR: serve from another checkout of luckyfive (its src and test/helpers), for before/after comparisons
    server = await startServe(dir, processes, stringFlag('profile'), resolve(stringFlag('server-root') ?? ROOT));
    const base = new URL(server.url);
    const pids = serverPids(server.pid);
    console.error(
      `${soak ? 'soak' : 'staged load'}: ${server.url}, ${processes} server process(es) (pids ${pids.join(', ')}), up to ${users} users, think ${think * 0.5}–${think * 1.5} s, ${total} s; load average ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    );

    const samples: Sample[] = [];
    const resources: Resources[] = [];
    const started = performance.now();
    const now = () => performance.now() - started;
    const cpuBefore = serverCpuSeconds(serverPids(server.pid));
    const ownCpuBefore = process.cpuUsage();
    const active = new Set<number>();
    const running = new Set<Promise<void>>();
    let wanted = 0;

    const user = async (vu: number, creds: UserCredentials) => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      // 10.x.y.z: one address per user, as a proxy in front of the server would report it
      const address = `10.${(vu >> 16) & 255}.${(vu >> 8) & 255}.${vu & 255}`;
      // users start at a random point of their think time, as arrivals do
      await sleep(Math.random() * think * 1000);
      while (vu < wanted) {
        const i = MIX.indexOf(pickRoute());
        const target = MIX[i]!.target({ runs: seeded.realRuns, vu });
        const headers: Record<string, string> = { 'x-forwarded-for': address, 'accept-encoding': 'br, gzip' };
        if (target.web) headers.cookie = `lf_session=${creds.session}`;
        else headers.authorization = `Bearer ${creds.key}`;
        if (target.body !== undefined) headers['content-type'] = 'application/json';
        const at = now();
        const r = await send(base, agent, target, headers);
        samples.push({ route: i, at, latency: r.latency, status: r.status, ok: target.ok.includes(r.status) });
        await sleep(think * 1000 * (0.5 + Math.random()));
      }
      agent.destroy();
      active.delete(vu);
    };

    const sampler = setInterval(() => resources.push(sampleResources(serverPids(server!.pid), now())), 5000);
    let lastReport = 0;
    while (true) {
      const t = now() / 1000;
      wanted = usersAt(stages, t);
      if (wanted < 0) break;
      for (let vu = 0; vu < wanted; vu++) {
        if (active.has(vu)) continue;
        active.add(vu);
        const p = user(vu, seeded.users[vu]!);
        running.add(p);
        void p.finally(() => running.delete(p));
      }
      if (t - lastReport >= 10) {
        lastReport = t;
        // answers that arrived in the last 10 s
        const recent = samples.filter((s) => s.at + s.latency >= (t - 10) * 1000);
        const lat = recent.map((s) => s.latency).sort((a, b) => a - b);
        console.error(
          `  t=${t.toFixed(0)} s: ${active.size} users, ${(recent.length / 10).toFixed(0)} req/s, p99 ${percentile(lat, 99).toFixed(1)} ms, errors ${recent.filter((s) => !s.ok).length}, load ${loadavg()[0]!.toFixed(2)}`,
        );
      }
      await sleep(100);
    }
    wanted = 0;
    await Promise.all(running);
    clearInterval(sampler);
    const seconds = now() / 1000;
    const serverCpu = serverCpuSeconds(serverPids(server.pid)) - cpuBefore;
    const ownCpu = process.cpuUsage(ownCpuBefore);
    const ownCpuSeconds = (ownCpu.user + ownCpu.system) / 1e6;

    const { rows, all } = summarise(samples, seconds);
    console.log(table(rows));
    console.log(
      `\nserver CPU: ${serverCpu.toFixed(1)} s over ${seconds.toFixed(0)} s (${((serverCpu / seconds) * 100).toFixed(0)}% of one core), ${((serverCpu * 1000) / all.requests).toFixed(2)} ms per request; load generator CPU: ${ownCpuSeconds.toFixed(1)} s, ${((ownCpuSeconds * 1000) / all.requests).toFixed(2)} ms per request`,
    );
    const { checks, failed } = checkThresholds(all);
    console.log(`\n${table(checks)}`);

    if (soak) {
      // from the hold's start (after the ramp) plus the warm-up, one minute; against the last minute of the hold
      const holdStart = stages[0]!.duration * 1000;
      const holdEnd = holdStart + hold * 1000;
      const first = resources.filter((r) => r.at >= holdStart + warmup * 1000 && r.at < holdStart + (warmup + 60) * 1000);
      const last = resources.filter((r) => r.at >= holdEnd - 60_000 && r.at < holdEnd);
      const growth = (pick: (r: Resources) => number) => median(last.map(pick)) / median(first.map(pick)) - 1;
      const memory = growth((r) => r.rss);
      const fds = growth((r) => r.fds);
      // one keep-alive connection per user (they come and go with the load); more would be a leak
      const sockets = last.length > 0 && last.every((r) => r.sockets <= users + SOCKET_MARGIN);
      console.log(
        `\n${table([
          {
            measure: 'RSS (kB, all server processes)',
            'after warm-up (median)': median(first.map((r) => r.rss)),
            'last minute (median)': median(last.map((r) => r.rss)),
            growth: `${(memory * 100).toFixed(1)}%`,
            result: memory <= 0.1 ? 'pass' : 'FAIL',
          },
          {
            measure: 'open fds other than sockets',
            'after warm-up (median)': median(first.map((r) => r.fds)),
            'last minute (median)': median(last.map((r) => r.fds)),
            growth: `${(fds * 100).toFixed(1)}%`,
            result: fds <= 0.1 ? 'pass' : 'FAIL',
          },
          {
            measure: `open sockets (at most ${users} users + ${SOCKET_MARGIN})`,
            'after warm-up (median)': median(first.map((r) => r.sockets)),
            'last minute (median)': median(last.map((r) => r.sockets)),
            growth: `max ${Math.max(...last.map((r) => r.sockets))}`,
            result: sockets ? 'pass' : 'FAIL',
          },
        ])}`,
      );
      console.error(
        `resource samples (s: RSS kB, fds, sockets): ${resources.map((r) => `${(r.at / 1000).toFixed(0)}: ${r.rss}, ${r.fds}, ${r.sockets}`).join('; ')}`,
      );
      if (!(memory <= 0.1)) failed.push('soak: RSS growth <= 10%');
      if (!(fds <= 0.1)) failed.push('soak: open fds (not sockets) growth <= 10%');
      if (!sockets) failed.push(`soak: open sockets <= users + ${SOCKET_MARGIN}`);
    }
    console.error(
      `load average at the end: ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    );
    if (failed.length) {
      console.error(`FAILED: ${failed.join('; ')}`);
      process.exitCode = 1;
    } else console.error('all thresholds met');
  } finally {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
