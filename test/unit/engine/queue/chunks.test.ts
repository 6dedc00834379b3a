import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RemoteRunPayload, RemoteRunResult } from '../../../../src/core/remote-run.js';
import { type PredictPool, createPredictPool } from '../../../../src/engine/pool.js';
import { type ChunkedRunEnv, planRunChunks, runChunksOnQueue, splitEvenly } from '../../../../src/engine/queue/chunks.js';
import { checkRemotePayload, executeRemotePayload } from '../../../../src/engine/queue/execute.js';
import type { SubmitOptions } from '../../../../src/engine/queue/submit.js';
import { resolveRunRequest } from '../../../../src/engine/run-request.js';
import { simulate } from '../../../../src/engine/simulate.js';
import type { RunEvent } from '../../../../src/engine/run-types.js';
import { LuckyError } from '../../../../src/errors.js';
import { type Catalog, openCatalog } from '../../../../src/store/catalog.js';
import { readPayoutRule, readPriceTable } from '../../../../src/store/prices-repo.js';
import { openRunFile, runFilePath } from '../../../../src/store/run-file.js';
import { listRuns } from '../../../../src/store/runs-repo.js';
import { openDatabase } from '../../../../src/store/sqlite.js';
import { tempDir } from '../../../helpers/cli.js';
import { makeDraws, seedDraws } from '../../../helpers/draws.js';

// frequency: its tickets depend on the history window, so a chunk that saw other draws would differ
const RECIPE = { version: '2', name: 'unit-chunks', strategy: 'frequency', tickets: 4, numbers_per_ticket: 6, history: 25, seed: 13 };
// the catalog misses 4060 and 4061: the run reports them, no chunk may start or end on them
const MISSING = [4060, 4061];

let dir: string;
let cleanup: () => void;
let catalog: Catalog;
let pool: PredictPool;

beforeAll(() => {
  ({ dir, cleanup } = tempDir());
  seedDraws(
    join(dir, 'data'),
    makeDraws(4001, 4120).filter((d) => !MISSING.includes(d.contest)),
  );
  catalog = openCatalog(join(dir, 'data'));
  pool = createPredictPool(2);
});
afterAll(async () => {
  catalog.close();
  await pool.close();
  cleanup();
});

const now = () => new Date();
const resolve = (from: number, to: number) => resolveRunRequest({ catalog }, { recipe: RECIPE, from, to });
/** The same request run locally, in this process. */
const localRun = (from: number, to: number) => {
  const { request, plan } = resolve(from, to);
  return simulate({ catalog, pool, now }, { recipe: request.recipe, range: { from, to } }, plan);
};

/** A worker in this process: the payload checked and executed exactly as `luckyfive worker` does. */
const inProcess = (p: RemoteRunPayload): Promise<RemoteRunResult> => executeRemotePayload(checkRemotePayload(p), { pool, tmpRoot: dir });

/** Every stored row of a run file (ledger ids included) and its meta and summary without what names the run or its time. */
function contentOf(file: string): Record<string, unknown> {
  const db = openDatabase(file, { mustExist: true, readonly: true });
  try {
    const {
      run_id: _r,
      created_at: _c,
      finished_at: _f,
      ...meta
    } = Object.fromEntries((db.prepare('SELECT key, value FROM meta').all() as Array<{ key: string; value: string }>).map((r) => [r.key, r.value]));
    const {
      run_id: _id,
      file: _file,
      ...summary
    } = JSON.parse((db.prepare('SELECT json FROM summary').pluck().get() as string) ?? 'null') as Record<string, unknown>;
    return {
      meta,
      summary,
      contests: db.prepare('SELECT * FROM contests ORDER BY contest').all(),
      tickets: db.prepare('SELECT * FROM tickets ORDER BY contest, ticket').all(),
      ledger: db.prepare('SELECT * FROM ledger ORDER BY id').all(),
    };
  } finally {
    db.close();
  }
}

const runCount = () => listRuns(catalog.db, { limit: 1000 }).length;
const runsDirEntries = () => readdirSync(join(dir, 'data', 'runs')).sort();

describe('contest chunks', () => {
  it('[14.3.2] splitEvenly cuts contiguous parts of near-equal size, the larger first', () => {
    expect(splitEvenly(10, 3)).toEqual([
      [0, 4],
      [4, 7],
      [7, 10],
    ]);
    expect(splitEvenly(4, 4)).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
      [3, 4],
    ]);
    expect(splitEvenly(7, 1)).toEqual([[0, 7]]);
  });

  it('[14.3.2] the premise: a range run as two sub-ranges gives each contest the tickets the whole run gives it', async () => {
    const whole = await localRun(4041, 4080);
    const first = await localRun(4041, 4059);
    const second = await localRun(4062, 4080);
    const tickets = (file: string) => {
      const rf = openRunFile(file, { mustExist: true, readonly: true });
      try {
        return [...rf.iterateTickets()];
      } finally {
        rf.close();
      }
    };
    const parts = [...tickets(first.file), ...tickets(second.file)];
    expect(parts).toHaveLength(38 * 4);
    expect(parts).toEqual(tickets(whole.file));
  }, 60_000);

  it('[14.3.2] chunks are cut on present contests, each planned on its own history window', () => {
    const resolved = resolve(4041, 4080);
    const frozen = { prices: readPriceTable(catalog.db), rule: readPayoutRule(catalog.db) };
    const chunks = planRunChunks(catalog, resolved, '20260101-000000-abcdef', 3, frozen);
    expect(chunks.map((c) => [c.run_id, c.from, c.to, c.contests.length])).toEqual([
      ['20260101-000000-abcdef-c1of3', 4041, 4053, 13],
      ['20260101-000000-abcdef-c2of3', 4054, 4068, 13],
      ['20260101-000000-abcdef-c3of3', 4069, 4080, 12],
    ]);
    // each payload: its 25 draws of history and its contests, planned as a worker plans them
    expect(chunks.map((c) => c.payload.draws.length)).toEqual([25 + 13, 25 + 13, 25 + 12]);
    for (const c of chunks) expect(() => checkRemotePayload(c.payload)).not.toThrow();
    expect(() => planRunChunks(catalog, resolved, '20260101-000000-abcdef', 39, frozen)).toThrow(expect.objectContaining({ code: 'E_INPUT_INVALID' }));
  });

  it('[14.3.3] a run split into chunks and merged is identical to the same run made locally, and registers as `runs import` does', async () => {
    const local = await localRun(4041, 4080);
    const events: RunEvent[] = [];
    const env: ChunkedRunEnv = { catalog, queue_url: 'redis://127.0.0.1:1', now, onEvent: (e) => events.push(e), submit: (_u, p) => inProcess(p) };
    const split = await runChunksOnQueue(env, resolve(4041, 4080), '20260101-000000-c0ffee', 4);
    expect(split).toMatchObject({ run_id: '20260101-000000-c0ffee', status: 'completed', missing_contests: MISSING });
    const { run_id: _a, file: _fa, ...a } = local as unknown as Record<string, unknown>;
    const { run_id: _b, file: _fb, ...b } = split as unknown as Record<string, unknown>;
    expect(b).toEqual(a);
    expect(contentOf(runFilePath(catalog.dataDir, split.run_id))).toEqual(contentOf(local.file));
    // run_start once, one contest event per contest in contest order, then the summary
    expect(events[0]).toMatchObject({ type: 'run_start', run_id: split.run_id, contests: 38, missing_contests: MISSING });
    const contests = events.filter((e) => e.type === 'contest').map((e) => (e as { contest: number }).contest);
    expect(contests).toEqual([...Array(40).keys()].map((i) => 4041 + i).filter((c) => !MISSING.includes(c)));
    expect(events.at(-1)).toMatchObject({ type: 'summary', run_id: split.run_id });
    const row = listRuns(catalog.db, { limit: 1000 }).find((r) => r.run_id === split.run_id);
    expect(row).toMatchObject({ status: 'completed', contests_done: 38 });
    expect(runsDirEntries().filter((f) => f.startsWith('.'))).toEqual([]);
  }, 60_000);

  it('[14.3.4] a chunk refused fails the run naming it, with its code; the other chunks are withdrawn and nothing is registered', async () => {
    const before = runCount();
    const files = runsDirEntries();
    const withdrawn: string[] = [];
    const submit = (_u: string, p: RemoteRunPayload, opts: SubmitOptions): Promise<RemoteRunResult> => {
      if (p.run_id.endsWith('-c2of3')) return Promise.reject(new LuckyError('E_CONFLICT', `the worker refused run ${p.run_id}: another engine`));
      // the others wait in the queue until withdrawn
      return new Promise((_, reject) =>
        opts.signal?.addEventListener('abort', () => {
          withdrawn.push(p.run_id);
          reject(new LuckyError('E_INTERRUPTED', `run ${p.run_id} was withdrawn from the queue`));
        }),
      );
    };
    await expect(
      runChunksOnQueue({ catalog, queue_url: 'redis://127.0.0.1:1', now, submit }, resolve(4041, 4080), '20260101-000000-badc0d', 3),
    ).rejects.toMatchObject({
      code: 'E_CONFLICT',
      message: expect.stringMatching(/^chunk 2 of 3 \(contests 4054\.\.4068\) of run 20260101-000000-badc0d: the worker refused/),
    });
    expect(withdrawn.sort()).toEqual(['20260101-000000-badc0d-c1of3', '20260101-000000-badc0d-c3of3']);
    expect(runCount()).toBe(before);
    expect(runsDirEntries()).toEqual(files);
  });

  it('[14.3.4] a chunk whose returned file is another chunk is refused (E_DATA_INVALID); Ctrl-C withdraws the rest (E_INTERRUPTED); nothing is registered', async () => {
    const before = runCount();
    const files = runsDirEntries();
    let first: RemoteRunResult | undefined;
    const swapped = async (_u: string, p: RemoteRunPayload): Promise<RemoteRunResult> => {
      const r = await inProcess(p);
      if (p.run_id.endsWith('-c1of2')) first = r;
      else {
        await expect.poll(() => first).toBeDefined();
        return { ...first!, run_id: p.run_id };
      }
      return r;
    };
    await expect(
      runChunksOnQueue({ catalog, queue_url: 'redis://127.0.0.1:1', now, submit: swapped }, resolve(4041, 4080), '20260101-000000-5eed01', 2),
    ).rejects.toMatchObject({
      code: 'E_DATA_INVALID',
      message: expect.stringContaining('chunk 2 of 2 (contests 4062..4080)'),
      details: expect.arrayContaining([expect.stringContaining('run_id: expected 20260101-000000-5eed01-c2of2')]),
    });
    const abort = new AbortController();
    const waiting = (_u: string, p: RemoteRunPayload, opts: SubmitOptions): Promise<RemoteRunResult> =>
      new Promise((_, reject) => {
        opts.signal?.addEventListener('abort', () => reject(new LuckyError('E_INTERRUPTED', `run ${p.run_id} was withdrawn from the queue`)));
        if (p.run_id.endsWith('-c2of2')) abort.abort();
      });
    await expect(
      runChunksOnQueue(
        { catalog, queue_url: 'redis://127.0.0.1:1', now, submit: waiting, signal: abort.signal },
        resolve(4041, 4080),
        '20260101-000000-5eed02',
        2,
      ),
    ).rejects.toMatchObject({ code: 'E_INTERRUPTED', message: expect.stringContaining('run 20260101-000000-5eed02 was withdrawn') });
    expect(runCount()).toBe(before);
    expect(runsDirEntries()).toEqual(files);
  }, 60_000);
});
