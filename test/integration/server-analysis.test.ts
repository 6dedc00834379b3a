// /sweeps, /compare, /leaderboard: the same documents as the CLI's --json, every p-value adjusted over every trial.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { makeDraws, seedDraws } from '../helpers/draws.js';
import { type TestServer, startTestServer } from '../helpers/server.js';

let s: TestServer;
let sweepId: string;
let runIds: string[];

beforeAll(async () => {
  s = await startTestServer({ rate_limit_read: 100_000 }, { runJobs: false });
  seedDraws(s.dir, makeDraws(4001, 4100));
  const recipe = join(s.dir, 'tiny.json');
  writeFileSync(recipe, JSON.stringify({ version: '2', name: 'tiny', strategy: 'random', tickets: 3, numbers_per_ticket: 5, history: 30, seed: 5 }));
  const r = await cli(['sweep', '--recipe', recipe, '--param', 'seed=1,2,3', '--last', '12', '--threads', '1', '--json'], { dataDir: s.dir });
  expect(r.code, r.stderr).toBe(0);
  sweepId = r.json().sweep_id;
  const show = await cli(['sweep', 'show', sweepId, '--json'], { dataDir: s.dir });
  runIds = show.json().cells.map((c: { run_id: string }) => c.run_id);
}, 120_000);
afterAll(async () => {
  await s.close();
});

describe('analysis routes', () => {
  it('GET /sweeps lists the sweep and /sweeps/{id} ranks every cell with Holm and BH', async () => {
    const list = await s.get('/api/v1/sweeps', s.keys.viewer);
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().items).toEqual((await cli(['sweep', 'list', '--json'], { dataDir: s.dir })).json().sweeps);
    const show = await s.get(`/api/v1/sweeps/${sweepId}?top=2`, s.keys.viewer);
    expect(show.statusCode, show.body).toBe(200);
    const doc = show.json();
    expect(doc.cells).toHaveLength(2);
    expect(doc.adjustment.family_size).toBe(3);
    expect(doc.cells[0]).toHaveProperty('p_holm');
    expect(doc.cells[0]).toHaveProperty('p_bh');
    const cliDoc = (await cli(['sweep', 'show', sweepId, '--top', '2', '--json'], { dataDir: s.dir })).json();
    // the API adds the sweep's job (null: started by the CLI)
    expect(doc).toEqual({ ...cliDoc, job: null });
    expect(doc.cells[0].flag).toBe('best of 3');
    expect((await s.get('/api/v1/sweeps/..%2F..%2Fetc', s.keys.viewer)).statusCode).toBe(400);
    expect((await s.get('/api/v1/sweeps/sweep-unknown-000', s.keys.viewer)).statusCode).toBe(404);
  });

  it('GET /compare gives the paired tests of the CLI, and needs two runs', async () => {
    const q = runIds.map((id) => `run_id=${id}`).join('&');
    const r = await s.get(`/api/v1/compare?${q}&metrics=mean_hits`, s.keys.viewer);
    expect(r.statusCode, r.body).toBe(200);
    const cliDoc = (await cli(['compare', ...runIds, '--metrics', 'mean_hits', '--json'], { dataDir: s.dir })).json();
    expect(r.json()).toEqual(cliDoc);
    expect(r.json().pairs.length).toBe(3);
    expect((await s.get(`/api/v1/compare?run_id=${runIds[0]}`, s.keys.viewer)).statusCode).toBe(400);
    expect((await s.get(`/api/v1/compare?${q}&metrics=hit_rate`, s.keys.viewer)).statusCode).toBe(400);
  });

  it('GET /leaderboard adjusts over every matching run; a bad filter is 400; no key is 401', async () => {
    const r = await s.get('/api/v1/leaderboard?metric=mean_hits&limit=1&filter=strategy%3Drandom', s.keys.viewer);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().matching).toBe(3);
    expect(r.json().rows).toHaveLength(1);
    const bad = await s.get('/api/v1/leaderboard?filter=history%3E%3D', s.keys.viewer);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('E_USAGE');
    expect((await s.get('/api/v1/leaderboard')).statusCode).toBe(401);
  });

  it('[12.6.5] integer query parameters are decimal digits only on /leaderboard and /sweeps; a filter type error is 400', async () => {
    for (const url of [
      '/api/v1/leaderboard?limit=0x10',
      '/api/v1/leaderboard?limit=%201e1%20',
      '/api/v1/leaderboard?limit=1e1',
      '/api/v1/leaderboard?limit=%2B5',
      '/api/v1/sweeps?limit=0x10',
      '/api/v1/sweeps?limit=%201e1%20',
      `/api/v1/sweeps/${sweepId}?top=0x2`,
      `/api/v1/sweeps/${sweepId}?top=2.0`,
    ]) {
      const r = await s.get(url, s.keys.viewer);
      expect(r.statusCode, url).toBe(400);
      expect(r.json().error.code, url).toBe('E_INPUT_INVALID');
    }
    expect((await s.get('/api/v1/leaderboard?limit=10', s.keys.viewer)).statusCode).toBe(200);
    expect((await s.get('/api/v1/sweeps?limit=10', s.keys.viewer)).statusCode).toBe(200);
    const typed = await s.get('/api/v1/leaderboard?filter=history%3E%3Dabc', s.keys.viewer);
    expect(typed.statusCode).toBe(400);
    expect(typed.json().error.message).toMatch(/history is a number/);
  });

  it("GET /sweeps/{id} without ?by= ranks by the sweep's own metric, as `sweep show` does (runs last: it adds runs)", async () => {
    const recipe = join(s.dir, 'tiny.json');
    const r = await cli(['sweep', '--recipe', recipe, '--param', 'seed=7,8', '--last', '6', '--by', 'best_2plus', '--threads', '1', '--json'], {
      dataDir: s.dir,
    });
    expect(r.code, r.stderr).toBe(0);
    const doc = (await s.get(`/api/v1/sweeps/${r.json().sweep_id}`, s.keys.viewer)).json();
    expect(doc.metric).toBe('best_2plus');
    expect(doc).toEqual({ ...(await cli(['sweep', 'show', r.json().sweep_id, '--json'], { dataDir: s.dir })).json(), job: null });
  });
});
