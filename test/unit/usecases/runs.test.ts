import { existsSync, mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Catalog, openCatalog } from '../../../src/store/catalog.js';
import { openRunFile, runFilePath, runsDir } from '../../../src/store/run-file.js';
import { insertRun } from '../../../src/store/runs-repo.js';
import { deleteRun, exportRunTickets, listRunContests, listRuns, readRunFileInfo, showRun } from '../../../src/usecases/runs.js';
import { tempDir } from '../../helpers/cli.js';

let dir: string;
let cleanup: () => void;
let catalog: Catalog;
const IDS = ['run-aaaaaa', 'run-bbbbbb', 'run-cccccc'];

beforeAll(() => {
  ({ dir, cleanup } = tempDir());
  catalog = openCatalog(dir);
  mkdirSync(runsDir(dir), { recursive: true });
  IDS.forEach((run_id, i) => {
    insertRun(catalog.db, {
      run_id,
      name: null,
      sweep_id: null,
      recipe_hash: 'ab'.repeat(32),
      recipe_json: '{"version":"2"}',
      strategy: 'random',
      seed: 1,
      numbers_per_ticket: 5,
      tickets_per_contest: 2,
      dataset_hash: null,
      engine_version: 'e',
      first_contest: 4001,
      last_contest: 4002,
      status: i === 2 ? 'running' : 'completed',
      contests_planned: 2,
      synthetic: 0,
      file: `runs/${run_id}.sqlite`,
      created_at: `2026-01-0${i + 1}T00:00:00.000Z`,
      started_at: null,
      owner: i === 2 ? `${process.pid}@x` : null,
    });
    const rf = openRunFile(runFilePath(dir, run_id));
    rf.resultWriter()(
      [4001, 4002].map((contest) => ({
        contest,
        draw_date: '2020-01-01',
        balls: [1, 2, 3, 4, 5],
        best_hits: contest === 4002 ? 2 : 1,
        best_ticket: contest === 4002 ? 1 : 0,
        tickets: [
          { numbers: [1, 10, 20, 30, 40], score: 0.5, hits: 1 },
          { numbers: contest === 4002 ? [1, 2, 20, 30, 40] : [6, 7, 8, 9, 10], score: 0.25, hits: contest === 4002 ? 2 : 0 },
        ],
        hits_histogram: contest === 4002 ? [0, 1, 1, 0, 0, 0] : [1, 1, 0, 0, 0, 0],
        cost_cents: 600,
        prize_cents: 0,
        prize_estimated: false,
      })),
    );
    rf.close();
  });
});
afterAll(() => {
  catalog.close();
  cleanup();
});

const deps = () => ({ catalog });

describe('runs use cases', () => {
  it('lists the index newest first, one keyset page at a time', () => {
    const first = listRuns(deps(), { limit: 2 });
    expect(first.runs.map((r) => r.run_id)).toEqual(['run-cccccc', 'run-bbbbbb']);
    expect(first.ordered_by).toEqual({ column: 'created_at', by: 'value', desc: true });
    const rest = listRuns(deps(), { limit: 2, after: first.next! });
    expect(rest.runs.map((r) => r.run_id)).toEqual(['run-aaaaaa']);
    expect(rest.next).toBeNull();
    expect(listRuns(deps(), { order_by: 'mean_hits' }).ordered_by.by).toBe('lift');
  });

  it('pages contests with typed numbers', () => {
    const page = listRunContests(deps(), { run_id: 'run-aaaaaa', limit: 1 });
    expect(page.items[0]).toMatchObject({
      contest: 4001,
      draw: [1, 2, 3, 4, 5],
      best_numbers: [1, 10, 20, 30, 40],
      hits_histogram: [1, 1, 0, 0, 0, 0],
      prize_estimated: false,
    });
    expect(page.next).toBe(4001);
    expect(listRunContests(deps(), { run_id: 'run-aaaaaa', min_hits: 2, limit: 5 }).items.map((c) => c.best_numbers)).toEqual([[1, 2, 20, 30, 40]]);
  });

  it('exports the tickets as CSV, NDJSON or one JSON array', () => {
    const text = (format: 'csv' | 'json' | 'ndjson') => [...exportRunTickets(deps(), { run_id: 'run-aaaaaa', format })].join('');
    expect(text('csv').split('\n')[1]).toBe('4001,0,1 10 20 30 40,1');
    expect(text('ndjson').trim().split('\n')).toHaveLength(4);
    expect(JSON.parse(text('json'))[3]).toEqual({ contest: 4002, ticket: 1, numbers: [1, 2, 20, 30, 40], hits: 2 });
  });

  it('refuses what it cannot do: no report, a running run, an unknown run', () => {
    expect(() => showRun(deps(), { run_id: 'run-aaaaaa' })).toThrow(expect.objectContaining({ code: 'E_DATA_MISSING' }));
    expect(() => readRunFileInfo(deps(), { run_id: 'run-cccccc' })).toThrow(expect.objectContaining({ code: 'E_BUSY' }));
    expect(() => deleteRun(deps(), { run_id: 'run-cccccc' })).toThrow(expect.objectContaining({ code: 'E_BUSY' }));
    expect(() => exportRunTickets(deps(), { run_id: 'run-zzzzzz', format: 'csv' })).toThrow(expect.objectContaining({ code: 'E_NOT_FOUND' }));
    expect(readRunFileInfo(deps(), { run_id: 'run-bbbbbb' }).size).toBeGreaterThan(0);
  });

  it('deletes the file and the row together', () => {
    expect(deleteRun(deps(), { run_id: 'run-bbbbbb' })).toEqual({ run_id: 'run-bbbbbb', deleted: true });
    expect(existsSync(runFilePath(dir, 'run-bbbbbb'))).toBe(false);
    expect(listRuns(deps(), {}).runs.map((r) => r.run_id)).toEqual(['run-cccccc', 'run-aaaaaa']);
  });
});
