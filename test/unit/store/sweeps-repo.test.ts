import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Catalog, openCatalog } from '../../../src/store/catalog.js';
import { hostname } from 'node:os';
import { releaseOwnership } from '../../../src/store/process-owner.js';
import {
  type NewCell,
  assignHoldoutRuns,
  claimSweep,
  countCells,
  insertSweep,
  listCells,
  listSweeps,
  parseSweepId,
  readCellRuns,
  requireSweep,
  sweepOwnerKey,
  updateCell,
  updateSweep,
} from '../../../src/store/sweeps-repo.js';
import { tempDir } from '../../helpers/cli.js';

let dir: string;
let cleanup: () => void;
let catalog: Catalog;

const sweep = (id: string, created: string) => ({
  sweep_id: id,
  name: id,
  spec_json: '{}',
  base_recipe_json: '{}',
  first_contest: 10,
  last_contest: 20,
  holdout_from: null,
  holdout_to: null,
  seed: 1,
  metric: 'mean_hits',
  holdout_top: 0,
  status: 'pending' as const,
  cells_total: 3,
  created_at: created,
});
const cell = (i: number, key: string | null): NewCell => ({
  cell_index: i,
  params_json: `{"a":${i}}`,
  recipe_json: key ? '{}' : null,
  recipe_hash: key,
  cell_key: key,
  run_id: null,
  status: key ? 'pending' : 'failed',
  error: key ? null : 'bad',
  holdout_run_id: null,
});

beforeAll(() => {
  ({ dir, cleanup } = tempDir());
  catalog = openCatalog(dir);
});
afterAll(() => {
  catalog.close();
  cleanup();
});

describe('sweeps repository', () => {
  it('records a sweep with its cells atomically; cell keys are unique within a sweep', () => {
    insertSweep(catalog.db, sweep('sw-one-000001', '2025-01-01T00:00:00Z'), [cell(0, 'k0'), cell(1, 'k1'), cell(2, null)]);
    expect(listCells(catalog.db, 'sw-one-000001').map((c) => c.cell_index)).toEqual([0, 1, 2]);
    expect(() => insertSweep(catalog.db, sweep('sw-two-000002', '2025-01-02T00:00:00Z'), [cell(0, 'k0'), cell(1, 'k0'), cell(2, null)])).toThrow(/UNIQUE/);
    expect(catalog.db.prepare("SELECT COUNT(*) AS n FROM sweeps WHERE sweep_id = 'sw-two-000002'").get()).toEqual({ n: 0 });
    // the same key in another sweep is fine
    insertSweep(catalog.db, sweep('sw-two-000002', '2025-01-02T00:00:00Z'), [cell(0, 'k0'), cell(1, 'k9'), cell(2, null)]);
  });

  it('updates, counts and lists with progress, newest first', () => {
    updateCell(catalog.db, 'sw-one-000001', 0, { status: 'completed', run_id: 'r-000001' });
    updateSweep(catalog.db, 'sw-one-000001', { status: 'stopped' });
    expect(countCells(catalog.db, 'sw-one-000001')).toEqual({ pending: 1, running: 0, completed: 1, failed: 1 });
    const list = listSweeps(catalog.db);
    expect(list.map((s) => s.sweep_id)).toEqual(['sw-two-000002', 'sw-one-000001']);
    expect(list[1]).toMatchObject({ status: 'stopped', cells_completed: 1, cells_failed: 1 });
    expect(listSweeps(catalog.db, { status: 'stopped' }).map((s) => s.sweep_id)).toEqual(['sw-one-000001']);
    expect(() => requireSweep(catalog.db, 'sw-nope-00000')).toThrow(expect.objectContaining({ code: 'E_NOT_FOUND' }));
    expect(() => parseSweepId('../etc')).toThrow(expect.objectContaining({ code: 'E_INPUT_INVALID' }));
    expect(() => updateSweep(catalog.db, 'sw-one-000001', { status: 'bogus' as never })).toThrow(/CHECK/);
  });

  it('reads cells and sweeps through indexes', () => {
    const plan = (sql: string, ...p: unknown[]) =>
      (catalog.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...p) as Array<{ detail: string }>).map((r) => r.detail).join(' | ');
    expect(plan('SELECT * FROM sweep_cells WHERE sweep_id = ? ORDER BY cell_index', 'x')).not.toMatch(/SCAN sweep_cells|TEMP B-TREE/);
    expect(plan('SELECT status, COUNT(*) FROM sweep_cells WHERE sweep_id = ? GROUP BY status', 'x')).toMatch(/USING (COVERING )?INDEX sweep_cells_by_status/);
    expect(plan('SELECT * FROM sweeps ORDER BY created_at DESC, sweep_id DESC LIMIT 5')).toMatch(/SCAN sweeps USING INDEX sweeps_by_created/);
    expect(plan('SELECT * FROM sweep_cells WHERE run_id = ?', 'x')).toMatch(/sweep_cells_by_run/);
  });

  it('claims a sweep for this process (E_BUSY while a live owner runs it) and records holdout picks', () => {
    const before = claimSweep(catalog.db, 'sw-two-000002', '2025-02-01T00:00:00Z');
    expect(before.status).toBe('pending');
    expect(requireSweep(catalog.db, 'sw-two-000002')).toMatchObject({
      status: 'running',
      owner: `${process.pid}@${hostname()}`,
      started_at: '2025-02-01T00:00:00Z',
    });
    expect(() => claimSweep(catalog.db, 'sw-two-000002', '2025-02-02T00:00:00Z')).toThrow(expect.objectContaining({ code: 'E_BUSY' }));
    releaseOwnership(sweepOwnerKey('sw-two-000002'));
    // the owner is gone: another claim takes it over and keeps the first start
    claimSweep(catalog.db, 'sw-two-000002', '2025-02-03T00:00:00Z');
    releaseOwnership(sweepOwnerKey('sw-two-000002'));
    expect(requireSweep(catalog.db, 'sw-two-000002').started_at).toBe('2025-02-01T00:00:00Z');
    assignHoldoutRuns(catalog.db, 'sw-two-000002', [
      { cell_index: 0, run_id: 'h-000001' },
      { cell_index: 1, run_id: 'h-000002' },
    ]);
    expect(listCells(catalog.db, 'sw-two-000002').map((c) => c.holdout_run_id)).toEqual(['h-000001', 'h-000002', null]);
    // no run rows exist for these ids: the join finds none
    expect(readCellRuns(catalog.db, 'sw-two-000002', 'holdout_run_id').size).toBe(0);
    expect(readCellRuns(catalog.db, 'sw-one-000001', 'run_id').size).toBe(0);
  });
});
