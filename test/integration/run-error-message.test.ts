// A failed run's stored error (run file and run index) is the documented message, never SQLite's
// text: GET /runs/{id}, GET /runs and `runs show --json` show it; the raw text stays in the log.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PredictPool } from '../../src/engine/pool.js';
import { runPredictTask } from '../../src/engine/predict.worker.js';
import { cli } from '../helpers/cli.js';
import { makeDraws, seedDraws } from '../helpers/draws.js';
import { type TestServer, startTestServer } from '../helpers/server.js';

const TINY = { version: '2', name: 'tiny', strategy: 'random', tickets: 3, numbers_per_ticket: 5, history: 30, seed: 11 };
/** What SQLite says when the forced fault fires: table and column names. */
const RAW = /UNIQUE|constraint|tickets\.(contest|ticket)/i;

let s: TestServer;

/**
 * An in-process pool that, before its first task, plants a trigger in the run's file so the
 * writer's ticket insert fails with a genuine SQLite error ("UNIQUE constraint failed: tickets...").
 */
function sabotagingPool(dir: string): PredictPool {
  let planted = false;
  return {
    threads: 1,
    run: (task) => {
      if (!planted) {
        planted = true;
        const file = readdirSync(join(dir, 'runs')).find((f) => f.endsWith('.sqlite'))!;
        const db = new Database(join(dir, 'runs', file));
        db.exec(
          "CREATE TRIGGER sabotage AFTER INSERT ON contests BEGIN INSERT INTO tickets (contest, ticket, numbers, hits, score) VALUES (NEW.contest, 0, '1 2 3 4 5', 0, 0); END",
        );
        db.close();
      }
      return Promise.resolve(runPredictTask(task));
    },
    close: () => Promise.resolve(),
  };
}

beforeAll(async () => {
  s = await startTestServer({ rate_limit_heavy: 1000, rate_limit_read: 100_000 }, { runJobs: false });
  await s.restart({ pool: sabotagingPool(s.dir), runJobs: false });
  seedDraws(s.dir, makeDraws(4001, 4100));
});
afterAll(async () => {
  await s.close();
});

describe('[12.6.8-run-error] a failed run stores the documented message', () => {
  it('[12.6.8-run-error] a run failing with an SQLite error shows no SQL text in /runs/{id}, /runs or runs show --json', async () => {
    const r = await s.post('/api/v1/simulations', s.keys.analyst, { recipe: TINY, from: 4060, to: 4065, name: 'sabotaged' });
    expect(r.statusCode, r.body).toBe(500);
    expect(r.body).not.toMatch(RAW);
    const row = s.catalog.db.prepare("SELECT run_id, status, error FROM runs WHERE name = 'sabotaged'").get() as {
      run_id: string;
      status: string;
      error: string;
    };
    expect(row.status).toBe('failed');
    expect(row.error).toBe('internal error (the details are in the server log)');

    const one = await s.get(`/api/v1/runs/${row.run_id}`, s.keys.viewer);
    expect(one.statusCode, one.body).toBe(200);
    expect(one.json().status).toBe('failed');
    expect(one.body).not.toMatch(RAW);
    const list = await s.get('/api/v1/runs', s.keys.viewer);
    expect(list.statusCode, list.body).toBe(200);
    expect(list.body).toContain(row.run_id);
    expect(list.body).not.toMatch(RAW);
    const shown = await cli(['runs', 'show', row.run_id, '--json'], { dataDir: s.dir });
    expect(shown.stdout).toContain(row.run_id);
    expect(shown.stdout).not.toMatch(RAW);
    // the run file's own record says the same
    const file = new Database(join(s.dir, 'runs', `${row.run_id}.sqlite`), { readonly: true });
    const stored = file.prepare("SELECT value FROM meta WHERE key = 'error'").pluck().get();
    file.close();
    expect(stored).toBe('internal error (the details are in the server log)');
  }, 60_000);
});
