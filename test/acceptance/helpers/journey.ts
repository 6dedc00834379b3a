/**
 * What the acceptance journeys share: the built CLI (`node bin/luckyfive.js`, which runs `dist/`)
 * run as a child process the way a user runs it, `serve` started on a free loopback port and
 * stopped by its PID, and the small pieces of independent arithmetic the journeys check the
 * CLI's figures against (exact binomials with BigInt, hits counted from the draws, an RFC 4180
 * CSV reader). Nothing here imports the code under test.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Started, startProcess } from '../../helpers/binary.js';
import { presentOrSkip } from '../../helpers/shared.js';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const BIN = join(ROOT, 'bin/luckyfive.js');

/** True when `dist/` has been built (`npm run build`); else the journeys skip (a failure under LUCKYFIVE_REQUIRE_SHARED=1). */
export function haveBuiltCli(): boolean {
  return presentOrSkip(existsSync(join(ROOT, 'dist/cli/main.js')), `${join(ROOT, 'dist')} is missing (npm run build)`, 'the acceptance journeys');
}

/** A fresh temporary data dir for one journey, and its removal. */
export function journeyDir(name: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `luckyfive-journey-${name}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  json<T = any>(): T;
}

/** The environment of every CLI child: the journey's data dir, no colour, one worker thread (results must not depend on the cores). */
export function cliEnv(dataDir: string, env: Record<string, string> = {}): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('LUCKYFIVE_')) base[k] = v;
  return { ...base, NO_COLOR: '1', LUCKYFIVE_DATA_DIR: dataDir, LUCKYFIVE_THREADS: '1', ...env };
}

/**
 * Runs `node bin/luckyfive.js args` in `dataDir` (cwd too) and collects its output. `onStdout` sees
 * each chunk and may return true to SIGKILL the child (by its PID). Killed after `timeoutMs` anyway.
 */
export function lf(
  dataDir: string,
  args: string[],
  opts: { env?: Record<string, string>; timeoutMs?: number; onStdout?: (all: string) => boolean } = {},
): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: cliEnv(dataDir, opts.env), cwd: dataDir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let killed = false;
    const kill = () => {
      if (!killed && child.pid !== undefined && child.exitCode === null) {
        killed = true;
        process.kill(child.pid, 'SIGKILL');
      }
    };
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      if (opts.onStdout?.(stdout)) kill();
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timeoutMs = opts.timeoutMs ?? 90_000;
    const timer = setTimeout(() => {
      kill();
      reject(new Error(`luckyfive ${args.join(' ')} did not finish in ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({
        code,
        signal,
        stdout,
        stderr,
        json: () => {
          try {
            return JSON.parse(stdout);
          } catch {
            throw new Error(`luckyfive ${args.join(' ')} (exit ${code}) did not print one JSON document:\n${stdout.slice(0, 500)}\n${stderr}`);
          }
        },
      });
    });
  });
}

/** {@link lf} that must exit 0; returns the parsed `--json` document. */
export async function lfJson<T = any>(dataDir: string, args: string[], opts: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<T> {
  const r = await lf(dataDir, [...args, '--json'], opts);
  if (r.code !== 0) throw new Error(`luckyfive ${args.join(' ')} --json exited ${r.code}:\n${r.stderr}`);
  return r.json<T>();
}

/** {@link lf} that must exit 0; returns stdout. */
export async function lfOut(dataDir: string, args: string[], opts: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<string> {
  const r = await lf(dataDir, args, opts);
  if (r.code !== 0) throw new Error(`luckyfive ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
  return r.stdout;
}

export interface Served {
  url: string;
  process: Started;
  /** SIGTERM by PID, waits for the exit (bounded); resolves the exit code */
  stop(): Promise<number | null>;
}

/** Starts `node bin/luckyfive.js serve --port 0` (loopback) on `dataDir` and resolves the URL it prints. */
export async function serve(dataDir: string, env: Record<string, string> = {}): Promise<Served> {
  const p = startProcess(process.execPath, [BIN, 'serve', '--port', '0'], { env: cliEnv(dataDir, { LUCKYFIVE_LOG_LEVEL: 'warn', ...env }), cwd: dataDir });
  try {
    const m = await p.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/, 30_000);
    return { url: m[1]!, process: p, stop: () => p.stop('SIGTERM', 20_000) };
  } catch (e) {
    await p.stop('SIGKILL', 5_000).catch(() => undefined);
    throw e;
  }
}

/** One HTTP exchange with the server: status, headers and the body parsed as JSON when it is JSON. */
export async function http(
  url: string,
  opts: { method?: string; key?: string; body?: unknown } = {},
): Promise<{ status: number; headers: Headers; body: any; text: string }> {
  const res = await fetch(url, {
    method: opts.method ?? (opts.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(opts.key ? { authorization: `Bearer ${opts.key}` } : {}),
      ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
    signal: AbortSignal.timeout(20_000),
  });
  const text = await res.text();
  let body: any = undefined;
  if ((res.headers.get('content-type') ?? '').includes('json')) body = JSON.parse(text);
  return { status: res.status, headers: res.headers, body, text };
}

// --- independent arithmetic -------------------------------------------------------------------

/** C(n, k) exactly. */
export function binom(n: number, k: number): bigint {
  if (k < 0 || k > n) return 0n;
  let r = 1n;
  for (let i = 0; i < k; i++) r = (r * BigInt(n - i)) / BigInt(i + 1);
  return r;
}

/** P(h hits) for a k-number ticket when 5 of 80 are drawn: C(5,h)·C(75,k-h)/C(80,k), exact as a fraction, returned as a double. */
export function hitProbability(k: number, h: number): number {
  const num = binom(5, h) * binom(75, k - h);
  const den = binom(80, k);
  // 1e18 keeps 18 significant digits before the single rounding to a double
  return Number((num * 10n ** 18n) / den) / 1e18;
}

/** How many of `ticket` are among `balls`. */
export function hitsOf(ticket: readonly number[], balls: readonly number[]): number {
  const drawn = new Set(balls);
  return ticket.filter((n) => drawn.has(n)).length;
}

/** A strict RFC 4180 reader: quoted fields with doubled quotes, CRLF or LF line ends; every row must have the header's width. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  let fieldStarted = false;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"') {
      if (fieldStarted) throw new Error(`a quote inside an unquoted field at offset ${i}`);
      quoted = true;
      fieldStarted = true;
      i++;
    } else if (c === ',') {
      row.push(field);
      field = '';
      fieldStarted = false;
      i++;
    } else if (c === '\r' || c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      fieldStarted = false;
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else {
      field += c;
      fieldStarted = true;
      i++;
    }
  }
  if (quoted) throw new Error('an unterminated quoted field');
  if (fieldStarted || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  const width = rows[0]?.length ?? 0;
  rows.forEach((r, n) => {
    if (r.length !== width) throw new Error(`row ${n} has ${r.length} fields, the header ${width}`);
  });
  return rows;
}

/** CSV text as objects keyed by the header row. */
export function csvRecords(text: string): Array<Record<string, string>> {
  const [header, ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]!])));
}

/** The draws of `draws list --json` as contest → balls. */
export function ballsByContest(drawsJson: { draws: Array<{ contest: number; balls: number[] }> }): Map<number, number[]> {
  return new Map(drawsJson.draws.map((d) => [d.contest, d.balls]));
}

/** Tickets of `runs export --format csv`: contest, ticket index, numbers, the hits the run stored. */
export function exportedTickets(csv: string): Array<{ contest: number; ticket: number; numbers: number[]; hits: number }> {
  return csvRecords(csv).map((r) => ({
    contest: Number(r.contest),
    ticket: Number(r.ticket),
    numbers: r.numbers!.split(' ').map(Number),
    hits: Number(r.hits),
  }));
}

/** The time one step of a journey may take: generous, since CI shares two cores with other jobs. */
export const STEP_MS = 120_000;
