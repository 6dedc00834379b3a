/** Catalog-wide run queries: completed runs since a day, and runs by status with interrupted ones apart. */
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Catalog, openCatalog } from '../../../src/store/catalog.js';
import { holdOwnership, releaseOwnership } from '../../../src/store/process-owner.js';
import { countRunsByStatus, listCompletedRuns } from '../../../src/store/runs-queries.js';
import { type NewRun, insertRun, runOwnerKey } from '../../../src/store/runs-repo.js';
import { tempDir } from '../../helpers/cli.js';

let dir: string;
let cleanup: () => void;
let catalog: Catalog;

const run = (run_id: string, status: NewRun['status'], created_at: string, owner: string | null = null): NewRun => ({
  run_id,
  name: null,
  sweep_id: null,
  recipe_hash: 'h',
  recipe_json: '{}',
  strategy: 'random',
  seed: 1,
  numbers_per_ticket: 5,
  tickets_per_contest: 1,
  dataset_hash: 'd',
  engine_version: 'e',
  first_contest: 1,
  last_contest: 2,
  status,
  contests_planned: 2,
  synthetic: 0,
  file: `${run_id}.sqlite`,
  created_at,
  started_at: null,
  owner,
});

beforeAll(() => {
  ({ dir, cleanup } = tempDir());
  catalog = openCatalog(dir);
  const me = `${process.pid}@${hostname()}`;
  insertRun(catalog.db, run('run-done-old', 'completed', '2025-01-01T00:00:00Z'));
  insertRun(catalog.db, run('run-done-new', 'completed', '2025-06-01T00:00:00Z'));
  insertRun(catalog.db, run('run-failed', 'failed', '2025-06-02T00:00:00Z'));
  insertRun(catalog.db, run('run-live', 'running', '2025-06-03T00:00:00Z', me));
  insertRun(catalog.db, run('run-orphan', 'running', '2025-06-04T00:00:00Z', me));
  holdOwnership(runOwnerKey('run-live'));
});
afterAll(() => {
  releaseOwnership(runOwnerKey('run-live'));
  catalog.close();
  cleanup();
});

describe('run queries', () => {
  it('lists completed runs oldest first, on or after a day when given', () => {
    expect(listCompletedRuns(catalog).map((r) => r.run_id)).toEqual(['run-done-old', 'run-done-new']);
    expect(listCompletedRuns(catalog, '2025-03-01').map((r) => r.run_id)).toEqual(['run-done-new']);
  });

  it('counts runs by status, a running run whose owner is gone as interrupted', () => {
    expect(countRunsByStatus(catalog)).toEqual({ pending: 0, running: 1, completed: 2, failed: 1, cancelled: 0, interrupted: 1 });
  });
});
