// `luckyfive optimize` end to end on synthetic uniform draws: determinism (twice, 1 vs 2 threads),
// kill -9 and --resume, a poisoned holdout that cannot change the search, a recorded second look,
// the verdict on uniform draws, the list/show documents and the refusals.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readClock } from '../../src/clock.js';
import { createPredictPool } from '../../src/engine/pool.js';
import { openCatalog } from '../../src/store/catalog.js';
import { type StudyDocument, createStudy, defineStudy, runStudy, showStudy } from '../../src/usecases/optimize.js';
import { cli, tempDir } from '../helpers/cli.js';
import { makeDraws, seedDraws } from '../helpers/draws.js';
import { type TestWorker, startWorker, stopWorker } from '../helpers/queue.js';
import { type TestRedis, haveRedisServer, startRedis } from '../helpers/redis.js';

const ROOT = resolve(import.meta.dirname, '../..');
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
const TRAIN = { from: 4231, to: 4260 };
const HOLDOUT = { from: 4271, to: 4300 };
const PARAMS = ['alpha=0.1..0.9:0.1', 'history=30,40,50'];

let dir: string;
let poisoned: string;
let recipe: string;
const cleanups: Array<() => void> = [];

beforeAll(() => {
  const a = tempDir();
  const b = tempDir();
  cleanups.push(a.cleanup, b.cleanup);
  dir = a.dir;
  poisoned = b.dir;
  seedDraws(dir, makeDraws(4001, 4300));
  // the same draws, except the holdout contests' balls (other valid uniform draws)
  const other = makeDraws(4001, 4300, 7);
  seedDraws(poisoned, [...makeDraws(4001, 4300).filter((d) => d.contest < HOLDOUT.from), ...other.filter((d) => d.contest >= HOLDOUT.from)]);
  recipe = join(dir, 'tiny.json');
  writeFileSync(recipe, JSON.stringify(TINY));
});
afterAll(() => cleanups.forEach((c) => c()));

type Options = { method: 'random' | 'evolutionary'; seed?: number; trials?: number };

/** Creates and runs a study in `dataDir` on a pool of `threads`; returns its document. */
async function study(dataDir: string, threads: number, o: Options): Promise<StudyDocument> {
  const catalog = openCatalog(dataDir);
  const pool = createPredictPool(threads);
  try {
    const plan = defineStudy({
      recipeFile: recipe,
      params: PARAMS,
      train: TRAIN,
      holdout: HOLDOUT,
      method: o.method,
      trials: o.trials ?? 5,
      population: 4,
      generations: 3,
      seed: o.seed ?? 11,
    });
    const { study_id } = createStudy({ catalog, clock: readClock() }, plan);
    const out = await runStudy({ catalog, pool, now: () => new Date(), signal: new AbortController().signal }, { study_id });
    expect(out).toMatchObject({ status: 'completed', complete: true, search_done: true });
    return showStudy({ catalog }, { study_id });
  } finally {
    await pool.close();
    catalog.close();
  }
}

/** What must not depend on threads, timing or the holdout: the trials and the train figures. */
const searchOf = (d: StudyDocument) => ({
  trials: d.trials.map((t) => ({ trial: t.trial, generation: t.generation, params: t.params, status: t.status, value: t.value, p_value: t.p_value })),
  generations: d.generations,
  winner: d.verdict.winner,
  train: d.verdict.train,
});
const holdoutOf = (d: StudyDocument) => d.verdict.holdout.map((h) => ({ trial: h.trial, look: h.look, value: h.value, p_value: h.p_value }));

const docs: Record<string, StudyDocument> = {};

describe('optimize', () => {
  it('[18.3.1] the same study twice gives the same trials in the same order, on 1 and on 2 threads (random and evolutionary)', async () => {
    docs.random1 = await study(dir, 1, { method: 'random' });
    docs.random2 = await study(dir, 2, { method: 'random' });
    docs.evo1 = await study(dir, 1, { method: 'evolutionary' });
    docs.evo2 = await study(dir, 2, { method: 'evolutionary' });
    expect(docs.random1.trials).toHaveLength(5);
    expect(searchOf(docs.random2)).toEqual(searchOf(docs.random1));
    expect(holdoutOf(docs.random2)).toEqual(holdoutOf(docs.random1));
    expect(searchOf(docs.evo2)).toEqual(searchOf(docs.evo1));
    expect(holdoutOf(docs.evo2)).toEqual(holdoutOf(docs.evo1));
    // evolutionary: 3 generations of 4, later ones made from the train figures of the one before
    expect(docs.evo1.generations.map((g) => g.generation)).toEqual([0, 1, 2]);
    for (const g of docs.evo1.generations) expect(g.trials).toHaveLength(4);
    expect(docs.evo1.trials.every((t) => t.status === 'completed')).toBe(true);
    // look 1: the best 3 by the train metric, run once on the holdout
    expect(docs.evo1.looks).toHaveLength(1);
    expect(docs.evo1.looks[0]!.trials).toHaveLength(3);
    expect(docs.evo1.verdict.holdout).toHaveLength(3);
    expect(docs.evo1.verdict.trials_counted).toBe(docs.evo1.trials.length);
  }, 120_000);

  it('[18.3.2] kill -9 of the CLI mid-study, then --resume: the same trials and figures as an uninterrupted study', async () => {
    const args = ['--import', 'tsx', join(ROOT, 'test/helpers/run-cli.ts'), 'optimize', '--recipe', recipe];
    for (const p of PARAMS) args.push('--param', p);
    args.push('--train', `${TRAIN.from}..${TRAIN.to}`, '--holdout', `${HOLDOUT.from}..${HOLDOUT.to}`);
    args.push('--method', 'evolutionary', '--population', '4', '--generations', '3', '--seed', '11', '--threads', '2', '--json');
    const child = spawn(process.execPath, args, { env: { ...process.env, LUCKYFIVE_DATA_DIR: dir, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let studyId = '';
    child.stderr.on('data', (b: Buffer) => {
      const m = /study (st-[a-z0-9-]+):/.exec(b.toString());
      if (m) studyId = m[1]!;
    });
    // kill once the second generation has contests on disk
    const probe = setInterval(() => {
      if (!studyId) return;
      const db = new Database(join(dir, 'catalog.sqlite'), { readonly: true });
      const n = (
        db
          .prepare(
            'SELECT COALESCE(SUM(r.contests_done), 0) AS n FROM sweep_cells c JOIN runs r ON r.run_id = c.run_id WHERE c.sweep_id = ? AND c.generation = 1',
          )
          .get(studyId) as { n: number }
      ).n;
      db.close();
      if (n >= 10) child.kill('SIGKILL');
    }, 25);
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    clearInterval(probe);
    expect(studyId).not.toBe('');
    expect(code).toBeNull(); // killed, not finished
    const resumed = await cli(['optimize', '--resume', studyId, '--json'], { dataDir: dir });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.json()).toMatchObject({ status: 'completed', complete: true });
    const shown = await cli(['optimize', 'show', studyId, '--json'], { dataDir: dir });
    const doc = shown.json<StudyDocument>();
    expect(searchOf(doc)).toEqual(searchOf(docs.evo1!));
    expect(holdoutOf(doc)).toEqual(holdoutOf(docs.evo1!));
    // every trial is a normal run of the study, one run per trial (plus the holdout runs)
    const runs = (await cli(['runs', 'list', '--sweep', studyId, '--json'], { dataDir: dir })).json().runs;
    expect(runs).toHaveLength(doc.trials.length + doc.looks[0]!.trials.length);
  }, 120_000);

  it('[18.3.3] a poisoned holdout (other draws there) changes only the holdout figures: the search never saw it', async () => {
    const clean = docs.random1!;
    const dirty = await study(poisoned, 2, { method: 'random' });
    expect(searchOf(dirty)).toEqual(searchOf(clean));
    expect(dirty.looks[0]!.trials).toEqual(clean.looks[0]!.trials);
    expect(holdoutOf(dirty)).not.toEqual(holdoutOf(clean));
    const dirtyEvo = await study(poisoned, 2, { method: 'evolutionary' });
    expect(searchOf(dirtyEvo)).toEqual(searchOf(docs.evo1!));
  }, 120_000);

  it('[18.3.4] a second look at the holdout is recorded, adds only trials not yet run there, and the verdict counts it', async () => {
    const id = docs.random1!.study_id;
    const again = await cli(['optimize', 'holdout', id, '--top', '4', '--reason', 'one more', '--json'], { dataDir: dir });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/look 2 at the holdout/);
    const doc = again.json<StudyDocument>();
    expect(doc.looks.map((l) => l.look)).toEqual([1, 2]);
    expect(doc.looks[1]).toMatchObject({ top: 4, reason: 'one more' });
    expect(doc.looks[1]!.trials).toHaveLength(1);
    expect(doc.looks[1]!.trials.some((t) => doc.looks[0]!.trials.includes(t))).toBe(false);
    expect(doc.verdict.looks).toBe(2);
    expect(doc.verdict.holdout).toHaveLength(4);
    expect(doc.verdict.sentence).toMatch(/looked at 2 times/);
    // the figures of look 1 are unchanged
    expect(doc.verdict.holdout.filter((h) => h.look === 1).map((h) => h.value)).toEqual(holdoutOf(docs.random1!).map((h) => h.value));
    // nothing new to look at: refused, and the study is left as it was
    const none = await cli(['optimize', 'holdout', id, '--top', '4'], { dataDir: dir });
    expect(none.code).toBe(4);
    expect(none.stderr).toMatch(/already run on the holdout/);
    const after = (await cli(['optimize', 'show', id, '--json'], { dataDir: dir })).json<StudyDocument>();
    expect(after).toMatchObject({ status: 'completed' });
    expect(after.looks).toHaveLength(2);
  }, 60_000);

  it('[18.3.5] on uniform draws no study claims skill, over several seeds', async () => {
    const more = [await study(dir, 2, { method: 'random', seed: 101, trials: 4 }), await study(dir, 2, { method: 'random', seed: 202, trials: 4 })];
    for (const d of [docs.random1!, docs.evo1!, ...more]) {
      expect(d.verdict.claims_skill).toBe(false);
      expect(d.verdict.sentence).toMatch(/luck alone/);
    }
  }, 120_000);

  it('[18.3.6] list and show --json shapes; --ndjson lines; studies stay out of `sweep list`', async () => {
    const list = await cli(['optimize', 'list', '--json'], { dataDir: dir });
    expect(list.code).toBe(0);
    const studies = list.json().studies as Array<Record<string, unknown>>;
    expect(studies.length).toBeGreaterThanOrEqual(5);
    expect(studies.find((s) => s.study_id === docs.evo1!.study_id)).toMatchObject({
      method: 'evolutionary',
      status: 'completed',
      complete: true,
      trials_planned: 12,
      train: TRAIN,
      holdout: HOLDOUT,
      metric: 'mean_hits',
    });
    const sweeps = (await cli(['sweep', 'list', '--json'], { dataDir: dir })).json().sweeps as Array<{ sweep_id: string }>;
    expect(sweeps.some((s) => s.sweep_id.startsWith('st-'))).toBe(false);
    // a study is a sweep: `sweep show` reads it
    expect((await cli(['sweep', 'show', docs.evo1!.study_id, '--json'], { dataDir: dir })).code).toBe(0);

    const show = (await cli(['optimize', 'show', docs.evo1!.study_id, '--json'], { dataDir: dir })).json();
    expect(Object.keys(show)).toEqual(
      expect.arrayContaining([
        'study_id',
        'method',
        'options',
        'metric',
        'train',
        'holdout',
        'status',
        'trials',
        'best_so_far',
        'generations',
        'looks',
        'verdict',
      ]),
    );
    expect(show.options).toEqual({ trials: 5, population: 4, generations: 3, mutation_rate: 0.2, elite: 2, tournament: 3 });
    expect(Object.keys(show.trials[0])).toEqual(
      expect.arrayContaining(['trial', 'generation', 'params', 'status', 'run_id', 'value', 'baseline', 'p_value', 'holdout']),
    );
    expect(show.verdict).toMatchObject({ metric: 'mean_hits', looks: 1, claims_skill: false });

    const nd = await cli(
      ['optimize', '--recipe', recipe, '--param', 'alpha=0.2,0.8', '--train', '4251..4260', '--holdout', '4291..4300', '--trials', '2', '--ndjson'],
      { dataDir: dir },
    );
    expect(nd.code, nd.stderr).toBe(0);
    const lines = nd.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string });
    expect(lines.map((l) => l.type)).toEqual(['trial', 'trial', 'study']);
    expect(lines[2]).toMatchObject({ type: 'study', status: 'completed', trials_done: 2 });

    const human = await cli(['optimize', 'show', docs.evo1!.study_id], { dataDir: dir });
    expect(human.stdout.split('\n')[0]).toMatch(/^The best of \d+ trials/);
  }, 60_000);

  it('[18.3.7] refusals: a holdout before or inside the train range, a missing holdout, an unknown parameter, an unknown study', async () => {
    const base = ['optimize', '--recipe', recipe, '--param', 'alpha=0.2,0.8', '--trials', '2'];
    const before = await cli([...base, '--train', '4251..4260', '--holdout', '4201..4210'], { dataDir: dir });
    expect(before.code).toBe(2);
    expect(before.stderr).toMatch(/holdout/);
    const missing = await cli([...base, '--train', '4251..4260'], { dataDir: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/give a holdout range/);
    const badRange = await cli([...base, '--train', '4260..4251', '--holdout', '4291..4300'], { dataDir: dir });
    expect(badRange.code).toBe(2);
    const unknown = await cli(
      ['optimize', '--recipe', recipe, '--param', 'no_such_knob=1,2', '--train', '4251..4260', '--holdout', '4291..4300', '--trials', '2'],
      { dataDir: dir },
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no trial of the study is a valid recipe/);
    expect((await cli(['optimize', 'show', 'st-nosuch-000000'], { dataDir: dir })).code).toBe(3);
    // nothing was recorded by the refusals
    const db = new Database(join(dir, 'catalog.sqlite'), { readonly: true });
    const n = (db.prepare("SELECT COUNT(*) AS n FROM sweeps WHERE kind = 'study'").get() as { n: number }).n;
    db.close();
    expect(n).toBe((await cli(['optimize', 'list', '--json'], { dataDir: dir })).json().count);
  }, 60_000);
  it('[18.3.13] --max-trials stops cleanly (exit 0, stopped) and --resume finishes; `sweep --resume` refuses a study', async () => {
    const first = await cli(
      [
        'optimize',
        '--recipe',
        recipe,
        '--param',
        'alpha=0.1..0.9:0.1',
        '--train',
        '4251..4260',
        '--holdout',
        '4291..4300',
        '--trials',
        '4',
        '--max-trials',
        '3',
        '--json',
      ],
      { dataDir: dir },
    );
    expect(first.code, first.stderr).toBe(0);
    const a = first.json();
    expect(a).toMatchObject({ status: 'stopped', complete: false, stop_reason: 'max_cells', trials_done: 3, trials_run: 3 });
    expect(first.stderr).toMatch(/optimize --resume st-/);
    const sweep = await cli(['sweep', '--resume', a.study_id], { dataDir: dir });
    expect(sweep.code).toBe(2);
    expect(sweep.stderr).toMatch(/is a study/);
    const second = await cli(['optimize', '--resume', a.study_id, '--json'], { dataDir: dir });
    expect(second.code, second.stderr).toBe(0);
    expect(second.json()).toMatchObject({ status: 'completed', complete: true, trials_done: 4, trials_run: 1 });
    expect(second.json().looks).toHaveLength(1);
  }, 60_000);
});

describe.skipIf(!haveRedisServer())('optimize through the run queue', () => {
  let redis: TestRedis | undefined;
  let worker: TestWorker | undefined;
  afterAll(async () => {
    if (worker) await stopWorker(worker);
    await redis?.stop();
  });

  it('[18.3.14] with a queue the trials run on a worker, generation by generation, with the trials and figures of the local study', async () => {
    redis = await startRedis();
    worker = await startWorker(['--queue', redis.url, '--threads', '1', '--name', 'w1']);
    const args = ['optimize', '--recipe', recipe];
    for (const p of PARAMS) args.push('--param', p);
    args.push('--train', `${TRAIN.from}..${TRAIN.to}`, '--holdout', `${HOLDOUT.from}..${HOLDOUT.to}`);
    args.push('--method', 'evolutionary', '--population', '4', '--generations', '3', '--seed', '11', '--queue', redis.url, '--json');
    const r = await cli(args, { dataDir: dir });
    expect(r.code, r.stderr).toBe(0);
    const id = r.json().study_id as string;
    const doc = (await cli(['optimize', 'show', id, '--json'], { dataDir: dir })).json<StudyDocument>();
    expect(searchOf(doc)).toEqual(searchOf(docs.evo1!));
    expect(holdoutOf(doc)).toEqual(holdoutOf(docs.evo1!));
    // every trial ran on the worker (the holdout runs locally, as a sweep's does)
    for (const t of doc.trials) expect(worker.stderr()).toContain(`run ${t.run_id} done`);
  }, 120_000);
});
