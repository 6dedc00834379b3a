// A study's rows (src/store/studies-repo.ts) and migration 014: a study is a sweep of kind 'study';
// its generations and looks are kept in order and go with it; grid sweep lists leave it out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Catalog, openCatalog } from '../../../src/store/catalog.js';
import { getStudy, insertGeneration, insertLook, insertStudy, listGenerations, listLooks, requireStudy, updateStudy } from '../../../src/store/studies-repo.js';
import { appendCells, insertSweep, listCells, listSweeps, requireSweep } from '../../../src/store/sweeps-repo.js';
import { tempDir } from '../../helpers/cli.js';

let dir: string;
let cleanup: () => void;
let catalog: Catalog;

const row = (id: string, kind: 'grid' | 'study') => ({
  sweep_id: id,
  name: id,
  spec_json: '{}',
  base_recipe_json: '{}',
  first_contest: 10,
  last_contest: 20,
  holdout_from: 30,
  holdout_to: 40,
  seed: 1,
  metric: 'mean_hits',
  holdout_top: 3,
  status: 'pending' as const,
  cells_total: 1,
  created_at: '2025-01-01T00:00:00Z',
  kind,
});
const cell = (i: number, generation: number | null) => ({
  cell_index: i,
  params_json: `{"alpha":${i}}`,
  recipe_json: null,
  recipe_hash: null,
  cell_key: `k${i}`,
  run_id: null,
  status: 'pending' as const,
  error: null,
  holdout_run_id: null,
  generation,
});

beforeAll(() => {
  ({ dir, cleanup } = tempDir());
  catalog = openCatalog(dir);
});
afterAll(() => {
  catalog.close();
  cleanup();
});

describe('studies repo', () => {
  it('[18.3.8] a study is a sweep of kind study with its study row, generations and looks; grid sweep lists leave it out', () => {
    const db = catalog.db;
    insertSweep(db, row('sw-grid-000001', 'grid'), [cell(0, null)]);
    insertSweep(db, row('st-study-00001', 'study'), [cell(0, 0)], () => {
      insertStudy(db, { sweep_id: 'st-study-00001', method: 'evolutionary', options_json: '{"population":2}', trials_planned: 4 });
      insertGeneration(db, 'st-study-00001', 0, [0]);
    });
    expect(requireSweep(db, 'st-study-00001').kind).toBe('study');
    expect(requireSweep(db, 'sw-grid-000001').kind).toBe('grid');
    expect(listSweeps(db).map((s) => s.sweep_id)).toEqual(['sw-grid-000001']);
    expect(listSweeps(db, { kind: 'study' }).map((s) => s.sweep_id)).toEqual(['st-study-00001']);
    expect(getStudy(db, 'sw-grid-000001')).toBeUndefined();
    expect(() => requireStudy(db, 'sw-grid-000001')).toThrow(/optimize list/);

    db.transaction(() => {
      appendCells(db, 'st-study-00001', [cell(1, 1)]);
      insertGeneration(db, 'st-study-00001', 1, [0, 1]);
      updateStudy(db, 'st-study-00001', { generations_done: 1 });
    })();
    expect(requireSweep(db, 'st-study-00001').cells_total).toBe(2);
    expect(listCells(db, 'st-study-00001').map((c) => c.generation)).toEqual([0, 1]);
    expect(listGenerations(db, 'st-study-00001')).toEqual([
      { generation: 0, members: [0] },
      { generation: 1, members: [0, 1] },
    ]);
    expect(() => insertGeneration(db, 'st-study-00001', 1, [1])).toThrow(/UNIQUE|PRIMARY/);
    updateStudy(db, 'st-study-00001', { search_done: 1 });
    expect(requireStudy(db, 'st-study-00001')).toMatchObject({ method: 'evolutionary', trials_planned: 4, generations_done: 1, search_done: 1 });

    insertLook(db, { sweep_id: 'st-study-00001', look: 2, at: 'b', top: 5, cells_json: '[1]', reason: 'again' });
    insertLook(db, { sweep_id: 'st-study-00001', look: 1, at: 'a', top: 3, cells_json: '[0]', reason: null });
    expect(listLooks(db, 'st-study-00001').map((l) => l.look)).toEqual([1, 2]);
    expect(() => insertLook(db, { sweep_id: 'st-study-00001', look: 0, at: 'c', top: 1, cells_json: '[]', reason: null })).toThrow(/CHECK/);

    // deleting the sweep takes the study with it
    db.prepare('DELETE FROM sweeps WHERE sweep_id = ?').run('st-study-00001');
    expect(getStudy(db, 'st-study-00001')).toBeUndefined();
    expect(listLooks(db, 'st-study-00001')).toEqual([]);
    expect(listGenerations(db, 'st-study-00001')).toEqual([]);
  });
});
