import { afterEach, describe, expect, it } from 'vitest';
import { openCatalog } from '../../../src/store/catalog.js';
import { countSimulations } from '../../../src/usecases/server-status.js';
import { tempDir } from '../../helpers/cli.js';

describe('countSimulations', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => cleanups.splice(0).forEach((f) => f()));

  it('counts runs by status, with every status present', () => {
    const { dir, cleanup } = tempDir('luckyfive-status-');
    const catalog = openCatalog(dir);
    cleanups.push(cleanup, () => catalog.close());
    expect(countSimulations({ catalog })).toEqual({ pending: 0, running: 0, completed: 0, failed: 0, cancelled: 0 });
    const run = catalog.db.prepare(
      `INSERT INTO runs (run_id, recipe_hash, recipe_json, strategy, seed, numbers_per_ticket, tickets_per_contest, engine_version,
        first_contest, last_contest, status, contests_planned, file, created_at) VALUES (?, 'h', '{}', 's', 1, 5, 1, '1', 1, 2, ?, 2, 'f', 'now')`,
    );
    run.run('run-aaaaaa', 'completed');
    run.run('run-bbbbbb', 'completed');
    run.run('run-cccccc', 'cancelled');
    expect(countSimulations({ catalog })).toEqual({ pending: 0, running: 0, completed: 2, failed: 0, cancelled: 1 });
  });
});
