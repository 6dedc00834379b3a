import { spawn } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMetricName } from '../../src/core/metrics.js';
import { createPredictPool } from '../../src/engine/pool.js';
import { createSweep } from '../../src/engine/sweep/create.js';
import { defineSweep } from '../../src/engine/sweep/define.js';
import { runSweep } from '../../src/engine/sweep/run.js';
import { openCatalog } from '../../src/store/catalog.js';
import { cli, tempDir } from '../helpers/cli.js';
import { makeDraws, seedDraws } from '../helpers/draws.js';

const ROOT = resolve(import.meta.dirname, '../..');
let dir: string;
let cleanup: () => void;
let recipe: string;
const run = (args: string[]) => cli(args, { dataDir: dir });
const TINY = {
  version: '2',
  name: 'tiny',
  strategy: 'advanced',
  tickets: 4,
  numbers_per_ticket: 5,
  history: 40,
  seed: 5,
  params: { cands_mult: 3, hill_iter: 5, generations: 4, population_size: 12, elites: 2 },
};

beforeAll(() => {
  ({ dir, cleanup } = tempDir());
  seedDraws(dir, makeDraws(4001, 4300));
  recipe = join(dir, 'tiny.json');
  writeFileSync(recipe, JSON.stringify(TINY));
});
afterAll(() => cleanup());

const cellsOf = (id: string) => {
  const db = new Database(join(dir, 'catalog.sqlite'), { readonly: true });
  const rows = db.prepare('SELECT cell_index, run_id, status FROM sweep_cells WHERE sweep_id = ? ORDER BY cell_index').all(id) as Array<{
    cell_index: number;
    run_id: string | null;
    status: string;
  }>;
  db.close();
  return rows;
};

describe('sweep limits and resume', () => {
  it('--max-cells 2 stops cleanly (exit 0, complete false); --resume finishes the rest without redoing the first two', async () => {
    const first = await run([
      'sweep',
      '--recipe',
      recipe,
      '--param',
      'alpha=0.2,0.4,0.6',
      '--param',
      'history=30,40',
      '--last',
      '12',
      '--max-cells',
      '2',
      '--json',
    ]);
    expect(first.code, first.stderr).toBe(0);
    const a = first.json();
    expect(a).toMatchObject({ status: 'stopped', complete: false, cells_total: 6, cells_done: 2, cells_run: 2, stop_reason: 'max_cells' });
    expect(first.stderr).toMatch(/luckyfive sweep --resume sw-/);
    const done = cellsOf(a.sweep_id).filter((c) => c.status === 'completed');
    expect(done).toHaveLength(2);
    const stamps = done.map((c) => statSync(join(dir, 'runs', `${c.run_id}.sqlite`)).mtimeMs);
    const list = (await run(['sweep', 'list', '--json'])).json().sweeps.find((s: any) => s.sweep_id === a.sweep_id);
    expect(list).toMatchObject({ status: 'stopped', cells_done: 2, complete: false });

    const second = await run(['sweep', '--resume', a.sweep_id, '--max-cells', '3', '--json']);
    expect(second.json()).toMatchObject({ complete: false, cells_done: 5, cells_skipped: 2, cells_run: 3 });
    const third = await run(['sweep', '--resume', a.sweep_id, '--json']);
    expect(third.code).toBe(0);
    expect(third.json()).toMatchObject({ status: 'completed', complete: true, cells_done: 6, cells_skipped: 5, cells_run: 1 });
    const after = cellsOf(a.sweep_id);
    // the finished cells kept their runs, untouched
    for (const [i, c] of done.entries()) {
      expect(after.find((x) => x.cell_index === c.cell_index)!.run_id).toBe(c.run_id);
      expect(statSync(join(dir, 'runs', `${c.run_id}.sqlite`)).mtimeMs).toBe(stamps[i]);
    }
    // one run per cell, no duplicates
    expect((await run(['runs', 'list', '--sweep', a.sweep_id, '--json'])).json().runs).toHaveLength(6);
  });

  it('Ctrl-C stops every run in flight at a contest boundary (status stopped); --resume continues their files', async () => {
    const catalog = openCatalog(dir);
    const pool = createPredictPool(2);
    try {
      const def = defineSweep({ recipeFile: recipe, params: ['alpha=0.3,0.7', 'history=35,45'], range: { from: 4251, to: 4290 } });
      const { sweep_id } = createSweep(catalog, def, { metric: parseMetricName('mean_hits'), holdout_top: 3, now: () => new Date() });
      const controller = new AbortController();
      let contests = 0;
      const out = await runSweep(
        { catalog, pool, now: () => new Date(), signal: controller.signal, onEvent: (e) => e.type === 'contest' && ++contests === 20 && controller.abort() },
        sweep_id,
      );
      expect(out).toMatchObject({ status: 'stopped', complete: false, stop_reason: 'interrupted' });
      const cells = cellsOf(sweep_id);
      expect(cells.some((c) => c.status === 'pending' && c.run_id !== null)).toBe(true);
      const interrupted = cells.filter((c) => c.status !== 'completed' && c.run_id !== null).map((c) => c.run_id);
      const resumed = await run(['sweep', '--resume', sweep_id, '--json']);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.json()).toMatchObject({ status: 'completed', cells_done: 4 });
      // the interrupted cells were resumed in their own files, not restarted under new ids
      const final = cellsOf(sweep_id);
      for (const id of interrupted) expect(final.some((c) => c.run_id === id && c.status === 'completed')).toBe(true);
      for (const c of final) {
        const v = await run(['runs', 'verify', c.run_id!, '--all', '--json']);
        expect(v.json().ok).toBe(true);
      }
      // the CLI maps an interrupted sweep to exit 130
      const { runCli } = await import('../../src/cli/main.js');
      const aborted = new AbortController();
      aborted.abort();
      let stdout = '';
      const code = await runCli(['sweep', '--recipe', recipe, '--param', 'alpha=0.3,0.7', '--last', '5', '--json'], {
        stdout: { write: (s: string) => ((stdout += s), true) },
        stderr: { write: () => true },
        env: { NO_COLOR: '1', LUCKYFIVE_DATA_DIR: dir },
        cwd: process.cwd(),
        signal: aborted.signal,
      });
      expect(code).toBe(130);
      expect(JSON.parse(stdout)).toMatchObject({ status: 'stopped', complete: false, stop_reason: 'interrupted' });
    } finally {
      await pool.close();
      catalog.close();
    }
  });

  it('a deadline stops new cells from starting; a sweep run by a live process is busy (exit 5), a dead owner is taken over', async () => {
    const catalog = openCatalog(dir);
    const pool = createPredictPool(1);
    try {
      const def = defineSweep({ recipeFile: recipe, params: ['alpha=0.3,0.7'], range: { last: 5 } });
      const { sweep_id } = createSweep(catalog, def, { metric: parseMetricName('mean_hits'), holdout_top: 3, now: () => new Date() });
      // a clock that moves a second per reading: past a 1 ms deadline before the first cell
      let t = Date.UTC(2025, 0, 1);
      const out = await runSweep({ catalog, pool, now: () => new Date((t += 1000)) }, sweep_id, { deadline_ms: 1 });
      expect(out).toMatchObject({ status: 'stopped', complete: false, stop_reason: 'deadline', cells_run: 0 });

      catalog.db.prepare("UPDATE sweeps SET status = 'running', owner = ? WHERE sweep_id = ?").run(`${process.ppid}@${hostname()}`, sweep_id);
      const busy = await run(['sweep', '--resume', sweep_id]);
      expect(busy.code).toBe(5);
      expect(busy.stderr).toMatch(/being run by process/);
      catalog.db.prepare('UPDATE sweeps SET owner = ? WHERE sweep_id = ?').run(`${2 ** 22 + 12345}@${hostname()}`, sweep_id);
      const taken = await run(['sweep', '--resume', sweep_id, '--deadline', '90s', '--json']);
      expect(taken.code, taken.stderr).toBe(0);
      expect(taken.json()).toMatchObject({ status: 'completed', cells_done: 2 });
    } finally {
      await pool.close();
      catalog.close();
    }
  });

  it('kill -9 mid-sweep loses at most the cells in flight; --resume completes it', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(ROOT, 'test/helpers/run-cli.ts'),
        'sweep',
        '--recipe',
        recipe,
        '--param',
        'alpha=0.25,0.75',
        '--param',
        'history=30,50',
        '--from',
        '4201',
        '--to',
        '4300',
        '--threads',
        '2',
        '--json',
      ],
      {
        env: { ...process.env, LUCKYFIVE_DATA_DIR: dir, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let sweepId = '';
    child.stderr.on('data', (b: Buffer) => {
      const m = /sweep (sw-[a-z0-9-]+): 4 cells/.exec(b.toString());
      if (m) sweepId = m[1]!;
    });
    // kill once some contests are on disk
    const probe = setInterval(() => {
      if (!sweepId) return;
      const db = new Database(join(dir, 'catalog.sqlite'), { readonly: true });
      const n = (db.prepare('SELECT COALESCE(SUM(contests_done), 0) AS n FROM runs WHERE sweep_id = ?').get(sweepId) as { n: number }).n;
      db.close();
      if (n >= 30) child.kill('SIGKILL');
    }, 50);
    await new Promise<void>((r) => child.on('exit', () => r()));
    clearInterval(probe);
    expect(sweepId).not.toBe('');
    // killed mid-way: still marked running by a process that is gone (taken over below)
    const db = new Database(join(dir, 'catalog.sqlite'), { readonly: true });
    expect(db.prepare('SELECT status FROM sweeps WHERE sweep_id = ?').get(sweepId)).toEqual({ status: 'running' });
    db.close();
    const resumed = await run(['sweep', '--resume', sweepId, '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.json()).toMatchObject({ status: 'completed', complete: true, cells_done: 4 });
    const runs = (await run(['runs', 'list', '--sweep', sweepId, '--json'])).json().runs;
    expect(runs).toHaveLength(4);
    for (const r of runs) expect(r.contests_done).toBe(100);
  });
});
