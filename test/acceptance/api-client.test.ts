/**
 * The API client's journey against `luckyfive serve` (the built CLI, a child process on a free
 * loopback port, stopped by its PID): keys made with the CLI, a simulation job posted and followed
 * to its run, which must equal what the CLI shows on the same data dir; cursor pages that visit
 * every run once; and the error envelope for 401, 403, 404, 400 and 429 (with Retry-After).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STEP_MS, type Served, csvRecords, haveBuiltCli, hitsOf, http, journeyDir, lfJson, lfOut, serve } from './helpers/journey.js';

/** Read requests per minute per key on this server: low enough to reach in a test. */
const READ_LIMIT = 40;

/** The error envelope every failure answers with. */
function expectEnvelope(res: { status: number; body: any }, status: number, code: string): void {
  expect(res.status).toBe(status);
  expect(res.body).toEqual({ error: { code, message: expect.any(String), details: expect.any(Array) } });
  expect(JSON.stringify(res.body)).not.toMatch(/\bat .*\.js:\d+/); // no stack trace
}

describe.runIf(haveBuiltCli())('[17.5.4] journey: the API client', () => {
  let dir = '';
  let cleanup = () => {};
  let server: Served | undefined;
  let api = '';
  const keys = { analyst: '', viewer: '', other: '' };
  let jobRun = '';
  const started = Date.now();

  beforeAll(() => ({ dir, cleanup } = journeyDir('api')));
  afterAll(async () => {
    if (server) await server.stop();
    console.info(`API client journey: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    cleanup();
  }, 30_000);

  it(
    '[17.5.4] keys from the CLI, then serve answers on 127.0.0.1 with them',
    async () => {
      expect((await lfJson(dir, ['import', '--sample'])).inserted).toBe(2000);
      keys.analyst = (await lfJson(dir, ['auth', 'key', 'create', '--name', 'client', '--role', 'analyst'])).key;
      keys.viewer = (await lfJson(dir, ['auth', 'key', 'create', '--name', 'reader', '--role', 'viewer'])).key;
      keys.other = (await lfJson(dir, ['auth', 'key', 'create', '--name', 'burst', '--role', 'viewer'])).key;
      server = await serve(dir, { LUCKYFIVE_RATE_LIMIT_READ: String(READ_LIMIT) });
      api = `${server.url}/api/v1`;
      expect((await http(`${api}/health`)).status).toBe(200);
      const draw = await http(`${api}/draws/6882`, { key: keys.viewer });
      expect(draw.status).toBe(200);
      expect(draw.body.balls).toEqual((await lfJson(dir, ['draws', 'show', '6882'])).balls);
    },
    STEP_MS,
  );

  it(
    '[17.5.4] a simulation job: 202, followed to completed; its run over HTTP equals runs show --json and runs export',
    async () => {
      const recipe = { version: '2', name: 'api', strategy: 'random', tickets: 5, numbers_per_ticket: 6, history: 30, seed: 21 };
      const posted = await http(`${api}/simulations`, { key: keys.analyst, body: { recipe, last: 30, name: 'api job' } });
      expect(posted.status, posted.text).toBe(202);
      expect(posted.body).toMatchObject({ kind: 'simulate', request: { from: 6853, to: 6882, name: 'api job' } });
      let job = posted.body;
      const deadline = Date.now() + 90_000;
      while (!['completed', 'failed', 'cancelled'].includes(job.status) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 750));
        const polled = await http(`${api}/simulations/${job.job_id}`, { key: keys.analyst });
        expect(polled.status).toBe(200);
        job = polled.body;
      }
      expect(job).toMatchObject({ status: 'completed', run_status: 'completed', contests_done: 30, contests_planned: 30, error: null });
      jobRun = job.run_id;

      const overHttp = await http(`${api}/runs/${jobRun}`, { key: keys.viewer });
      expect(overHttp.status).toBe(200);
      const fromCli = await lfJson(dir, ['runs', 'show', jobRun]);
      expect(overHttp.body).toMatchObject({ run_id: jobRun, status: 'completed', contests: 30, tickets: 150, name: 'api job' });
      expect(overHttp.body.summary).toEqual(fromCli.summary);
      expect(overHttp.body.finance).toEqual(fromCli.finance);
      expect(overHttp.body.recipe_hash).toBe(fromCli.recipe_hash);

      const csv = await http(`${api}/runs/${jobRun}/tickets.csv`, { key: keys.viewer });
      expect(csv.status).toBe(200);
      expect(csv.text).toBe(await lfOut(dir, ['runs', 'export', jobRun, '--format', 'csv']));
      // the hits it reports, recounted from the draws
      const draws = new Map(
        ((await lfJson(dir, ['draws', 'list', '--from', '6853', '--to', '6882'])).draws as Array<{ contest: number; balls: number[] }>).map((d) => [
          d.contest,
          d.balls,
        ]),
      );
      const rows = csvRecords(csv.text);
      let hits = 0;
      for (const r of rows) {
        const h = hitsOf(r.numbers!.split(' ').map(Number), draws.get(Number(r.contest))!);
        expect(Number(r.hits)).toBe(h);
        hits += h;
      }
      expect(overHttp.body.summary.mean_hits).toBeCloseTo(hits / 150, 12);
      expect(overHttp.body.summary.baseline.figures.mean_hits.expected).toBeCloseTo((5 * 6) / 80, 12);
    },
    STEP_MS,
  );

  it(
    '[17.5.4] cursor pages over GET /runs visit every run exactly once, in order',
    async () => {
      // four small simulations answer inside the request (200 and the report)
      for (const seed of [1, 2, 3, 4]) {
        const r = await http(`${api}/simulations`, { key: keys.analyst, body: { preset: 'conservative', last: 5, seed, name: `small ${seed}` } });
        expect(r.status, r.text).toBe(200);
        expect(r.body).toMatchObject({ status: 'completed', contests: 5 });
      }
      const all = ((await lfJson(dir, ['runs', 'list', '--limit', '0'])).runs as Array<{ run_id: string; net_cents: number }>).map((r) => r.run_id);
      expect(all).toHaveLength(5);
      for (const query of ['limit=2', 'limit=2&order_by=net_cents']) {
        const seen: string[] = [];
        const values: number[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const url: string = `${api}/runs?${query}${cursor ? `&cursor=${cursor}` : ''}`;
          const page = await http(url, { key: keys.viewer });
          expect(page.status, page.text).toBe(200);
          expect(page.body.items.length).toBeLessThanOrEqual(2);
          seen.push(...page.body.items.map((r: any) => r.run_id));
          values.push(...page.body.items.map((r: any) => r.net_cents));
          cursor = page.body.next_cursor;
          pages++;
        } while (cursor !== null && pages < 10);
        expect(pages, query).toBe(3);
        expect(new Set(seen).size, query).toBe(seen.length);
        expect([...seen].sort(), query).toEqual([...all].sort());
        if (query.includes('net_cents')) expect(values).toEqual([...values].sort((a, b) => a - b));
      }
      const bad = await http(`${api}/runs?limit=2&cursor=not-a-cursor`, { key: keys.viewer });
      expectEnvelope(bad, 400, 'E_INPUT_INVALID');
    },
    STEP_MS,
  );

  it(
    '[17.5.4] errors: 401 without or with a bad key, 403 for a viewer write, 404, 400 with details, one envelope',
    async () => {
      expectEnvelope(await http(`${api}/runs`), 401, 'E_UNAUTHORIZED');
      expectEnvelope(await http(`${api}/runs`, { key: 'lf_' + 'x'.repeat(43) }), 401, 'E_UNAUTHORIZED');
      expectEnvelope(await http(`${api}/simulations`, { key: keys.viewer, body: { preset: 'balanced', last: 5 } }), 403, 'E_FORBIDDEN');
      expectEnvelope(await http(`${api}/runs/20200101-000000-abcdef`, { key: keys.viewer }), 404, 'E_NOT_FOUND');
      expectEnvelope(await http(`${api}/simulations/job-doesnotexist`, { key: keys.analyst }), 404, 'E_NOT_FOUND');
      const unknown = await http(`${api}/simulations`, { key: keys.analyst, body: { preset: 'balanced', last: 5, colour: 'red' } });
      expectEnvelope(unknown, 400, 'E_INPUT_INVALID');
      expect(unknown.body.error.details.join('\n')).toMatch(/colour/);
      const noRange = await http(`${api}/simulations`, { key: keys.analyst, body: { preset: 'balanced' } });
      expect(noRange.status).toBe(400);
      expect(noRange.body.error.code).toMatch(/^E_(INPUT|RANGE)_INVALID$/);
      const hexLimit = await http(`${api}/runs?limit=0x10`, { key: keys.viewer });
      expectEnvelope(hexLimit, 400, 'E_INPUT_INVALID');
      expect(hexLimit.body.error.details.join('\n')).toMatch(/limit/);
    },
    STEP_MS,
  );

  it(
    `[17.5.4] 429 with Retry-After once a key passes ${READ_LIMIT} reads a minute; other keys are not held back`,
    async () => {
      const statuses: number[] = [];
      let limited: Awaited<ReturnType<typeof http>> | undefined;
      for (let i = 0; i < READ_LIMIT + 5 && !limited; i++) {
        const r = await http(`${api}/draws?limit=1`, { key: keys.other });
        statuses.push(r.status);
        if (r.status === 429) limited = r;
      }
      expect(limited, `statuses: ${statuses.join(',')}`).toBeDefined();
      expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(READ_LIMIT - 1);
      expect(statuses.slice(0, -1).every((s) => s === 200)).toBe(true);
      expectEnvelope(limited!, 429, 'E_RATE_LIMITED');
      const retryAfter = Number(limited!.headers.get('retry-after'));
      expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
      expect((await http(`${api}/draws?limit=1`, { key: keys.viewer })).status).toBe(200);
      expect(await server!.stop()).toBe(0);
      server = undefined;
    },
    STEP_MS,
  );
});
