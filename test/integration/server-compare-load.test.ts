// GET /compare does its permutation tests on a pool thread under a per-request work cap.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRIC_NAMES } from '../../src/core/metrics.js';
import { compareRuns } from '../../src/engine/compare.js';
import { type PredictPool, createPredictPool } from '../../src/engine/pool.js';
import { cli } from '../helpers/cli.js';
import { makeDraws, seedDraws } from '../helpers/draws.js';
import { quantile, sampleHealthWhile } from '../helpers/health-latency.js';
import { type TestServer, startTestServer } from '../helpers/server.js';

let s: TestServer;
let pool: PredictPool;
const runIds: string[] = [];

beforeAll(async () => {
  pool = createPredictPool(1);
  s = await startTestServer({ rate_limit_read: 100_000, rate_limit_ip: 10_000_000 }, { runJobs: false, pool });
  seedDraws(s.dir, makeDraws(1, 2010));
  const recipe = join(s.dir, 'one.json');
  writeFileSync(recipe, JSON.stringify({ version: '2', name: 'one', strategy: 'random', tickets: 1, history: 5 }));
  for (const seed of [1, 2, 3, 4]) {
    const r = await cli(['simulate', '--recipe', recipe, '--from', '11', '--to', '2010', '--seed', String(seed), '--threads', '1', '--json'], {
      dataDir: s.dir,
    });
    expect(r.code, r.stderr).toBe(0);
    runIds.push(r.json().run_id);
  }
}, 240_000);
afterAll(async () => {
  await s.close();
  await pool.close();
});

describe('[12.1.1] compare off the event loop, with a work cap', () => {
  it("[12.1.1] /health answers within 100 ms (90th percentile) while /compare tests 6 pairs over 2,000 contests, and the answer equals the CLI's", async () => {
    const q = runIds.map((id) => `run_id=${id}`).join('&');
    const { result: r, latencies } = await sampleHealthWhile(s, () => s.get(`/api/v1/compare?${q}&metrics=mean_hits`, s.keys.viewer));
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().pairs).toHaveLength(6);
    expect(r.json().pairs[0].shared_contests).toBe(2000);
    expect(quantile(latencies, 0.9), `health latencies (ms): ${latencies.map((l) => l.toFixed(0)).join(' ')}`).toBeLessThan(100);
    // the same seeded permutations in-process (the CLI path) and on the pool
    expect(r.json()).toEqual(compareRuns(s.catalog, runIds, { metrics: ['mean_hits'] }));
  }, 60_000);

  it('[12.1.1] a comparison over the work cap is refused with 400 before any run file is read; the CLI has no cap', async () => {
    // 6 pairs x 2,000 shared contests x 10,000 permutations = 120 million sign flips
    expect(() => compareRuns(s.catalog, runIds, { metrics: [...METRIC_NAMES], maxWork: 100_000_000 })).toThrow(
      expect.objectContaining({
        code: 'E_INPUT_INVALID',
        details: [expect.stringMatching(/6 pairs x shared contests x 10,000 permutations = 120,000,000 sign flips; the limit is 100,000,000/)],
      }),
    );
    expect(compareRuns(s.catalog, runIds.slice(0, 2), { metrics: ['mean_hits'], maxWork: 100_000_000 }).pairs).toHaveLength(1);
    const many = Array.from({ length: 51 }, (_, i) => `run_id=run-20260101-000000-${String(i).padStart(6, '0')}`).join('&');
    const tooMany = await s.get(`/api/v1/compare?${many}`, s.keys.viewer);
    expect(tooMany.statusCode).toBe(400);
  });
});
