import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyJwt } from '../../src/auth/jwt.js';
import { runCli } from '../../src/cli/main.js';
import { cli, tempDir } from '../helpers/cli.js';
import { makeDraws, seedDraws } from '../helpers/draws.js';
import { haveOpenssl, makeCertificate } from '../helpers/tls.js';

const JWT_SECRET = 'cli-test-jwt-secret-0123456789-abcdefghijkl';

/** Runs `luckyfive serve ...` in-process until `stop()`; resolves the URL it printed. */
function startServe(args: string[], dataDir: string, env: Record<string, string> = {}) {
  const abort = new AbortController();
  let stdout = '';
  let stderr = '';
  let onListening: (url: string) => void = () => {};
  const listening = new Promise<string>((resolve) => (onListening = resolve));
  const io = {
    stdout: { write: (s: string) => ((stdout += s), true), isTTY: false },
    stderr: {
      write: (s: string) => {
        stderr += s;
        const m = /listening on (\S+)/.exec(stderr);
        if (m) onListening(m[1]!);
        return true;
      },
      isTTY: false,
    },
    env: { NO_COLOR: '1', LUCKYFIVE_DATA_DIR: dataDir, LUCKYFIVE_LOG_LEVEL: 'info', ...env },
    cwd: dataDir,
    signal: abort.signal,
  };
  const done = runCli(['serve', '--port', '0', ...args], io);
  return {
    listening: Promise.race([listening, done.then((code) => Promise.reject(new Error(`serve exited ${code}: ${stderr}`)))]),
    stop: async () => {
      abort.abort();
      return done;
    },
    output: () => ({ stdout, stderr }),
  };
}

describe('cli: auth key and auth token', () => {
  let dir: string;
  let cleanup: () => void;
  beforeAll(() => ({ dir, cleanup } = tempDir()));
  afterAll(() => cleanup());

  it('creates a key (printed once), lists keys without it, revokes by id', async () => {
    const created = await cli(['auth', 'key', 'create', '--name', 'ops', '--role', 'admin', '--expires', '90d', '--json'], { dataDir: dir });
    expect(created.code).toBe(0);
    const k = created.json();
    expect(k.key).toMatch(/^lf_[A-Za-z0-9_-]{43}$/);
    expect(k).toMatchObject({ name: 'ops', role: 'admin', revoked_at: null });
    const human = await cli(['auth', 'key', 'create', '--name', 'reader', '--role', 'viewer'], { dataDir: dir });
    expect(human.stdout.trim()).toMatch(/^lf_[A-Za-z0-9_-]{43}$/);
    expect(human.stderr).toMatch(/not shown again/);
    const list = await cli(['auth', 'key', 'list', '--json'], { dataDir: dir });
    expect(list.code).toBe(0);
    expect(list.stdout).not.toContain(k.key);
    expect(list.stdout).not.toContain(human.stdout.trim());
    expect(list.json().keys.map((x: { name: string }) => x.name)).toEqual(['reader', 'ops']);
    const table = await cli(['auth', 'key', 'list'], { dataDir: dir });
    expect(table.stdout).toMatch(/ops/);
    const revoked = await cli(['auth', 'key', 'revoke', String(k.id), '--json'], { dataDir: dir });
    expect(revoked.code).toBe(0);
    expect(revoked.json().revoked_at).not.toBeNull();
    expect((await cli(['auth', 'key', 'revoke', '999'], { dataDir: dir })).code).toBe(3);
  });

  it('refuses bad roles, durations and names with usage errors', async () => {
    expect((await cli(['auth', 'key', 'create', '--name', 'x', '--role', 'root'], { dataDir: dir })).code).toBe(2);
    expect((await cli(['auth', 'key', 'create', '--name', 'x', '--role', 'viewer', '--expires', '1.5d'], { dataDir: dir })).code).toBe(2);
    expect((await cli(['auth', 'key', 'create', '--name', "'; DROP TABLE api_keys;--", '--role', 'viewer'], { dataDir: dir })).code).toBe(2);
  });

  it('mints a verifiable HS256 token; without a secret it is E_INPUT_INVALID', async () => {
    const r = await cli(['auth', 'token', '--role', 'analyst', '--ttl', '1h', '--sub', 'alice', '--json'], {
      dataDir: dir,
      env: { LUCKYFIVE_JWT_SECRET: JWT_SECRET },
    });
    expect(r.code).toBe(0);
    const { token } = r.json();
    const claims = await verifyJwt(Buffer.from(JWT_SECRET), token, Math.floor(Date.now() / 1000));
    expect(claims).toMatchObject({ sub: 'alice', role: 'analyst' });
    const none = await cli(['auth', 'token', '--role', 'viewer', '--ttl', '1h'], { dataDir: dir });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/jwt_secret/);
    expect((await cli(['auth', 'token', '--role', 'viewer', '--ttl', '1h'], { dataDir: dir, env: { LUCKYFIVE_JWT_SECRET: 'short' } })).code).toBe(2);
    expect((await cli(['auth', 'token', '--role', 'viewer', '--ttl', '90d'], { dataDir: dir, env: { LUCKYFIVE_JWT_SECRET: JWT_SECRET } })).code).toBe(2);
  });
});

describe('cli: serve', () => {
  it('listens on loopback, answers with a CLI-made key, logs JSON without credentials, stops on the signal', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const key = (await cli(['auth', 'key', 'create', '--name', 'probe', '--role', 'viewer', '--json'], { dataDir: dir })).json().key as string;
      const server = startServe([], dir);
      const url = await server.listening;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${url}/api/v1/health`)).status).toBe(200);
      const draws = await fetch(`${url}/api/v1/draws`, { headers: { authorization: `Bearer ${key}` } });
      expect(draws.status).toBe(200);
      expect((await fetch(`${url}/api/v1/draws`, { headers: { 'x-api-key': key } })).status).toBe(200);
      expect(await server.stop()).toBe(0);
      await expect(fetch(`${url}/api/v1/health`)).rejects.toThrow();
      const { stdout, stderr } = server.output();
      expect(stderr).toMatch(/stopped/);
      const lines = stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      const line = lines.find((l) => l.route === '/api/v1/draws' && l.status === 200);
      expect(line).toMatchObject({ method: 'GET', principal: expect.stringMatching(/^key:\d+$/), duration_ms: expect.any(Number) });
      expect(line!.request_id).toEqual(expect.any(String));
      expect(stdout).not.toContain(key);
      expect(stdout).not.toContain(key.slice(3));
    } finally {
      cleanup();
    }
  });

  it('wires the import service and runs simulation jobs on its own pool', async () => {
    const { dir, cleanup } = tempDir();
    try {
      seedDraws(dir, makeDraws(4001, 4100));
      const key = (await cli(['auth', 'key', 'create', '--name', 'probe', '--role', 'analyst', '--json'], { dataDir: dir })).json().key as string;
      const server = startServe([], dir, { LUCKYFIVE_THREADS: '1', LUCKYFIVE_LOG_LEVEL: 'warn' });
      const url = await server.listening;
      const auth = { authorization: `Bearer ${key}` };
      const csvFile = new URL('../fixtures/import/english-headers.csv', import.meta.url).pathname;
      const form = new FormData();
      form.append('file', new Blob([readFileSync(csvFile)]), 'english-headers.csv');
      const imported = await fetch(`${url}/api/v1/imports?dry_run=true`, { method: 'POST', headers: auth, body: form });
      expect(imported.status).toBe(200);
      const viaCli = (await cli(['import', csvFile, '--dry-run', '--json'], { dataDir: dir })).json();
      const report = (await imported.json()) as Record<string, unknown>;
      expect({ ...report, file: null }).toEqual({ ...viaCli, file: null });
      const recipe = { version: '2', name: 'tiny', strategy: 'random', tickets: 3, history: 30 };
      const queued = await fetch(`${url}/api/v1/simulations`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ recipe, last: 40 }),
      });
      expect(queued.status).toBe(202);
      const { job_id } = (await queued.json()) as { job_id: string };
      let job: { status: string; contests_done: number | null } = { status: 'pending', contests_done: null };
      for (let i = 0; i < 400 && !['completed', 'failed'].includes(job.status); i++) {
        await new Promise((r) => setTimeout(r, 25));
        job = (await (await fetch(`${url}/api/v1/simulations/${job_id}`, { headers: auth })).json()) as typeof job;
      }
      expect(job).toMatchObject({ status: 'completed', contests_done: 40 });
      expect(await server.stop()).toBe(0);
    } finally {
      cleanup();
    }
  });

  it('--tls-cert and --tls-key go together', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const r = await cli(['serve', '--tls-cert', join(dir, 'c.pem')], { dataDir: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--tls-cert and --tls-key/);
    } finally {
      cleanup();
    }
  });

  it('refuses to start with a JWT secret shorter than 32 bytes', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const r = await cli(['serve', '--port', '0'], { dataDir: dir, env: { LUCKYFIVE_JWT_SECRET: 'too-short' } });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/jwt_secret must be at least 32 bytes/);
    } finally {
      cleanup();
    }
  });

  it.skipIf(!haveOpenssl())('serves HTTPS with HSTS when given a certificate', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const { certFile: cert, keyFile } = makeCertificate(dir, '127.0.0.1', 1);
      const server = startServe(['--tls-cert', cert, '--tls-key', keyFile], dir);
      const url = await server.listening;
      expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const res = await new Promise<{ status: number; hsts: string | undefined }>((resolve, reject) => {
        httpsRequest(`${url}/api/v1/health`, { ca: readFileSync(cert) }, (r) => {
          r.resume();
          resolve({ status: r.statusCode ?? 0, hsts: r.headers['strict-transport-security'] });
        })
          .on('error', reject)
          .end();
      });
      expect(res).toEqual({ status: 200, hsts: 'max-age=31536000; includeSubDomains' });
      expect(await server.stop()).toBe(0);
    } finally {
      cleanup();
    }
  });
});
