// The dashboard's study pages: /studies lists every study, /studies/{id} puts the verdict first, then the facts and job, the progress
// chart, the parameter space (a scatter of two parameters, a table for one), train against holdout, the looks and the best trials.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { type PredictPool, createPredictPool } from '../../src/engine/pool.js';
import { makeDraws, seedDraws } from '../helpers/draws.js';
import { type TestServer, startTestServer } from '../helpers/server.js';

const RECIPE = { version: '2', name: 'tiny', strategy: 'random', tickets: 3, numbers_per_ticket: 5, history: 30, seed: 5 };
const EVIL = '<script>alert(1)</script>';
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

let pool: PredictPool;
let s: TestServer;
let cookie: string;
let twoParams: string;
let oneParam: string;

async function signIn(): Promise<string> {
  const form = await s.app.inject({ method: 'GET', url: '/signin' });
  const pre = String(form.headers['set-cookie']).split(';')[0]!;
  const token = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
  const r = await s.app.inject({
    method: 'POST',
    url: '/signin',
    headers: { cookie: pre, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: token, next: '/', credential: s.keys.viewer }).toString(),
  });
  expect(r.statusCode, r.body).toBe(303);
  return ([] as string[])
    .concat(r.headers['set-cookie'] ?? [])
    .map((c) => c.split(';')[0]!)
    .find((c) => c.startsWith('lf_session=') && c.length > 'lf_session='.length)!;
}

const page = (url: string): Promise<LightMyRequestResponse> => s.app.inject({ method: 'GET', url, headers: { cookie, accept: BROWSER_ACCEPT } });

async function study(body: Record<string, unknown>): Promise<string> {
  const r = await s.post('/api/v1/optimizations', s.keys.analyst, {
    version: '1',
    base: { recipe: RECIPE },
    train: { from: 2400, to: 2415 },
    holdout: { from: 2500, to: 2508 },
    method: 'random',
    trials: 4,
    holdout_top: 2,
    seed: 3,
    ...body,
  });
  expect(r.statusCode, r.body).toBe(202);
  const id: string = r.json().study.study_id;
  for (const end = Date.now() + 60_000; Date.now() < end; await new Promise((ok) => setTimeout(ok, 100))) {
    const d = (await s.get(`/api/v1/optimizations/${id}`, s.keys.viewer)).json();
    if (d.job?.status === 'completed') return id;
  }
  throw new Error(`study ${id} did not complete`);
}

beforeAll(async () => {
  pool = createPredictPool(1);
  s = await startTestServer({ rate_limit_read: 1_000_000, rate_limit_heavy: 1_000_000, rate_limit_ip: 1_000_000 }, { pool });
  seedDraws(s.dir, makeDraws(1, 2600));
  twoParams = await study({
    name: EVIL,
    parameters: [
      { name: 'seed', range: { min: 1, max: 500, step: 1 } },
      { name: 'tickets', list: [2, 3, 4] },
    ],
  });
  oneParam = await study({ name: 'one knob', parameters: [{ name: 'seed', list: [1, 2, 3, 4, 5, 6] }] });
  cookie = await signIn();
}, 120_000);
afterAll(async () => {
  await s.close();
  await pool.close();
});

describe('study pages', () => {
  it('[18.4.10] /studies lists the studies (escaped) with links, and the nav has Studies', async () => {
    const r = await page('/studies');
    expect(r.statusCode, r.body).toBe(200);
    expect(r.body).toContain(`href="/studies/${twoParams}"`);
    expect(r.body).toContain(`href="/studies/${oneParam}"`);
    expect(r.body).not.toContain(EVIL);
    expect(r.body).toContain('&#60;script&#62;');
    expect(r.body).toMatch(/<a[^>]*href="\/studies"[^>]*>Studies<\/a>/);
  });

  it('[18.4.11] a study page: the verdict sentence first, facts and job, progress, the space as a scatter, train vs holdout, looks, trials', async () => {
    const r = await page(`/studies/${twoParams}`);
    expect(r.statusCode, r.body).toBe(200);
    const doc = (await s.get(`/api/v1/optimizations/${twoParams}`, s.keys.viewer)).json();
    const escaped = (t: string) => t.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
    const main = r.body.slice(r.body.indexOf('<main'));
    const honest = main.indexOf('class="honest"');
    expect(honest).toBeGreaterThan(-1);
    expect(main.indexOf(escaped(doc.verdict.sentence))).toBeGreaterThan(honest);
    expect(main.indexOf(escaped(doc.verdict.sentence))).toBeLessThan(main.indexOf('<h2>'));
    for (const h of ['What was searched', 'Progress over trials', 'The parameter space explored', 'Train against holdout', 'Looks at the holdout', 'Trials'])
      expect(main).toContain(`<h2>${h}</h2>`);
    expect(main.match(/<svg\b[^>]*role="img"/g)).toHaveLength(3);
    expect(main).toContain(doc.job.job_id);
    expect(main).not.toContain(EVIL);
    expect(main).not.toMatch(/<script\b(?![^>]*\bsrc=)/i);
    expect(main).not.toMatch(/<[a-z][^>]*\sstyle\s*=/i);
  });

  it('[18.4.12] one parameter: the space is a table; an unknown study is the 404 page, a malformed id the 400 page', async () => {
    const r = await page(`/studies/${oneParam}`);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.body).toContain('Tried values of seed');
    expect(r.body.match(/<svg\b[^>]*role="img"/g)).toHaveLength(2);
    const missing = await page('/studies/zzzzzz-unknown');
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toMatch(/text\/html/);
    expect((await page('/studies/..%2Fx')).statusCode).toBe(400);
  });
});
