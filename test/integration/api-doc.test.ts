// docs/api.md as a reader runs it: its `bash` blocks, in order, in one bash with `set -euo pipefail`, against a fresh
// `luckyfive serve` (a child process on 127.0.0.1, port 0, a new data dir, a JWT secret), with `luckyfive` on PATH (the CLI
// from source) and `$BASE` set to the server's address. Run in a scratch directory where `data/` is the repository's, so
// `data/sample/quina-sample.csv` resolves and downloads land there. Needs bash, curl and jq.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { presentOrSkip } from '../helpers/shared.js';

const ROOT = resolve(import.meta.dirname, '../..');

function haveDocTools(): boolean {
  const missing = ['bash', 'curl', 'jq'].filter((t) => spawnSync('sh', ['-c', `command -v ${t}`], { stdio: 'ignore' }).status !== 0);
  return presentOrSkip(missing.length === 0, `${missing.join(', ')} missing (apt-get install ${missing.join(' ')})`, 'the docs/api.md walk-through');
}

/** The `bash` blocks of docs/api.md (the `sh` ones, such as starting the server, are shown only). */
function bashBlocks(): string[] {
  const text = readFileSync(join(ROOT, 'docs/api.md'), 'utf8');
  return [...text.matchAll(/^```bash\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

let dir: string | undefined;
let serve: ChildProcess | undefined;

afterAll(async () => {
  if (serve?.pid !== undefined && serve.exitCode === null) {
    const exited = new Promise((ok) => serve!.once('exit', ok));
    process.kill(serve.pid, 'SIGTERM');
    const timer = setTimeout(() => serve?.pid !== undefined && serve.exitCode === null && process.kill(serve.pid, 'SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!haveDocTools())('docs/api.md', () => {
  it('[17.2.6] every bash block runs against a fresh server and prints what the page says it does', async () => {
    dir = mkdtempSync(join(tmpdir(), 'luckyfive-api-doc-'));
    const bin = join(dir, 'bin');
    const work = join(dir, 'work');
    for (const d of [bin, work]) spawnSync('mkdir', ['-p', d]);
    symlinkSync(join(ROOT, 'data'), join(work, 'data'));
    const tsx = import.meta.resolve('tsx');
    writeFileSync(join(bin, 'luckyfive'), `#!/bin/sh\nexec "${process.execPath}" --import "${tsx}" "${join(ROOT, 'test/helpers/run-cli.ts')}" "$@"\n`);
    chmodSync(join(bin, 'luckyfive'), 0o755);
    const env = {
      ...process.env,
      PATH: `${bin}:${process.env.PATH}`,
      LUCKYFIVE_DATA_DIR: join(dir, 'data'),
      LUCKYFIVE_JWT_SECRET: 'docs-walk-through-secret-0123456789abcdef',
      LUCKYFIVE_THREADS: '1',
      LUCKYFIVE_LOG_LEVEL: 'warn',
    };

    serve = spawn(join(bin, 'luckyfive'), ['serve', '--host', '127.0.0.1', '--port', '0'], { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let served = '';
    const base = await new Promise<string>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`serve did not start: ${served}`)), 60_000);
      const read = (chunk: Buffer) => {
        served += chunk.toString();
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(served);
        if (m) {
          clearTimeout(timer);
          ok(m[1]!);
        }
      };
      serve!.stdout!.on('data', read);
      serve!.stderr!.on('data', read);
      serve!.once('exit', (code) => fail(new Error(`serve exited ${code}: ${served}`)));
    });

    const blocks = bashBlocks();
    expect(blocks.length).toBeGreaterThan(8);
    const script = ['set -euo pipefail', ...blocks].join('\n');
    const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((ok) => {
      const child = spawn('bash', ['-c', script], { cwd: work, env: { ...env, BASE: base }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const timer = setTimeout(() => child.pid !== undefined && process.kill(child.pid, 'SIGKILL'), 240_000);
      child.once('exit', (code) => {
        clearTimeout(timer);
        ok({ code, stdout, stderr });
      });
    });
    expect(out.code, `the blocks failed:\n${out.stdout}\n${out.stderr}`).toBe(0);
    const expected = [
      /^\{"status":"ok","databases":\{"catalog":"ok"\}\}$/m, // health
      /^\["aggressive",.*"balanced"/m, // presets with a fresh key
      /^\{"name":"balanced","strategy":"\w+"\}$/m, // X-API-Key
      /^\{"id":3,"revoked_at":"\d{4}-/m, // revoked over HTTP
      /^\{"name":"balanced","recipe_hash":"[0-9a-f]{64}"\}$/m, // a JWT
      /^\{"rows_read":2000,"inserted":2000,"dry_run":true\}$/m,
      /^\{"inserted":2000,"first_contest":4883,"last_contest":6882,"synthetic":true\}$/m,
      /^\[6879,6878,6877\]$/m, // the second page
      /^draws in 2024: [1-9]\d*$/m,
      /^\{"run_id":"[a-z0-9-]+","status":"completed","mean_hits":[\d.]+\}$/m, // the run answered at once
      /^queued job-/m,
      /^job completed$/m,
      /^\{"status":"completed","contests":100,"mean_hits":[\d.]+,"expected":[\d.]+,"sentence":"/m,
      /"next_cursor":"[A-Za-z0-9_-]+"\}$/m,
      /"code":"E_UNAUTHORIZED".* HTTP 401$/m,
      /"code":"E_INPUT_INVALID".*query\.limit.* HTTP 400$/m,
      /"code":"E_FORBIDDEN".* HTTP 403$/m,
      /^(403 ){9}429 $/m,
      /^HTTP\/1\.1 429/m,
      /^retry-after: \d+/im,
    ];
    for (const re of expected) expect(out.stdout, `docs/api.md printed no line matching ${re}`).toMatch(re);
    expect(readFileSync(join(work, 'run-report.html'), 'utf8')).toMatch(/^<!doctype html>/i);
    expect(existsSync(join(dir, 'data'))).toBe(true);
  }, 400_000);
});
