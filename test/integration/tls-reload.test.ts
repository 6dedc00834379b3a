/**
 * `serve --tls-cert/--tls-key` reloads both files on SIGHUP (issue 16): a keep-alive connection
 * opened before the reload keeps working on it, a new connection gets the new certificate, the
 * expiry metric follows, a bad file keeps the old certificate with a clear error, SIGHUP without
 * TLS is said and ignored (Node's default would end the process), and under `--processes 2` the
 * primary passes SIGHUP to every server process. Each server is a child process stopped by its PID.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import { Agent, request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { type TestCertificate, haveOpenssl, makeCertificate } from '../helpers/tls.js';

const ROOT = join(import.meta.dirname, '..', '..');

interface Served {
  child: ChildProcess;
  url: string;
  stderr: () => string;
  /** resolves once stderr has matched `pattern` (at most 20 s) */
  said: (pattern: RegExp) => Promise<void>;
  stop: () => Promise<void>;
}

const running = new Set<Served>();

/** Starts `luckyfive serve --port 0 ARGS` as a child (public /metrics, one thread); resolves once it listens. */
async function startServe(dataDir: string, args: string[]): Promise<Served> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/helpers/run-cli.ts'), 'serve', '--port', '0', ...args], {
    env: { ...process.env, NO_COLOR: '1', LUCKYFIVE_DATA_DIR: dataDir, LUCKYFIVE_THREADS: '1', LUCKYFIVE_PUBLIC_METRICS: '1', LUCKYFIVE_LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  const said = async (pattern: RegExp, ms = 20_000) => {
    for (let waited = 0; !pattern.test(err); waited += 50) {
      if (waited > ms || child.exitCode !== null) throw new Error(`serve did not say ${pattern} (exit ${child.exitCode}): ${err}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const served: Served = {
    child,
    url: '',
    stderr: () => err,
    said,
    stop: async () => {
      running.delete(served);
      if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    },
  };
  running.add(served);
  await said(/listening on (\S+)/, 90_000);
  served.url = /listening on (\S+)/.exec(err)![1]!;
  return served;
}

interface Answer {
  status: number;
  text: string;
  /** the CN of the certificate the server presented on this connection */
  cn: string;
  reusedSocket: boolean;
}

/** GET over HTTPS on `agent` (keep-alive) or a connection of its own; any certificate is accepted, and its CN returned. */
function get(url: string, agent: Agent | false): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { agent, rejectUnauthorized: false, timeout: 10_000 }, (res) => {
      const cn = String((res.socket as TLSSocket).getPeerCertificate().subject?.CN ?? '');
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text, cn, reusedSocket: req.reusedSocket }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url}: no answer within 10 s`)));
    req.on('error', reject);
    req.end();
  });
}

const expiryOf = (metrics: string) => Number(/^luckyfive_tls_certificate_expiry_timestamp_seconds(?:\{[^}]*\})? (\S+)$/m.exec(metrics)?.[1]);

describe.skipIf(!haveOpenssl())('[16.4.6] serve reloads its TLS certificate on SIGHUP', () => {
  let dir: string;
  let cleanup: () => void;
  let a: TestCertificate;
  let b: TestCertificate;
  const certFile = () => join(dir, 'served.crt');
  const keyFile = () => join(dir, 'served.key');
  const serveWith = (c: TestCertificate) => {
    copyFileSync(c.certFile, certFile());
    copyFileSync(c.keyFile, keyFile());
  };

  beforeAll(() => {
    ({ dir, cleanup } = tempDir('luckyfive-tls-reload-'));
    a = makeCertificate(dir, 'luckyfive-a', 30);
    b = makeCertificate(dir, 'luckyfive-b', 90);
  });
  afterEach(async () => {
    for (const s of [...running]) await s.stop();
  });
  afterAll(() => cleanup());

  it('[16.4.6] keeps an open keep-alive connection, serves the new certificate to new ones, and the expiry metric follows', async () => {
    serveWith(a);
    const s = await startServe(join(dir, 'data-1'), ['--tls-cert', certFile(), '--tls-key', keyFile()]);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const before = await get(`${s.url}/api/v1/health`, agent);
      expect([before.status, before.cn]).toEqual([200, 'luckyfive-a']);
      expect(expiryOf((await get(`${s.url}/api/v1/metrics`, false)).text)).toBe(a.expiresAt);

      serveWith(b);
      process.kill(s.child.pid!, 'SIGHUP');
      await s.said(/TLS certificate reloaded from \S+served\.crt \(CN=luckyfive-b; valid until /);
      // the connection opened before the reload is still open and answers (its session is the old one)
      const same = await get(`${s.url}/api/v1/health`, agent);
      expect([same.status, same.reusedSocket, same.cn]).toEqual([200, true, 'luckyfive-a']);
      // a new connection gets the new certificate
      const fresh = await get(`${s.url}/api/v1/health`, false);
      expect([fresh.status, fresh.cn]).toEqual([200, 'luckyfive-b']);
      expect(expiryOf((await get(`${s.url}/api/v1/metrics`, false)).text)).toBe(b.expiresAt);

      // a bad file: the previous certificate stays, with an error naming the file
      writeFileSync(certFile(), 'not a certificate\n');
      process.kill(s.child.pid!, 'SIGHUP');
      await s.said(/TLS certificate NOT reloaded, the previous one is still served: --tls-cert \S+served\.crt is not a PEM certificate/);
      expect((await get(`${s.url}/api/v1/health`, false)).cn).toBe('luckyfive-b');
      // a key that does not belong to the certificate: refused the same way
      copyFileSync(a.certFile, certFile());
      process.kill(s.child.pid!, 'SIGHUP');
      await s.said(/NOT reloaded[^\n]*--tls-key \S+served\.key does not belong to the certificate/);
      expect((await get(`${s.url}/api/v1/health`, false)).cn).toBe('luckyfive-b');
      expect(s.child.exitCode).toBeNull();
    } finally {
      agent.destroy();
    }
  });

  it('[16.4.6] under --processes 2 the primary passes SIGHUP to every server process', async () => {
    serveWith(a);
    const s = await startServe(join(dir, 'data-2'), ['--processes', '2', '--tls-cert', certFile(), '--tls-key', keyFile()]);
    serveWith(b);
    process.kill(s.child.pid!, 'SIGHUP');
    await s.said(/SIGHUP: passed to 2 server process/);
    await s.said(/server process \d+: TLS certificate reloaded[\s\S]*server process \d+: TLS certificate reloaded/);
    // fresh connections go to the processes in turn: every one presents the new certificate
    for (let i = 0; i < 4; i++) expect((await get(`${s.url}/api/v1/health`, false)).cn).toBe('luckyfive-b');
    const series = [
      ...(await get(`${s.url}/api/v1/metrics`, false)).text.matchAll(/^luckyfive_tls_certificate_expiry_timestamp_seconds\{pid="\d+"\} (\S+)$/gm),
    ];
    expect(series.map((m) => Number(m[1]))).toEqual([b.expiresAt, b.expiresAt]);
    expect(s.child.exitCode).toBeNull();
  });

  it('[16.4.6] SIGHUP without TLS is said and ignored: the server keeps answering', async () => {
    const s = await startServe(join(dir, 'data-3'), []);
    process.kill(s.child.pid!, 'SIGHUP');
    await s.said(/SIGHUP ignored: no TLS certificate to reload/);
    const status = await new Promise<number>((resolve, reject) =>
      httpRequest(`${s.url}/api/v1/health`, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on('error', reject)
        .end(),
    );
    expect(status).toBe(200);
    expect(s.child.exitCode).toBeNull();
  });
});
