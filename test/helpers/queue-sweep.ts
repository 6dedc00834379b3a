/**
 * Shared pieces of the queued-sweep suites: the sweep they run, a `sweep` child process (for
 * kill -9 of the coordinator), and the comparison of a sweep's figures and tickets with another's.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { cli } from './cli.js';

const ROOT = resolve(import.meta.dirname, '../..');

/** An advanced recipe small enough for 4-6 cells of 30-60 contests to take seconds. */
export const SWEEP_RECIPE = {
  version: '2',
  name: 'sweepy',
  strategy: 'advanced',
  tickets: 4,
  numbers_per_ticket: 5,
  history: 40,
  seed: 5,
  params: { cands_mult: 3, hill_iter: 5, generations: 4, population_size: 12, elites: 2 },
};

/** The arguments of `sweep`: the recipe, two swept parameters (2 x `alphas` cells), the last `last` contests and a fixed name. */
export function sweepArgs(recipe: string, opts: { alphas?: string; last?: number; name?: string } = {}): string[] {
  return [
    'sweep',
    '--recipe',
    recipe,
    '--param',
    `alpha=${opts.alphas ?? '0.2,0.5'}`,
    '--param',
    'history=30,40',
    '--last',
    String(opts.last ?? 40),
    '--name',
    opts.name ?? 'queued',
    '--json',
  ];
}

/** Strips what differs between two runs of the same sweep (ids, times, names of ids) from a document. */
export function withoutIds(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutIds);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (['sweep_id', 'run_id', 'created_at', 'started_at', 'finished_at', 'elapsed_ms', 'duration_ms', 'file', 'owner', 'sentence'].includes(k)) continue;
      out[k] = withoutIds(x);
    }
    return out;
  }
  return v;
}

export interface CellRecord {
  cell_index: number;
  run_id: string | null;
  status: string;
  error: string | null;
}

/** A sweep's cells as the catalog records them. */
export function cellsOf(dataDir: string, sweepId: string): CellRecord[] {
  const db = new Database(join(dataDir, 'catalog.sqlite'), { readonly: true });
  try {
    return db.prepare('SELECT cell_index, run_id, status, error FROM sweep_cells WHERE sweep_id = ? ORDER BY cell_index').all(sweepId) as CellRecord[];
  } finally {
    db.close();
  }
}

/** The number of index rows per run id of a sweep's cells (a run registered twice would be refused, but count anyway). */
export function runRowsOf(dataDir: string, sweepId: string): Array<{ run_id: string; sweep_id: string | null; status: string; n: number }> {
  const db = new Database(join(dataDir, 'catalog.sqlite'), { readonly: true });
  try {
    return db
      .prepare(
        `SELECT r.run_id, r.sweep_id, r.status, COUNT(*) AS n FROM runs r JOIN sweep_cells c ON c.run_id = r.run_id WHERE c.sweep_id = ? GROUP BY r.run_id`,
      )
      .all(sweepId) as Array<{ run_id: string; sweep_id: string | null; status: string; n: number }>;
  } finally {
    db.close();
  }
}

/** `sweep show ID --json` without ids and times, and each cell's tickets (`runs export`), by cell index. */
export async function figuresOf(dataDir: string, sweepId: string): Promise<{ show: unknown; tickets: Record<number, string> }> {
  const show = await cli(['sweep', 'show', sweepId, '--json', '--top', '100'], { dataDir });
  if (show.code !== 0) throw new Error(show.stderr);
  const tickets: Record<number, string> = {};
  for (const c of cellsOf(dataDir, sweepId)) {
    if (c.status !== 'completed' || !c.run_id) continue;
    const r = await cli(['runs', 'export', c.run_id, '--format', 'csv'], { dataDir });
    tickets[c.cell_index] = r.stdout;
  }
  return { show: withoutIds(show.json()), tickets };
}

export interface CliChild {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** `luckyfive ARGS` in a child process (a coordinator that a test may kill -9). */
export function spawnCli(args: string[], env: Record<string, string>): CliChild {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/helpers/run-cli.ts'), ...args], {
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** SIGKILL by PID (when still running) and wait for the exit. */
export async function killChild(c: CliChild): Promise<void> {
  if (c.child.exitCode === null && c.child.signalCode === null) process.kill(c.child.pid!, 'SIGKILL');
  await c.exited;
}
