// The multi-run executor with an in-process pool: runs that see the same windows share tasks
// (several recipes per task), results land in each run's own file exactly as a lone run writes
// them, and one recipe that throws fails only its own run.
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Recipe, parseRecipe } from '../../src/core/recipe/schema.js';
import type { PredictPool } from '../../src/engine/pool.js';
import { type PredictResult, type PredictTask, runPredictTask } from '../../src/engine/predict.worker.js';
import { executeRuns } from '../../src/engine/run-executor.js';
import { prepareRun, simulate } from '../../src/engine/simulate.js';
import { type Catalog, openCatalog } from '../../src/store/catalog.js';
import { tempDir } from '../helpers/cli.js';
import { makeDraws, seedDraws } from '../helpers/draws.js';

let dir: string;
let cleanup: () => void;
let catalog: Catalog;

function inProcessPool(threads: number, tamper?: (task: PredictTask, out: PredictResult[]) => PredictResult[]): PredictPool & { tasks: PredictTask[] } {
  const tasks: PredictTask[] = [];
  return {
    threads,
    tasks,
    run: (task) => {
      tasks.push(task);
      const out = runPredictTask(task);
      return Promise.resolve(tamper ? tamper(task, out) : out);
    },
    close: () => Promise.resolve(),
  };
}

const recipe = (name: string, history: number, alpha: number): Recipe =>
  parseRecipe({ version: '2', name, strategy: 'advanced', tickets: 3, history, seed: 2, params: { alpha, cands_mult: 2, hill_iter: 5, evolutionary: false } });

const fileRows = (file: string) => {
  const db = new Database(file, { readonly: true });
  const out = {
    contests: db.prepare('SELECT * FROM contests ORDER BY contest').all(),
    tickets: db.prepare('SELECT * FROM tickets ORDER BY contest, ticket').all(),
  };
  db.close();
  return out;
};

beforeAll(() => {
  ({ dir, cleanup } = tempDir());
  seedDraws(dir, makeDraws(4001, 4200));
  catalog = openCatalog(dir);
});
afterAll(() => {
  catalog.close();
  cleanup();
});

describe('executeRuns', () => {
  it('groups runs by history window into multi-recipe tasks; each file equals the run done alone', async () => {
    const pool = inProcessPool(2);
    const env = { catalog, pool, now: () => new Date() };
    const recipes = [recipe('a', 30, 0.2), recipe('b', 30, 0.6), recipe('c', 30, 0.9), recipe('d', 45, 0.2)];
    const range = { from: 4181, to: 4200 };
    const jobs = recipes.map((r) => prepareRun(env, { recipe: r, range }));
    const outcomes = await executeRuns(env, jobs);
    expect(outcomes.map((o) => o.report.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
    // the three history-30 runs travel together: every one of their tasks carries 3 recipes
    expect(pool.tasks.filter((t) => t.recipes.length === 3).length).toBeGreaterThan(0);
    expect(pool.tasks.every((t) => t.recipes.length === 3 || t.recipes.length === 1)).toBe(true);
    expect(pool.tasks.filter((t) => t.recipes.length === 1).every((t) => JSON.parse(t.recipes[0]!).history === 45)).toBe(true);
    const predictions = pool.tasks.reduce((s, t) => s + t.targets.reduce((a, x) => a + x.recipes.length, 0), 0);
    expect(predictions).toBe(4 * 20);
    // byte-identical to each recipe run on its own
    const lone = inProcessPool(1);
    for (const [i, r] of recipes.entries()) {
      const alone = await simulate({ catalog, pool: lone, now: () => new Date() }, { recipe: r, range });
      expect(fileRows(alone.file)).toEqual(fileRows(outcomes[i]!.report.file));
      expect(alone.summary).toEqual(outcomes[i]!.report.summary);
    }
    expect(lone.tasks.every((t) => t.recipes.length === 1)).toBe(true);
  });

  it('share_stats: false gives one run per task and the same results', async () => {
    const pool = inProcessPool(2);
    const env = { catalog, pool, now: () => new Date() };
    const recipes = [recipe('e', 30, 0.2), recipe('f', 30, 0.6)];
    const range = { from: 4191, to: 4200 };
    const shared = await executeRuns(
      env,
      recipes.map((r) => prepareRun(env, { recipe: r, range })),
    );
    const before = pool.tasks.length;
    const apart = await executeRuns(
      env,
      recipes.map((r) => prepareRun(env, { recipe: r, range })),
      { share_stats: false },
    );
    expect(pool.tasks.slice(before).every((t) => t.recipes.length === 1 && t.share_stats === false)).toBe(true);
    shared.forEach((o, i) => expect(fileRows(apart[i]!.report.file)).toEqual(fileRows(o.report.file)));
  });

  it('a recipe that throws in the worker fails its own run only', async () => {
    const boom = (task: PredictTask, out: PredictResult[]) => {
      const bad = task.recipes.findIndex((j) => (JSON.parse(j) as { name: string }).name === 'boom');
      return out.map((r) => (r.recipe === bad ? { contest: r.contest, recipe: r.recipe, error: 'injected failure' } : r));
    };
    const pool = inProcessPool(2, boom);
    const env = { catalog, pool, now: () => new Date() };
    const range = { from: 4181, to: 4200 };
    const jobs = [recipe('ok1', 30, 0.2), recipe('boom', 30, 0.5), recipe('ok2', 30, 0.8)].map((r) => prepareRun(env, { recipe: r, range }));
    const outcomes = await executeRuns(env, jobs);
    expect(outcomes.map((o) => o.report.status)).toEqual(['completed', 'failed', 'completed']);
    // the stored error is the documented line; the worker's own text stays in the failure (for the log)
    expect(outcomes[1]!.error).toBe('internal error (the details are in the server log)');
    expect((outcomes[1]!.failure as Error).message).toBe('injected failure');
    const row = catalog.db.prepare('SELECT status, error FROM runs WHERE run_id = ?').get(outcomes[1]!.report.run_id);
    expect(row).toEqual({ status: 'failed', error: 'internal error (the details are in the server log)' });
    // once failed, the run is left out of later tasks
    const withBoom = pool.tasks.filter((t) => t.recipes.some((j) => j.includes('"name":"boom"')));
    expect(withBoom.length).toBeLessThan(pool.tasks.length);
    // simulate still reports a failed run as an error
    await expect(simulate(env, { recipe: recipe('boom', 30, 0.5), range })).rejects.toMatchObject({
      code: 'E_INTERNAL',
      cause: expect.objectContaining({ message: 'injected failure' }),
    });
  });
});
