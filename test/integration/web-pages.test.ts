// The web dashboard's read pages ([15.4.y]): each page 200 with its title and the same figures as
// the API's JSON, escaping, no inline script or style, paging links, the body cache by data
// version, and the 404 page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import type { Role } from '../../src/core/roles.js';
import { type PredictPool, createPredictPool } from '../../src/engine/pool.js';
import { cli } from '../helpers/cli.js';
import { makeDraws, seedDraws } from '../helpers/draws.js';
import { writeRecipe } from '../helpers/recipes.js';
import { type TestServer, startTestServer } from '../helpers/server.js';
import { WEB_PAGES } from '../../src/server/web/pages.js';

const TINY = { version: '2', name: 'tiny', strategy: 'random', tickets: 3, numbers_per_ticket: 5, history: 30, seed: 5 };
const EVIL = '<script>alert(1)</script>';
/** What Chromium sends for a navigation. */
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

let pool: PredictPool;
let s: TestServer;
let runId: string;
let otherId: string;
let sweepId: string;

const sessions = new Map<Role, string>();

/** Signs in through the sign-in form with the test server's key for `role`; returns the session cookie (`name=value`). */
async function signIn(role: Role): Promise<string> {
  const form = await s.app.inject({ method: 'GET', url: '/signin' });
  expect(form.statusCode, form.body).toBe(200);
  const pre = String(form.headers['set-cookie']).split(';')[0]!;
  const token = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
  const r = await s.app.inject({
    method: 'POST',
    url: '/signin',
    headers: { cookie: pre, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: token, next: '/', credential: s.keys[role] }).toString(),
  });
  expect(r.statusCode, r.body).toBe(303);
  const cookies = ([] as string[]).concat(r.headers['set-cookie'] ?? []);
  const session = cookies.map((c) => c.split(';')[0]!).find((c) => c.startsWith('lf_session=') && c.length > 'lf_session='.length);
  expect(session).toBeDefined();
  return session!;
}

/** A page as a browser signed in as `role` sees it. */
async function page(url: string, role: Role = 'viewer'): Promise<LightMyRequestResponse> {
  let cookie = sessions.get(role);
  if (!cookie) sessions.set(role, (cookie = await signIn(role)));
  return s.app.inject({ method: 'GET', url, headers: { cookie, accept: BROWSER_ACCEPT } });
}

/** As the pages escape text. */
const escape = (t: string) => t.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Inline script, inline event handlers, style attributes and style elements: all refused by the CSP. */
function inlineViolations(body: string): string[] {
  const found: string[] = [];
  for (const m of body.matchAll(/<script\b[^>]*>/gi)) if (!/\bsrc=/.test(m[0])) found.push(m[0]);
  for (const m of body.matchAll(/<[a-z][^>]*\s(on[a-z]+|style)\s*=/gi)) found.push(m[0]);
  for (const m of body.matchAll(/<style\b/gi)) found.push(m[0]);
  return found;
}

beforeAll(async () => {
  pool = createPredictPool(1);
  s = await startTestServer({ rate_limit_read: 100_000 }, { pool, runJobs: false });
  seedDraws(s.dir, makeDraws(4001, 4100));
  const r = await s.post('/api/v1/simulations', s.keys.analyst, { recipe: TINY, from: 4081, to: 4100, name: EVIL });
  expect(r.statusCode, r.body).toBe(200);
  runId = r.json<{ run_id: string }>().run_id;
  const other = await s.post('/api/v1/simulations', s.keys.analyst, { recipe: { ...TINY, seed: 6 }, from: 4081, to: 4100, name: 'seed six' });
  expect(other.statusCode, other.body).toBe(200);
  otherId = other.json<{ run_id: string }>().run_id;
  // a 2x2 sweep, run by the CLI on the same data dir (another process's writes, as in real use)
  const recipe = writeRecipe(s.dir, 'sweep', { ...TINY, name: 'sweepy' });
  const sweep = await cli(['sweep', '--recipe', recipe, '--param', 'history=20,30', '--param', 'seed=1,2', '--from', '4086', '--to', '4095', '--json'], {
    dataDir: s.dir,
  });
  expect(sweep.code, sweep.stderr).toBe(0);
  sweepId = sweep.json().sweep_id as string;
}, 120_000);
afterAll(async () => {
  await s.close();
  await pool.close();
});

describe('[15.4] the web dashboard', () => {
  it('[15.4.1] the overview shows the dashboard figures, the best run beside its baseline, escaped', async () => {
    const r = await page('/');
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/html/);
    expect(r.headers['cache-control']).toBe('private, no-store');
    const api = (await s.get('/api/v1/dashboard', s.keys.viewer)).json();
    expect(r.body).toContain('<title>Overview · luckyfive</title>');
    expect(r.body).toContain(`${api.draws.count}`);
    expect(r.body).toContain(`href="/runs/${api.runs.best.run_id}"`);
    expect(r.body).toContain(api.runs.best.mean_hits.toFixed(4));
    expect(r.body).toContain(api.runs.best.expected_mean_hits.toFixed(4));
    expect(r.body).not.toContain(EVIL);
    const own = await page(`/runs/${runId}`);
    expect(own.body).toContain('<h1>Run &#60;script&#62;alert(1)&#60;/script&#62;</h1>');
    expect(own.body).not.toContain(EVIL);
    expect(inlineViolations(r.body)).toEqual([]);
  });

  it('[15.4.2] the stylesheet is served; unknown page URLs get the 404 page, API URLs keep the JSON envelope', async () => {
    const css = await s.get('/assets/app.css');
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    const missing = await page('/no/such/page');
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toMatch(/^text\/html/);
    expect(missing.body).toContain('<h1>Not found</h1>');
    expect(inlineViolations(missing.body)).toEqual([]);
    for (const url of ['/api/v1/no-such-thing', '/docs/nothing']) {
      const api = await s.get(url, s.keys.viewer, { accept: BROWSER_ACCEPT });
      expect(api.statusCode).toBe(404);
      expect(api.json().error.code).toBe('E_NOT_FOUND');
    }
    // a client that does not ask for HTML gets the API's envelope
    expect((await s.get('/no/such/page', s.keys.viewer)).json().error.code).toBe('E_NOT_FOUND');
  });

  it('[15.4.3] the runs page filters, sorts and pages; each row has mean hits beside its exact baseline', async () => {
    const r = await page('/runs?status=completed&strategy=random&sort=mean_hits');
    expect(r.statusCode, r.body).toBe(200);
    const api = (await s.get('/api/v1/runs?status=completed', s.keys.viewer)).json();
    expect(r.body).toContain(api.items[0].mean_hits.toFixed(4));
    expect(r.body).toContain('<td>0.3125</td>'); // 5 numbers a ticket: 5 x 5/80
    expect(r.body).toMatch(/<option value="completed"\s+selected>/);
    expect(inlineViolations(r.body)).toEqual([]);
    expect((await page('/runs?strategy=frequency')).body).toContain('No runs to show.');
    const bad = await page('/runs?status=sleeping');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('query.status');
  });

  it('[15.4.4] a run page: honesty first, figures beside the baseline, charts, tickets page by page, downloads', async () => {
    const r = await page(`/runs/${runId}`);
    expect(r.statusCode, r.body).toBe(200);
    const api = (await s.get(`/api/v1/runs/${runId}`, s.keys.viewer)).json();
    const b = api.summary.baseline;
    expect(r.body.indexOf(escape(b.verdict))).toBeGreaterThan(0);
    expect(r.body.indexOf(escape(b.verdict))).toBeLessThan(r.body.indexOf('id="figures"'));
    expect(r.body).toContain(b.figures.mean_hits.observed.toFixed(4));
    expect(r.body).toContain(b.figures.mean_hits.expected.toFixed(4));
    expect((r.body.match(/<svg/g) ?? []).length).toBe(3);
    expect(inlineViolations(r.body)).toEqual([]);
    expect(r.body).toContain('Tickets of contests 4081–4090');
    const next = /href="([^"]+\?after=\d+)#tickets"/.exec(r.body)![1]!;
    const second = await page(next.replaceAll('&#38;', '&'));
    expect(second.statusCode).toBe(200);
    expect(second.body).toContain('Tickets of contests 4091–4100');
    const csv = await page(`/runs/${runId}/download/tickets.csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toBe((await s.get(`/api/v1/runs/${runId}/tickets.csv`, s.keys.viewer)).body);
    const file = await page(`/runs/${runId}/download/run.sqlite`);
    expect(file.statusCode).toBe(200);
    expect(file.rawPayload.subarray(0, 15).toString()).toBe('SQLite format 3');
    const report = await page(`/runs/${runId}/download/report.html`);
    expect(report.statusCode).toBe(200);
    expect(report.headers['content-disposition']).toBe(`attachment; filename="${runId}-report.html"`);
    expect(report.body).toContain(escape(api.summary.baseline.verdict));
    const png = await page(`/runs/${runId}/download/report.png`);
    expect(png.statusCode).toBe(200);
    expect(png.rawPayload.subarray(1, 4).toString()).toBe('PNG');
    // a format `report run` cannot make (yet) is a 404 page that says so, never a broken file
    const pdf = await page(`/runs/${runId}/download/report.pdf`);
    expect([200, 404]).toContain(pdf.statusCode);
    if (pdf.statusCode === 404) expect(pdf.body).toContain('PDF reports are not available on this server yet');
    else expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    expect((await page(`/runs/${runId}/download/other.txt`)).statusCode).toBe(400);
    const missing = await page('/runs/no-such-run');
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toContain('<h1>Not found</h1>');
  });

  it('[15.4.5] the books page: balance, soundness, the period report with its charts, budgets used, entries paged', async () => {
    for (let i = 1; i <= 30; i++) {
      const r = await s.post('/api/v1/ledger', s.keys.analyst, { type: 'deposit', amount_cents: 1_000 + i, date: `2020-01-${String(i).padStart(2, '0')}` });
      expect(r.statusCode, r.body).toBe(201);
    }
    expect((await s.post('/api/v1/budgets', s.keys.analyst, { name: 'january', amount_cents: 5_000, from: '2020-01-01', to: '2020-01-31' })).statusCode).toBe(
      201,
    );
    const r = await page('/books?from=2020-01-01&to=2020-01-31');
    expect(r.statusCode, r.body).toBe(200);
    expect(r.body).toContain('<title>Books · luckyfive</title>');
    const balance = (await s.get('/api/v1/ledger/balance', s.keys.viewer)).json();
    expect(balance.balance_cents).toBe(30_000 + (30 * 31) / 2);
    expect(r.body).toContain('R$ 304,65');
    expect(r.body).toContain('>sound<');
    expect(r.body).toContain('january');
    expect(r.body).toMatch(/<svg/);
    expect(inlineViolations(r.body)).toEqual([]);
    expect(r.body).toContain('Entries 2020-01-01 – 2020-01-31');
    const next = /href="([^"]+)#entries" rel="next"/.exec(r.body)![1]!.replaceAll('&#38;', '&');
    const second = await page(next);
    expect(second.statusCode).toBe(200);
    expect(second.body).toMatch(/<th scope="row">30<\/th>/);
    expect(second.body).not.toMatch(/rel="next"/);
  });

  it('[15.4.6] page bodies are cached by data version: a second request hits, a write misses', async () => {
    const cache = s.app.webPageCache;
    await page('/runs?sort=p');
    const hits = cache.hits;
    const misses = cache.misses;
    await page('/runs?sort=p');
    expect(cache.hits).toBe(hits + 1);
    expect(cache.misses).toBe(misses);
    // another role gets its own body (its nav and what it may see differ)
    await page('/runs?sort=p', 'analyst');
    expect(cache.misses).toBe(misses + 1);
    expect((await s.post('/api/v1/ledger', s.keys.analyst, { type: 'deposit', amount_cents: 5, date: '2020-02-01' })).statusCode).toBe(201);
    await page('/runs?sort=p');
    expect(cache.misses).toBe(misses + 2);
  });

  it('[15.4.7] the draws page: newest first, paged by ?after=, the frequency chart with the uniformity test', async () => {
    const r = await page('/draws');
    expect(r.statusCode, r.body).toBe(200);
    const stats = (await s.get('/api/v1/draws?order=desc&limit=1', s.keys.viewer)).json();
    expect(r.body).toContain(`<th scope="row">${stats.items[0].contest}</th>`);
    expect(r.body).toContain('Draws 4100–4051');
    expect(r.body).toMatch(/chi-square [\d.]+ on 79 degrees of freedom/);
    expect((r.body.match(/<svg/g) ?? []).length).toBe(1);
    expect(inlineViolations(r.body)).toEqual([]);
    const older = await page('/draws?after=4051');
    expect(older.body).toContain('Draws 4050–4001');
    expect(older.body).not.toMatch(/rel="next"/);
    const ranged = await page('/draws?from=4010&to=4019');
    expect(ranged.body).toContain('Contests 4010–4019 (10 draws)');
    expect((await page('/draws?from=20&to=10')).statusCode).toBe(400);
  });

  it('[15.4.8] the sweeps list and a sweep: honesty sentence first, cells ranked with baseline and adjusted p, the heatmap', async () => {
    const list = await page('/sweeps');
    expect(list.statusCode, list.body).toBe(200);
    expect(list.body).toContain(`href="/sweeps/${sweepId}"`);
    const r = await page(`/sweeps/${sweepId}`);
    expect(r.statusCode, r.body).toBe(200);
    const show = (await s.get(`/api/v1/sweeps/${sweepId}`, s.keys.viewer)).json();
    expect(show.cells).toHaveLength(4);
    expect(r.body.indexOf('class="honest"')).toBeLessThan(r.body.indexOf('Cells ranked'));
    expect(r.body).toMatch(/best of 4/);
    expect((r.body.match(/<svg/g) ?? []).length).toBeGreaterThanOrEqual(1);
    expect(inlineViolations(r.body)).toEqual([]);
    expect((await page('/sweeps/nope-nope')).statusCode).toBe(404);
  });

  it('[15.4.9] compare: a form of checkboxes, then the paired tests as the API computes them, with the paired-difference chart', async () => {
    const form = await page('/compare');
    expect(form.statusCode, form.body).toBe(200);
    expect(form.body).toContain(`name="runs" value="${runId}"`);
    const r = await page(`/compare?runs=${runId}&runs=${otherId}`);
    expect(r.statusCode, r.body).toBe(200);
    const api = (await s.get(`/api/v1/compare?run_id=${runId}&run_id=${otherId}`, s.keys.viewer)).json();
    expect(r.body).toContain(escape(api.pairs[0].sentence));
    expect(r.body).toContain(api.pairs[0].mean_diff.toFixed(4));
    expect((r.body.match(/<svg/g) ?? []).length).toBe(1);
    expect(inlineViolations(r.body)).toEqual([]);
    // the contract's comma form gives the same page
    expect((await page(`/compare?runs=${runId},${otherId}`)).body).toContain(escape(api.pairs[0].sentence));
    expect((await page(`/compare?runs=${runId}`)).body).toContain('Pick at least two runs.');
  });

  it('[15.4.10] the leaderboard ranks by lift beside the baseline with adjusted p-values and the best-of-N sentence', async () => {
    const r = await page('/leaderboard');
    expect(r.statusCode, r.body).toBe(200);
    const api = (await s.get('/api/v1/leaderboard?metric=mean_hits', s.keys.viewer)).json();
    expect(r.body).toContain(`${api.shown} of ${api.matching} matching runs shown`);
    expect(r.body).toContain('chance alone gives about');
    expect(inlineViolations(r.body)).toEqual([]);
    expect((await page('/leaderboard?metric=net_cents')).body).toContain('has no exact baseline');
  });

  it('[15.4.11] every page: 200, its title, the nav for the role, no inline script or style; a run named <script> is text everywhere', async () => {
    for (const p of WEB_PAGES) {
      if (p.role === 'analyst') continue; // a viewer is refused: see below
      const r = await page(p.path);
      expect(r.statusCode, p.path).toBe(200);
      expect(r.body, p.path).toContain(`<title>${p.title}`);
      expect(inlineViolations(r.body), p.path).toEqual([]);
      expect(r.body, p.path).not.toContain(EVIL);
      expect(r.body, p.path).toMatch(/<main id="main">/);
      expect(r.body, p.path).toContain('name="_csrf"');
      expect(r.body, p.path).not.toContain('href="/imports"');
    }
    expect((await page('/', 'analyst')).body).toContain('href="/imports"');
    const refused = await page('/imports');
    expect(refused.statusCode).toBe(403);
    expect(inlineViolations(refused.body)).toEqual([]);
    const imports = await page('/imports', 'analyst');
    expect(imports.statusCode).toBe(200);
    expect(inlineViolations(imports.body)).toEqual([]);
    // signed out: the browser is sent to sign in, and comes back
    const out = await s.app.inject({ method: 'GET', url: '/runs?sort=p', headers: { accept: BROWSER_ACCEPT } });
    expect(out.statusCode).toBe(303);
    expect(out.headers.location).toBe('/signin?next=%2Fruns%3Fsort%3Dp');
    // an API key is not a session
    expect((await s.get('/runs', s.keys.admin, { accept: BROWSER_ACCEPT })).statusCode).toBe(303);
  });
});
