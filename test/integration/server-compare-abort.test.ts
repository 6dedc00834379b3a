// GET /compare stops its pool tasks when the client goes away (a real HTTP client on 127.0.0.1).
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRecipe } from '../../src/core/recipe/schema.js';
import { type PredictPool, createPredictPool } from '../../src/engine/pool.js';
import { simulate } from '../../src/engine/simulate.js';
import { makeDraws, seedDraws } from '../helpers/draws.js';
import { type TestServer, startTestServer } from '../helpers/server.js';

let s: TestServer;
let pool: PredictPool;
const runIds: string[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  pool = createPredictPool(1);
  s = await startTestServer({ rate_limit_read: 100_000, rate_limit_ip: 10_000_000 }, { runJobs: false, pool });
  seedDraws(s.dir, makeDraws(1, 210));
  // 30 runs over the same 200 contests: 435 pairs x 200 x 10,000 = 870 million sign flips, just
  // under the cap: seconds of the pool's one thread (many short runs cost less to make than a few long ones).
  const env = { catalog: s.catalog, pool, now: () => new Date() };
  for (let seed = 1; seed <= 30; seed++) {
    const recipe = parseRecipe({ version: '2', name: `one-${seed}`, strategy: 'random', tickets: 1, history: 5, seed });
    runIds.push((await simulate(env, { recipe, range: { from: 11, to: 210 } })).run_id);
  }
}, 240_000);
afterAll(async () => {
  await s.close();
  await pool.close();
});

describe('[12.1.1-abort] a disconnected compare stops using the pool', () => {
  it('[12.1.1-abort] the client hangs up mid-compare: the pool has no task left within 2 s and the server stays healthy', async () => {
    await s.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = s.app.server.address() as AddressInfo;
    const q = runIds.map((id) => `run_id=${id}`).join('&');
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'GET',
      path: `/api/v1/compare?${q}&metrics=mean_hits`,
      headers: { authorization: `Bearer ${s.keys.viewer}` },
    });
    let answered = false;
    req.on('response', () => void (answered = true));
    req.on('error', () => undefined);
    req.end();
    // wait until the permutation tests are on the pool, then hang up
    for (let i = 0; i < 1000 && !(pool.inFlight! > 0); i++) await sleep(10);
    expect(pool.inFlight).toBeGreaterThan(0);
    req.destroy();
    const hungUp = performance.now();
    // Bounded wait: the tests left would keep the thread busy for seconds; aborted, they settle at once.
    while (pool.inFlight! > 0 && performance.now() - hungUp < 2000) await sleep(10);
    expect(pool.inFlight, `tasks still on the pool ${(performance.now() - hungUp).toFixed(0)} ms after the hang-up`).toBe(0);
    expect(answered).toBe(false);
    // the server and its pool still work
    expect((await s.get('/api/v1/health')).statusCode).toBe(200);
    const small = await s.get(`/api/v1/compare?run_id=${runIds[0]}&run_id=${runIds[1]}&metrics=mean_hits`, s.keys.viewer);
    expect(small.statusCode, small.body).toBe(200);
    expect(small.json().pairs).toHaveLength(1);
    expect(pool.inFlight).toBe(0);
  }, 60_000);
});
