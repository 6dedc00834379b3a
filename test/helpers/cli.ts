import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  json<T = any>(): T;
}

/**
 * Worker threads for every CLI run a test makes, unless it sets `--threads` or `LUCKYFIVE_THREADS`
 * itself: results and timings must not depend on how many cores the machine has.
 */
export const TEST_THREADS = '2';

/** Runs the CLI in-process with captured streams, a private data dir, no colour and `TEST_THREADS` threads. */
export async function cli(args: string[], options: { dataDir?: string; env?: Record<string, string>; cwd?: string } = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: { write: (s: string) => ((stdout += s), true), isTTY: false },
    stderr: { write: (s: string) => ((stderr += s), true), isTTY: false },
    env: { NO_COLOR: '1', LUCKYFIVE_THREADS: TEST_THREADS, ...(options.dataDir ? { LUCKYFIVE_DATA_DIR: options.dataDir } : {}), ...options.env },
    cwd: options.cwd ?? process.cwd(),
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr, json: () => JSON.parse(stdout) };
}

/** A fresh temporary directory, removed by the returned function. */
export function tempDir(prefix = 'luckyfive-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
