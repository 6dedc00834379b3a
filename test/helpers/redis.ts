/**
 * A throwaway `redis-server` on 127.0.0.1 and a free port, for the tests of the shared rate-limit
 * store. When redis-server is not installed the caller's tests skip with a message, unless
 * LUCKYFIVE_REQUIRE_SHARED=1 (set by .ci/run), which makes it a failure.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { presentOrSkip } from './shared.js';

export function haveRedisServer(): boolean {
  const present = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
  return presentOrSkip(present, 'redis-server is not installed (apt-get install redis-server)', 'the Redis tests');
}

/** A TCP port free on 127.0.0.1 now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export interface TestRedis {
  url: string;
  port: number;
  /** the server's PID (for kill -9 tests) */
  pid(): number;
  /** stops the server (by its PID) and waits for it to exit */
  stop(): Promise<void>;
  /** starts it again on the same port (with `persist`, on the same data); the previous one must be stopped */
  restart(): Promise<void>;
}

export interface StartRedisOptions {
  /** keep the data in an append-only file in this directory, so a restart finds it again */
  persistDir?: string;
}

async function launch(port: number, opts: StartRedisOptions): Promise<{ child: ChildProcess; exited: Promise<void> }> {
  const persistence = opts.persistDir
    ? ['--dir', opts.persistDir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '']
    : ['--save', '', '--appendonly', 'no'];
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', ...persistence], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server did not start: ${out}`));
    }, 10_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}: ${out}`));
    });
  });
  return { child, exited };
}

/** Starts redis-server (without persistence unless `persistDir`) and resolves once it accepts connections. */
export async function startRedis(opts: StartRedisOptions = {}): Promise<TestRedis> {
  const port = await freePort();
  let current = await launch(port, opts);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: () => current.child.pid!,
    stop: async () => {
      if (current.child.exitCode === null && current.child.signalCode === null) process.kill(current.child.pid!, 'SIGTERM');
      await current.exited;
    },
    restart: async () => {
      current = await launch(port, opts);
    },
  };
}
