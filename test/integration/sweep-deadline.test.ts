import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../helpers/cli.js';
import { makeDraws, seedDraws } from '../helpers/draws.js';

let dir: string;
let cleanup: () => void;
let recipe: string;
const run = (args: string[]) => cli(args, { dataDir: dir });
/** advanced and heavy: two cells of 200 contests take well over ten seconds on two threads */
const HEAVY = {
  version: '2',
  name: 'heavy',
  strategy: 'advanced',
  tickets: 10,
  numbers_per_ticket: 5,
  history: 50,
  seed: 3,
  params: { cands_mult: 10, hill_iter: 120 },
};

beforeAll(() => {
  ({ dir, cleanup } = tempDir());
  seedDraws(dir, makeDraws(4001, 4400));
  recipe = join(dir, 'heavy.json');
  writeFileSync(recipe, JSON.stringify(HEAVY));
});
afterAll(() => cleanup());

describe('sweep --deadline', () => {
  it('[12.3.4] stops the running cells at a contest boundary when the deadline passes (complete false, stop_reason deadline), and --resume finishes them', async () => {
    const t0 = performance.now();
    const first = await run([
      'sweep',
      '--recipe',
      recipe,
      '--param',
      'alpha=0.2,0.4',
      '--from',
      '4201',
      '--to',
      '4400',
      '--threads',
      '2',
      '--deadline',
      '1s',
      '--json',
    ]);
    const wall = performance.now() - t0;
    expect(first.code, first.stderr).toBe(0);
    const a = first.json();
    expect(a).toMatchObject({ status: 'stopped', complete: false, stop_reason: 'deadline', cells_total: 2 });
    expect(a.cells_done).toBeLessThan(2);
    // Generous bounds, not a timing claim: the sweep itself (elapsed_ms, from its start) ends
    // within the deadline plus 4 s, the command (with sweep creation and the pool's start-up on a
    // loaded machine) within 12 s. Before the fix the running cells ran to their end.
    expect(a.elapsed_ms).toBeLessThan(5_000);
    expect(wall).toBeLessThan(12_000);
    // stopped cells are pending with a partial run file, resumable
    const db = new Database(join(dir, 'catalog.sqlite'), { readonly: true });
    const runs = db
      .prepare('SELECT r.status, r.contests_done FROM sweep_cells c JOIN runs r ON r.run_id = c.run_id WHERE c.sweep_id = ?')
      .all(a.sweep_id) as Array<{ status: string; contests_done: number }>;
    db.close();
    expect(runs.some((r) => r.status === 'cancelled' && r.contests_done < 200)).toBe(true);

    const rest = await run(['sweep', '--resume', a.sweep_id, '--threads', '2', '--json']);
    expect(rest.code, rest.stderr).toBe(0);
    expect(rest.json()).toMatchObject({ status: 'completed', complete: true, cells_done: 2, stop_reason: null });
    for (const id of (await run(['runs', 'list', '--sweep', a.sweep_id, '--json'])).json().runs.map((r: { run_id: string }) => r.run_id)) {
      const v = await run(['runs', 'verify', id, '--sample', '5', '--json']);
      expect(v.json().ok, id).toBe(true);
    }
  }, 120_000);
});
