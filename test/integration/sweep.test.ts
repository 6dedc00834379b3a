import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holm } from '../../src/core/stats.js';
import { cli, tempDir } from '../helpers/cli.js';
import { makeDraws, seedDraws } from '../helpers/draws.js';

let dir: string;
let cleanup: () => void;
let recipe: string;
/** the 2x2 sweep every test below reads */
let main: any;

const TINY = {
  version: '2',
  name: 'tiny',
  strategy: 'advanced',
  tickets: 4,
  numbers_per_ticket: 5,
  history: 40,
  seed: 3,
  params: { cands_mult: 3, hill_iter: 5, generations: 4, population_size: 12, elites: 2 },
};
const run = (args: string[]) => cli(args, { dataDir: dir });
const contestsOf = (id: string) => {
  const db = new Database(join(dir, 'runs', `${id}.sqlite`), { readonly: true });
  const rows = db.prepare('SELECT * FROM contests ORDER BY contest').all();
  const tickets = db.prepare('SELECT * FROM tickets ORDER BY contest, ticket').all();
  db.close();
  return { rows, tickets };
};

beforeAll(async () => {
  ({ dir, cleanup } = tempDir());
  seedDraws(dir, makeDraws(4001, 4300));
  recipe = join(dir, 'tiny.json');
  writeFileSync(recipe, JSON.stringify(TINY));
  const r = await run([
    'sweep',
    '--recipe',
    recipe,
    '--param',
    'alpha=0.2,0.5',
    '--param',
    'history=30,50',
    '--from',
    '4281',
    '--to',
    '4295',
    '--threads',
    '2',
    '--json',
  ]);
  expect(r.code, r.stderr).toBe(0);
  main = r.json();
});
afterAll(() => cleanup());

describe('sweep', () => {
  it('a 2x2 sweep completes and every cell is a run with its sweep_id', async () => {
    expect(main).toMatchObject({ status: 'completed', complete: true, cells_total: 4, cells_done: 4, cells_failed: 0, cells_skipped: 0 });
    expect(main.sweep_id).toMatch(/^sw-/);
    expect(main.elapsed_ms).toBeGreaterThan(0);
    const runs = (await run(['runs', 'list', '--sweep', main.sweep_id, '--json'])).json().runs;
    expect(runs).toHaveLength(4);
    for (const r of runs) {
      expect(r.sweep_id).toBe(main.sweep_id);
      expect(r.status).toBe('completed');
      expect(r.first_contest).toBe(4281);
      expect(r.contests_done).toBe(15);
    }
    expect(new Set(runs.map((r: any) => `${r.recipe.history}/${r.recipe.params.alpha}`))).toEqual(new Set(['30/0.2', '50/0.2', '30/0.5', '50/0.5']));
    const list = (await run(['sweep', 'list', '--json'])).json();
    expect(list.sweeps[0]).toMatchObject({ sweep_id: main.sweep_id, status: 'completed', cells_total: 4, cells_done: 4, complete: true });
  });

  it('sweep show: baseline, raw p, Holm and BH over ALL cells, and the "best of N" flag', async () => {
    const all = (await run(['sweep', 'show', main.sweep_id, '--json'])).json();
    expect(all.cells).toHaveLength(4);
    expect(all.adjustment.family_size).toBe(4);
    const top1 = (await run(['sweep', 'show', main.sweep_id, '--top', '1', '--json'])).json();
    expect(top1.cells).toHaveLength(1);
    const ps = all.cells.map((c: any) => c.p_value);
    const h = holm(ps);
    expect(top1.cells[0].p_holm).toBeCloseTo(h[0]!, 12);
    expect(top1.cells[0].rank).toBe(1);
    expect(top1.cells[0].flag).toBe('best of 4');
    expect(all.cells.filter((c: any) => c.flag !== null)).toHaveLength(1);
    expect(top1.cells[0].baseline).toBeCloseTo(0.3125, 12);
    for (const c of all.cells) {
      expect(c.p_holm).toBeGreaterThanOrEqual(c.p_value);
      expect(c.p_bh).toBeGreaterThanOrEqual(c.p_value);
      expect(c.p_bh).toBeLessThanOrEqual(c.p_holm + 1e-12);
    }
    expect(top1.best).toMatchObject({ of: 4, cell_index: top1.cells[0].cell_index, metric: 'mean_hits' });
    expect(top1.best.sentence).toMatch(/^best of 4 cells: mean_hits \d\.\d{4} vs 0\.3125 expected/);
    expect(main.best.sentence).toBe(top1.best.sentence);
    const text = (await run(['sweep', 'show', main.sweep_id, '--top', '2'])).stdout;
    expect(text).toMatch(/p Holm/);
    expect(text).toMatch(/p BH/);
    expect(text).toMatch(/best of 4 cells/);
    expect(text).toMatch(/\| 1 \(best of 4\) +\|/);
    expect(text).toMatch(/2 more cells; adjusted p-values cover all 4 finished cells/);
    const byBest = (await run(['sweep', 'show', main.sweep_id, '--by', 'best_2plus', '--json'])).json();
    expect(byBest.metric).toBe('best_2plus');
    expect((await run(['sweep', 'show', main.sweep_id, '--by', 'nope'])).code).toBe(2);
    expect((await run(['sweep', 'show', 'sw-nonexistent'])).code).toBe(3);
  });

  it("a cell's results are byte-identical to the same recipe run alone with simulate", async () => {
    const runs = (await run(['runs', 'list', '--sweep', main.sweep_id, '--json'])).json().runs;
    const cell = runs.find((r: any) => r.recipe.history === 50 && r.recipe.params.alpha === 0.5);
    const alone = join(dir, 'alone.json');
    writeFileSync(alone, JSON.stringify(cell.recipe));
    const s = await run(['simulate', '--recipe', alone, '--from', '4281', '--to', '4295', '--threads', '1', '--json']);
    expect(s.code, s.stderr).toBe(0);
    expect(s.json().recipe_hash).toBe(cell.recipe_hash);
    const csv = async (id: string) => (await run(['runs', 'export', id])).stdout;
    expect(await csv(s.json().run_id)).toBe(await csv(cell.run_id));
    expect(contestsOf(s.json().run_id)).toEqual(contestsOf(cell.run_id));
  });

  it('the spec stored with a sweep reproduces it: same cells, same recipes, same results', async () => {
    const show = (await run(['sweep', 'show', main.sweep_id, '--json'])).json();
    expect(show.spec).toMatchObject({ version: '1', range: { from: 4281, to: 4295 }, seed: 3 });
    const file = join(dir, 'again.json');
    writeFileSync(file, JSON.stringify(show.spec));
    const again = await run(['sweep', file, '--json']);
    expect(again.code, again.stderr).toBe(0);
    const hashes = async (id: string) =>
      (await run(['runs', 'list', '--sweep', id, '--json']))
        .json()
        .runs.map((r: any) => `${r.recipe_hash}:${r.mean_hits}:${r.net_cents}`)
        .sort();
    expect(await hashes(again.json().sweep_id)).toEqual(await hashes(main.sweep_id));
  });

  it('sweep heatmap: grid data as JSON, a table for people, E_USAGE for a parameter not swept', async () => {
    const hm = (await run(['sweep', 'heatmap', main.sweep_id, '--x', 'alpha', '--y', 'history', '--json'])).json();
    expect(hm.x).toEqual({ name: 'alpha', values: [0.2, 0.5] });
    expect(hm.y).toEqual({ name: 'history', values: [30, 50] });
    expect(hm.metric).toBe('mean_hits');
    expect(hm.cells).toHaveLength(2);
    const show = (await run(['sweep', 'show', main.sweep_id, '--json'])).json();
    const c = show.cells.find((x: any) => x.params.alpha === 0.5 && x.params.history === 30);
    expect(hm.cells[0][1]).toBe(c.value);
    expect(hm.aggregate).toBe('single');
    const text = await run(['sweep', 'heatmap', main.sweep_id, '--x', 'history', '--y', 'alpha', '--metric', 'best_2plus']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/alpha \\ history/);
    expect(text.stdout).not.toMatch(/[░▒▓█]/); // plain when not a TTY
    expect((await run(['sweep', 'heatmap', main.sweep_id, '--x', 'lambda', '--y', 'history'])).code).toBe(2);
  });

  it('a cell the recipe parser rejects is recorded as failed: exit 6; when every cell is invalid: exit 2', async () => {
    const r = await run(['sweep', '--recipe', recipe, '--param', 'tickets=3,0', '--last', '10', '--json']);
    expect(r.code, r.stderr).toBe(6);
    expect(r.json()).toMatchObject({ status: 'completed_with_failures', complete: true, cells_total: 2, cells_done: 1, cells_failed: 1 });
    expect(r.stderr).toMatch(/cell 1 \(tickets=0\)/);
    const show = (await run(['sweep', 'show', r.json().sweep_id, '--json'])).json();
    expect(show.cells.find((c: any) => c.cell_index === 1)).toMatchObject({ status: 'failed', error: expect.stringMatching(/tickets: must be at least 1/) });
    const none = await run(['sweep', '--recipe', recipe, '--param', 'alhpa=0.1,0.2', '--last', '10']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/params\.alhpa: unknown key/);
  });

  it("accepts the old system's SweepConfig format", async () => {
    const legacy = join(dir, 'legacy.json');
    writeFileSync(
      legacy,
      JSON.stringify({
        name: 'old_alpha_sweep',
        base_recipe: {
          version: '1.0',
          name: 'old_base',
          parameters: { alpha: 0.1, sim_prev_max: 40, sim_preds: 3, enableEvolutionary: false, sim_count: 1000 },
        },
        parameters: [
          { name: 'alpha', type: 'discrete', values: { values: [0.2, 0.4] } },
          { name: 'sim_prev_max', type: 'discrete', values: { values: [30, 40] } },
        ],
        constraints: [],
      }),
    );
    const r = await run(['sweep', legacy, '--param', 'cands_mult=2', '--param', 'hill_iter=5', '--from', '4291', '--to', '4300', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ name: 'old_alpha_sweep', status: 'completed', cells_total: 4, cells_done: 4 });
    expect(r.stderr).toMatch(/sim_count: .*dropped/);
    const runs = (await run(['runs', 'list', '--sweep', r.json().sweep_id, '--json'])).json().runs;
    expect(runs.map((x: any) => x.recipe.history).sort()).toEqual([30, 30, 40, 40]);
    expect(runs.every((x: any) => x.recipe.tickets === 3 && x.recipe.params.evolutionary === false)).toBe(true);
  });

  it('evaluates the top cells once on a holdout range and shows both figures', async () => {
    const r = await run([
      'sweep',
      '--recipe',
      recipe,
      '--param',
      'alpha=0.2,0.5,0.8',
      '--from',
      '4281',
      '--to',
      '4290',
      '--holdout-from',
      '4291',
      '--holdout-to',
      '4300',
      '--holdout-top',
      '2',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const id = r.json().sweep_id;
    const show = (await run(['sweep', 'show', id, '--json'])).json();
    expect(show.holdout).toEqual({ from: 4291, to: 4300, top: 2 });
    const withHoldout = show.cells.filter((c: any) => c.holdout);
    // the first two in rank order (ties broken by cell index)
    expect(withHoldout.map((c: any) => c.cell_index)).toEqual(show.cells.slice(0, 2).map((c: any) => c.cell_index));
    for (const c of withHoldout) {
      expect(c.holdout).toMatchObject({ status: 'completed', first_contest: 4291, last_contest: 4300, baseline: 0.3125 });
      expect(c.holdout.value).toEqual(expect.any(Number));
      expect(c.holdout.p_holm).toBeGreaterThanOrEqual(c.holdout.p_value);
    }
    const runs = (await run(['runs', 'list', '--sweep', id, '--json'])).json().runs;
    expect(runs).toHaveLength(5);
    expect(runs.filter((x: any) => x.first_contest === 4291)).toHaveLength(2);
    // resuming a complete sweep runs nothing again (the holdout is evaluated once)
    const again = await run(['sweep', '--resume', id, '--json']);
    expect(again.code).toBe(0);
    expect(again.json()).toMatchObject({ complete: true, cells_skipped: 3, cells_run: 0 });
    expect((await run(['runs', 'list', '--sweep', id, '--json'])).json().runs).toHaveLength(5);
    const text = (await run(['sweep', 'show', id])).stdout;
    expect(text).toMatch(/holdout 4291\.\.4300 of the best cell/);
    // a holdout that overlaps the sweep range is refused before anything is written
    const before = (await run(['sweep', 'list', '--json'])).json().count;
    const bad = await run([
      'sweep',
      '--recipe',
      recipe,
      '--param',
      'alpha=0.2,0.5',
      '--from',
      '4281',
      '--to',
      '4290',
      '--holdout-from',
      '4285',
      '--holdout-to',
      '4295',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/overlaps/);
    expect((await run(['sweep', 'list', '--json'])).json().count).toBe(before);
  });

  it('refuses bad input with the documented exit codes', async () => {
    expect((await run(['sweep', '--preset', 'nope', '--param', 'alpha=1', '--last', '5'])).code).toBe(3);
    expect((await run(['sweep', '--recipe', recipe, '--param', 'alpha=0.1..', '--last', '5'])).code).toBe(2);
    expect((await run(['sweep', '--recipe', recipe, '--param', 'history=30,30', '--last', '5'])).code).toBe(2);
    expect((await run(['sweep', '--recipe', recipe, '--param', 'alpha=0.1', '--from', '4290', '--to', '4999'])).code).toBe(4);
    expect((await run(['sweep', '--recipe', recipe, '--param', 'alpha=0.1', '--last', '5', '--deadline', '30'])).code).toBe(2);
    expect((await run(['sweep', '--resume', main.sweep_id, '--param', 'alpha=1'])).code).toBe(2);
    expect((await run(['sweep', '--resume', 'sw-missing-0000'])).code).toBe(3);
    expect((await run(['sweep', join(dir, 'no-such-spec.json')])).code).toBe(3);
    expect((await run(['sweep', '--recipe', recipe, '--param', 'alpha=0.1', '--last', '5', '--holdout-top', '2'])).code).toBe(2);
  });
});
