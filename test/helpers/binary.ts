/**
 * The single binary (`dist-bin/luckyfive`, built by `npm run build:binary`) for the tests: where
 * it is, and how to run it as a user without Node would, from an empty folder with a `PATH` that
 * holds no `node`. When it has not been built the caller's tests skip with a message, unless
 * LUCKYFIVE_REQUIRE_SHARED=1 (set by .ci/run, which builds it first), which makes it a failure.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { presentOrSkip } from './shared.js';

export const BINARY = resolve(import.meta.dirname, '../../dist-bin/luckyfive');

/** True when the binary has been built (see the module's note). */
export function haveBinary(): boolean {
  return presentOrSkip(existsSync(BINARY), `${BINARY} is missing (npm run build:binary)`, 'the single-binary tests');
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `file args` and collects its output; killed (by its PID) after `timeoutMs`. */
export function runProcess(file: string, args: string[], opts: { env: NodeJS.ProcessEnv; cwd: string; timeoutMs?: number }): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(file, args, { env: opts.env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
      reject(new Error(`${file} ${args.join(' ')} did not finish in ${opts.timeoutMs ?? 120_000} ms\n${stderr}`));
    }, opts.timeoutMs ?? 120_000);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

export interface Started {
  child: ChildProcess;
  /** everything written to stderr so far */
  stderr(): string;
  /** resolves once stderr matches `pattern` (rejects after `timeoutMs` or if the process exits) */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** sends `signal` to the process by its PID and waits (bounded) for it to exit; resolves its exit code */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
}

/** Starts a long-running process (`serve`, `worker`) whose stderr can be waited on. */
export function startProcess(file: string, args: string[], opts: { env: NodeJS.ProcessEnv; cwd: string }): Started {
  const child = spawn(file, args, { env: opts.env, cwd: opts.cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r((exitCode = code))));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return {
    child,
    stderr: () => stderr,
    waitFor: (pattern, timeoutMs = 60_000) =>
      new Promise((resolvePromise, reject) => {
        const started = Date.now();
        const poll = setInterval(() => {
          const m = stderr.match(pattern);
          if (m) {
            clearInterval(poll);
            resolvePromise(m);
          } else if (exitCode !== undefined || Date.now() - started > timeoutMs) {
            clearInterval(poll);
            reject(new Error(`${pattern} not seen (exit ${exitCode}); stderr:\n${stderr}`));
          }
        }, 50);
      }),
    stop: async (signal = 'SIGTERM', timeoutMs = 30_000) => {
      if (exitCode !== undefined) return exitCode;
      if (child.pid !== undefined) process.kill(child.pid, signal);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), timeoutMs)));
      const outcome = await Promise.race([exited, late]);
      clearTimeout(timer);
      if (outcome === 'late') {
        if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
        throw new Error(`${file} did not stop within ${timeoutMs} ms of ${signal}`);
      }
      return outcome;
    },
  };
}
