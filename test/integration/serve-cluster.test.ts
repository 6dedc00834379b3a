/**
 * `serve --processes 2`: one port, two server processes (node:cluster). Jobs submitted over HTTP
 * run exactly once, a key's rate limit holds across the processes (buckets in the primary),
 * cached reads see writes made through the other process, /metrics sums every process, a
 * process killed with -9 is replaced, SIGTERM drains everything, and a startup error is reported
 * once with its code. Requests go on fresh connections (no keep-alive), so the primary hands them
 * to the processes in turn; which process answered is read from the JSON log lines (`pid`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { type Server, createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../helpers/cli.js';
import { makeDraws, seedDraws } from '../helpers/draws.js';
import { SLOW_RECIPE, TINY_RECIPE } from '../helpers/recipes.js';

const ROOT = join(import.meta.dirname, '..', '..');
const HEAVY_LIMIT = 6;

interface Served {
  child: ChildProcess;
  exited: Promise<number | null>;
  stderr: () => string;
  /** the JSON log lines written so far */
  logs: () => Array<Record<string, unknown>>;
}

/** Starts `luckyfive serve --processes 2 ...` as a child; resolves once it exited or printed `listening on`. */
function startServe(args: string[], env: Record<string, string>): Served & { listening: Promise<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/helpers/run-cli.ts'), 'serve', '--processes', '2', ...args], {
    env: { ...process.env, NO_COLOR: '1', LUCKYFIVE_THREADS: '1', LUCKYFIVE_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  const listening = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not listen within 90 s: ${err}`)), 90_000);
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString();
      const m = /listening on (\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}: ${err}`));
    });
  });
  listening.catch(() => undefined);
  const logs = () =>
    out.split('\n').flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  return { child, exited, stderr: () => err, logs, listening };
}

interface Answer {
  status: number;
  text: string;
  json: () => any;
}

/** One request on a connection of its own (no keep-alive), so consecutive requests go to the processes in turn. */
function call(base: string, method: string, path: string, key?: string, body?: unknown): Promise<Answer> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${base}${path}`,
      {
        method,
        agent: false,
        headers: {
          connection: 'close',
          ...(key ? { authorization: `Bearer ${key}` } : {}),
          ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
        },
        timeout: 30_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text, json: () => JSON.parse(text) }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within 30 s`)));
    req.on('error', reject);
    req.end(payload);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The pids whose request log lines match. */
function pidsOf(logs: Array<Record<string, unknown>>, match: (l: Record<string, unknown>) => boolean): Set<unknown> {
  return new Set(logs.filter((l) => l.msg === 'request' && match(l)).map((l) => l.pid));
}

/** Waits (at most 10 s) until `count` request log lines match: a line is written after its answer was sent. */
async function requestLines(s: Served, count: number, match: (l: Record<string, unknown>) => boolean): Promise<Set<unknown>> {
  for (let i = 0; i < 100 && s.logs().filter((l) => l.msg === 'request' && match(l)).length < count; i++) await sleep(100);
  return pidsOf(s.logs(), match);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('serve --processes 2', () => {
  let dir: string;
  let cleanup: () => void;
  let server: Served | undefined;
  let base: string;
  const keys: Record<'jobs' | 'rate' | 'writer' | 'reader', { id: number; key: string }> = {} as never;

  beforeAll(async () => {
    ({ dir, cleanup } = tempDir('luckyfive-cluster-'));
    seedDraws(dir, makeDraws(4001, 4100));
    for (const [name, role] of [
      ['jobs', 'analyst'],
      ['rate', 'analyst'],
      ['writer', 'analyst'],
      ['reader', 'viewer'],
    ] as const) {
      const r = await cli(['auth', 'key', 'create', '--name', name, '--role', role, '--json'], { dataDir: dir });
      keys[name] = { id: r.json().id as number, key: r.json().key as string };
    }
    const s = startServe(['--port', '0'], { LUCKYFIVE_DATA_DIR: dir, LUCKYFIVE_RATE_LIMIT_HEAVY: String(HEAVY_LIMIT) });
    server = s;
    base = await s.listening;
  }, 120_000);

  afterAll(async () => {
    const s = server;
    if (s && s.child.exitCode === null && s.child.signalCode === null) {
      const children = [...new Set(s.logs().map((l) => l.pid as number))];
      s.child.kill('SIGKILL');
      for (const pid of children) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
      await s.exited;
    }
    cleanup?.();
  });

  it('[14.5.4] prints `listening on` once, with the real port', () => {
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(base).not.toMatch(/:0$/);
    expect(server!.stderr().match(/listening on/g)).toHaveLength(1);
    expect(server!.stderr()).toContain('(2 processes)');
  });

  it('[14.5.5] jobs submitted over HTTP each run exactly once, claimed by both processes', async () => {
    const submitted: string[] = [];
    for (let i = 0; i < HEAVY_LIMIT; i++) {
      const r = await call(base, 'POST', '/api/v1/simulations', keys.jobs.key, { recipe: TINY_RECIPE, last: 40 });
      expect(r.status, r.text).toBe(202);
      submitted.push(r.json().job_id as string);
    }
    const ended = new Map<string, { status: string; run_id: string; attempts: number }>();
    for (let turn = 0; turn < 600 && ended.size < submitted.length; turn++) {
      for (const id of submitted.filter((j) => !ended.has(j))) {
        const job = (await call(base, 'GET', `/api/v1/simulations/${id}`, keys.reader.key)).json();
        if (['completed', 'failed', 'cancelled'].includes(job.status as string)) ended.set(id, job);
      }
      if (ended.size < submitted.length) await sleep(100);
    }
    expect([...ended.values()].map((j) => [j.status, j.attempts])).toEqual(submitted.map(() => ['completed', 1]));
    const runIds = new Set([...ended.values()].map((j) => j.run_id));
    expect(runIds.size).toBe(submitted.length);
    // one run file per job, nothing else
    const files = readdirSync(join(dir, 'runs')).filter((f) => f.endsWith('.sqlite'));
    expect(files.sort()).toEqual([...runIds].map((id) => `${id}.sqlite`).sort());
    // each job started once, in one process; both processes claimed some
    const started = server!.logs().filter((l) => l.msg === 'job started');
    expect(started.map((l) => l.job_id).sort()).toEqual([...submitted].sort());
    expect(new Set(started.map((l) => l.pid)).size).toBe(2);
  }, 90_000);

  it('[14.5.6] a key gets its limit once across both processes (buckets held by the primary)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < HEAVY_LIMIT + 8; i++) statuses.push((await call(base, 'POST', '/api/v1/simulations', keys.rate.key, {})).status);
    // an empty body is refused (400) after the gate took its token; past the limit it is 429
    expect(statuses.filter((s) => s !== 429)).toEqual(new Array(HEAVY_LIMIT).fill(400));
    expect(statuses.filter((s) => s === 429)).toHaveLength(8);
    expect((await requestLines(server!, statuses.length, (l) => l.principal === `key:${keys.rate.id}`)).size).toBe(2);
  });

  it('[14.5.7] a cached read in one process shows a run written through the other', async () => {
    const before: number[] = [];
    for (let i = 0; i < 4; i++) before.push(((await call(base, 'GET', '/api/v1/runs?limit=100', keys.reader.key)).json().items as unknown[]).length);
    expect(new Set(before).size).toBe(1);
    const sync = await call(base, 'POST', '/api/v1/simulations', keys.writer.key, { recipe: TINY_RECIPE, last: 10 });
    expect(sync.status, sync.text).toBe(200);
    const runId = sync.json().run_id as string;
    expect((await requestLines(server!, 1, (l) => l.principal === `key:${keys.writer.id}`)).size).toBe(1);
    for (let i = 0; i < 4; i++) {
      const items = (await call(base, 'GET', '/api/v1/runs?limit=100', keys.reader.key)).json().items as Array<{ run_id: string }>;
      expect(items.map((r) => r.run_id)).toContain(runId);
      expect(items).toHaveLength(before[0]! + 1);
    }
    // both processes answered the list, before and after the write
    expect((await requestLines(server!, 8, (l) => l.route === '/api/v1/runs')).size).toBe(2);
  });

  it('[14.5.8] /metrics sums the request counter of both processes, whichever answers', async () => {
    const M = 10;
    for (let i = 0; i < M; i++) expect((await call(base, 'GET', '/api/v1/health')).status).toBe(200);
    expect((await requestLines(server!, M, (l) => l.route === '/api/v1/health')).size).toBe(2);
    for (let i = 0; i < 2; i++) {
      const text = (await call(base, 'GET', '/api/v1/metrics', keys.reader.key)).text;
      expect(text).toContain(`luckyfive_http_requests_total{route="/api/v1/health",method="GET",status="200"} ${M}\n`);
      expect(text).toMatch(new RegExp(`luckyfive_http_request_duration_seconds_count\\{route="/api/v1/health",method="GET",status="200"\\} ${M}\\n`));
      expect(text).toContain('luckyfive_server_processes 2\n');
      expect(text.match(/^luckyfive_build_info\{/gm)).toHaveLength(1);
      expect(text.match(/^luckyfive_jobs_running\{pid="\d+"\} 0$/gm)).toHaveLength(2);
    }
    expect((await requestLines(server!, 2, (l) => l.route === '/api/v1/metrics')).size).toBe(2);
  });

  it('[14.5.9] a server process killed with -9 mid-job is replaced, on the same port; its job resumes once, in one run', async () => {
    expect(new Set(server!.logs().map((l) => l.pid)).size).toBe(2);
    // a job slow enough (about 50 ms a contest) to be killed in the middle
    const recipe = { ...SLOW_RECIPE, params: { ...SLOW_RECIPE.params, hill_iter: 300 } };
    const queued = await call(base, 'POST', '/api/v1/simulations', keys.writer.key, { recipe, last: 50 });
    expect(queued.status, queued.text).toBe(202);
    const jobId = queued.json().job_id as string;
    const startedOf = () => server!.logs().filter((l) => l.msg === 'job started' && l.job_id === jobId);
    for (let i = 0; i < 300 && startedOf().length === 0; i++) await sleep(100);
    const first = startedOf()[0]!;
    const victim = first.pid as number;
    process.kill(victim, 'SIGKILL');
    for (let i = 0; i < 600 && !/is listening again/.test(server!.stderr()); i++) await sleep(100);
    expect(server!.stderr()).toMatch(new RegExp(`server process ${victim} was killed by SIGKILL; starting another in \\d+ ms`));
    expect(server!.stderr()).toMatch(/is listening again/);
    let job: { status: string; attempts: number; run_id: string; contests_done: number } | undefined;
    for (let i = 0; i < 1200; i++) {
      job = (await call(base, 'GET', `/api/v1/simulations/${jobId}`, keys.reader.key)).json();
      if (['completed', 'failed', 'cancelled'].includes(job!.status)) break;
      await sleep(100);
    }
    // resumed by another process under the run id it had: one run, one file, every contest once
    expect(job).toMatchObject({ status: 'completed', attempts: 2, run_id: first.run_id, contests_done: 50 });
    expect(startedOf().map((l) => l.pid)).not.toEqual([victim, victim]);
    expect(readdirSync(join(dir, 'runs')).filter((f) => f.startsWith(`${job!.run_id}`) && f.endsWith('.sqlite'))).toEqual([`${job!.run_id}.sqlite`]);
    const marker = server!.logs().length;
    for (let i = 0; i < 4; i++) expect((await call(base, 'GET', '/api/v1/health')).status).toBe(200);
    for (
      let i = 0;
      i < 100 &&
      server!
        .logs()
        .slice(marker)
        .filter((l) => l.msg === 'request').length < 4;
      i++
    )
      await sleep(100);
    const answered = new Set(
      server!
        .logs()
        .slice(marker)
        .filter((l) => l.msg === 'request')
        .map((l) => l.pid),
    );
    expect(answered.has(victim)).toBe(false);
    expect(answered.size).toBe(2);
  }, 90_000);

  it('[14.5.10] SIGTERM to the primary drains every process; the primary exits 0', async () => {
    const s = server!;
    const children = [...new Set(s.logs().map((l) => l.pid as number))];
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    expect(s.stderr()).toMatch(/stopping: every server process/);
    expect(s.stderr()).toMatch(/stopped\n$/);
    expect(children.filter(isAlive)).toEqual([]);
  }, 60_000);
});

describe('serve --processes 2: startup errors', () => {
  let busy: Server | undefined;
  afterAll(() => busy?.close());

  it('[14.5.11] a port in use is reported once, with the exit code of one server (5)', async () => {
    busy = createServer();
    await new Promise<void>((resolve) => busy!.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    const { dir, cleanup } = tempDir('luckyfive-cluster-');
    try {
      const s = startServe(['--port', String(port)], { LUCKYFIVE_DATA_DIR: dir });
      const code = await Promise.race([s.exited, sleep(90_000).then(() => 'timeout')]);
      if (code === 'timeout') s.child.kill('SIGKILL');
      expect(code).toBe(5);
      expect(s.stderr().match(/already in use/g)).toHaveLength(1);
      expect(s.stderr()).not.toMatch(/listening on/);
    } finally {
      cleanup();
    }
  }, 100_000);
});

/** The server processes the primary `pid` runs now: its children running the CLI (read from /proc, Linux). */
function serverProcesses(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid ...: comm may hold spaces, so read after its closing parenthesis
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('run-cli.ts')) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

describe('serve --processes 2: failing processes', () => {
  it('[14.5.20] bad TLS files are reported once, with the exit code of one server', async () => {
    const { dir, cleanup } = tempDir('luckyfive-cluster-');
    try {
      const s = startServe(['--port', '0', '--tls-cert', join(dir, 'missing-cert.pem'), '--tls-key', join(dir, 'missing-key.pem')], {
        LUCKYFIVE_DATA_DIR: dir,
      });
      const code = await Promise.race([s.exited, sleep(90_000).then(() => 'timeout')]);
      if (code === 'timeout') s.child.kill('SIGKILL');
      const single = await cli(['serve', '--port', '0', '--tls-cert', join(dir, 'missing-cert.pem'), '--tls-key', join(dir, 'missing-key.pem')], {
        dataDir: dir,
      });
      expect(code).toBe(single.code);
      expect(code).not.toBe(0);
      const firstLine = single.stderr.trim().split('\n')[0]!;
      expect(s.stderr().split(firstLine)).toHaveLength(2);
    } finally {
      cleanup();
    }
  }, 100_000);

  it('[14.5.21] when server processes keep dying the primary stops and exits non-zero', async () => {
    const { dir, cleanup } = tempDir('luckyfive-cluster-');
    const s = startServe(['--port', '0'], { LUCKYFIVE_DATA_DIR: dir });
    try {
      await s.listening;
      // kill every server process the primary starts, as soon as it appears
      let kills = 0;
      for (let i = 0; i < 600 && s.child.exitCode === null; i++) {
        for (const pid of serverProcesses(s.child.pid!)) {
          try {
            process.kill(pid, 'SIGKILL');
            kills++;
          } catch {
            // gone already
          }
        }
        await sleep(50);
      }
      expect(await s.exited).toBe(1);
      expect(kills).toBeGreaterThanOrEqual(5);
      expect(s.stderr()).toMatch(/starting another in 250 ms/);
      expect(s.stderr()).toMatch(/server processes keep dying \(5 within 30 s; the last one was killed by SIGKILL\): stopping/);
    } finally {
      if (s.child.exitCode === null) s.child.kill('SIGKILL');
      for (const pid of serverProcesses(s.child.pid!)) process.kill(pid, 'SIGKILL');
      cleanup();
    }
  }, 120_000);
});
