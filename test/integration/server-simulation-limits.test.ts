// In-request simulations are bounded by estimated cost, stop when the client goes away, and a
// graceful stop of the server is bounded by shutdown_timeout.
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeWithin } from '../../src/cli/commands/serve.js';
import { buildConfig } from '../../src/config.js';
import { parseRecipe } from '../../src/core/recipe/schema.js';
import { SYNC_MAX_COST, estimateSimulationCost } from '../../src/usecases/simulations.js';
import { quantile, sampleHealthWhile } from '../helpers/health-latency.js';
import { type TestServer, startPooledServer } from '../helpers/server.js';

/** advanced with the default search: about 280,000 cost units (0.1-0.3 s) a contest */
const ADVANCED = { version: '2', name: 'adv', strategy: 'advanced', tickets: 5, numbers_per_ticket: 5, history: 100, seed: 3 };

let s: TestServer;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ s, close } = await startPooledServer({ rate_limit_heavy: 1000, rate_limit_read: 100_000, rate_limit_ip: 10_000_000 }, { from: 4001, to: 4200 }));
});
afterAll(() => close());

describe('[12.1.3] in-request simulations', () => {
  it('[12.1.3] the estimated cost decides sync or job: one contest with a huge cands_mult/hill_iter is a job', async () => {
    const huge = parseRecipe({ ...ADVANCED, params: { cands_mult: 1000, hill_iter: 10_000 } });
    expect(estimateSimulationCost(huge, 1)).toBe(5 * 1000 * 5 * 10_001 + 40 * 100 * 7);
    expect(estimateSimulationCost(parseRecipe(ADVANCED), 17)).toBeLessThanOrEqual(SYNC_MAX_COST);
    const r = await s.post('/api/v1/simulations', s.keys.analyst, {
      recipe: { ...ADVANCED, params: { cands_mult: 1000, hill_iter: 10_000 } },
      from: 4150,
      to: 4150,
    });
    expect(r.statusCode, r.body).toBe(202);
    expect(r.json().status).toBe('pending');
    const small = await s.post('/api/v1/simulations', s.keys.analyst, { recipe: ADVANCED, from: 4150, to: 4150 });
    expect(small.statusCode, small.body).toBe(200);
  }, 60_000);

  it('[12.1.3] /health answers within 100 ms (90th percentile) while the costliest in-request simulation runs', async () => {
    const { result: r, latencies } = await sampleHealthWhile(s, () =>
      s.post('/api/v1/simulations', s.keys.analyst, { recipe: ADVANCED, from: 4121, to: 4137 }),
    );
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().contests).toBe(17);
    expect(quantile(latencies, 0.9), `health latencies (ms): ${latencies.map((l) => l.toFixed(0)).join(' ')}`).toBeLessThan(100);
  }, 60_000);

  it('[12.1.3] a client that goes away stops its simulation at a contest boundary (cancelled, resumable)', async () => {
    const address = await s.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = s.app.server.address() as AddressInfo;
    expect(address).toMatch(/^http:\/\/127\.0\.0\.1:/);
    const body = JSON.stringify({ recipe: ADVANCED, from: 4101, to: 4117, name: 'gone' });
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/api/v1/simulations',
      headers: { authorization: `Bearer ${s.keys.analyst}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    req.on('error', () => undefined);
    req.end(body);
    const runOf = () =>
      s.catalog.db.prepare("SELECT status, contests_done FROM runs WHERE name = 'gone'").get() as { status: string; contests_done: number } | undefined;
    // wait until the run exists and has started, then hang up
    for (let i = 0; i < 400 && !runOf(); i++) await new Promise((r) => setTimeout(r, 25));
    expect(runOf()).toBeDefined();
    req.destroy();
    let run = runOf();
    for (let i = 0; i < 800 && run?.status === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 25));
      run = runOf();
    }
    expect(run?.status).toBe('cancelled');
    expect(run!.contests_done).toBeLessThan(17);
  }, 60_000);
});

describe('[12.1.3] bounded graceful stop', () => {
  it('[12.1.3] shutdown_timeout defaults to 10 s; past it, connections are closed and the stop goes on', async () => {
    expect(buildConfig({ flags: {}, env: {}, file: undefined }, s.dir).values.shutdown_timeout).toBe(10);
    expect(buildConfig({ flags: {}, env: { LUCKYFIVE_SHUTDOWN_TIMEOUT: '3' }, file: undefined }, s.dir).values.shutdown_timeout).toBe(3);
    let closedConnections = 0;
    const stuck = { close: () => new Promise<void>(() => undefined), server: { closeAllConnections: () => void closedConnections++ } };
    const t = Date.now();
    expect(await closeWithin(stuck, 200)).toBe(false);
    expect(closedConnections).toBe(1);
    expect(Date.now() - t).toBeLessThan(5_000);
    expect(await closeWithin({ close: () => Promise.resolve(), server: { closeAllConnections: () => void closedConnections++ } }, 200)).toBe(true);
    expect(closedConnections).toBe(1);
  });
});
