/**
 * `luckyfive worker` child processes for the queue tests: started from source, resolved once they
 * listen, stopped by their PID (SIGTERM, or SIGKILL for the fault tests).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

export interface TestWorker {
  child: ChildProcess;
  /** everything it wrote to stderr so far */
  stderr: () => string;
  exited: Promise<number | null>;
}

/** `luckyfive worker ARGS` in a child process, resolved once it waits for runs. */
export async function startWorker(args: string[], env: Record<string, string> = {}): Promise<TestWorker> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/helpers/run-cli.ts'), 'worker', ...args], {
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  await new Promise<void>((res, rej) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rej(new Error(`worker did not start: ${err}`));
    }, 20_000);
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString();
      if (err.includes('waiting for runs')) {
        clearTimeout(timer);
        res();
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      rej(new Error(`worker exited with ${code}: ${err}`));
    });
  });
  return { child, stderr: () => err, exited };
}

/** SIGTERM (drain) and wait for the exit code. */
export async function stopWorker(w: TestWorker): Promise<number | null> {
  if (w.child.exitCode === null && w.child.signalCode === null) process.kill(w.child.pid!, 'SIGTERM');
  return w.exited;
}

/** SIGKILL: the worker dies mid-run, as a machine that loses power. */
export async function killWorker(w: TestWorker): Promise<void> {
  if (w.child.exitCode === null && w.child.signalCode === null) process.kill(w.child.pid!, 'SIGKILL');
  await w.exited;
}
