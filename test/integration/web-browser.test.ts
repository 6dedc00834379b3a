// The dashboard in a real browser: Debian's Chromium driven by playwright-core against the app
// listening on 127.0.0.1 (port 0) over a catalog with draws, runs, a sweep and books. Sign-in,
// sign-out, roles, CSRF, every page (no console or page error, no request to another origin,
// every chart drawn), axe-core at 1,280 and 375 px, a screenshot of each, keyboard access.
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roleAllows } from '../../src/auth/roles.js';
import { type PredictPool, createPredictPool } from '../../src/engine/pool.js';
import { createImportOnPool } from '../../src/server/import-on-pool.js';
import { WEB_PAGES } from '../../src/server/web/pages.js';
import { type TestChromium, haveChromium, startChromium } from '../helpers/browser.js';
import { cli } from '../helpers/cli.js';
import { type TestServer, startTestServer } from '../helpers/server.js';

const SCREENSHOTS = resolve(import.meta.dirname, '../../test-output/screenshots');
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const WIDTHS = [1280, 375] as const;

interface Focused {
  href: string | null;
  outline: boolean;
  shadow: boolean;
  visible: boolean;
}
/** What has the focus (run in the page: the test's tsconfig has no DOM types). */
const FOCUSED = `(() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    href: el.getAttribute('href'),
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
    shadow: style.boxShadow !== 'none',
    visible: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < innerHeight,
  };
})()`;

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

let s: TestServer;
let pool: PredictPool;
let chrome: TestChromium;
let base: string;
const ids: { runs: string[]; sweep?: string; study?: string; job?: string } = { runs: [] };

/** Pages a signed-in analyst visits: every navigable page plus a run, a sweep, a study, a comparison and a job. */
function pagesToVisit(): Array<{ path: string; name: string }> {
  const listed = WEB_PAGES.filter((p) => roleAllows('analyst', p.role)).map((p) => ({ path: p.path, name: p.path === '/' ? 'overview' : p.path.slice(1) }));
  const details = [
    { path: `/runs/${ids.runs[0]}`, name: 'run' },
    { path: `/compare?runs=${ids.runs.slice(0, 2).join(',')}`, name: 'compare-two' },
    ...(ids.sweep ? [{ path: `/sweeps/${ids.sweep}`, name: 'sweep' }] : []),
    ...(ids.study ? [{ path: `/studies/${ids.study}`, name: 'study' }] : []),
    ...(ids.job ? [{ path: `/jobs/${ids.job}`, name: 'job' }] : []),
  ];
  return [...listed, ...details];
}

async function ok(args: string[]): Promise<string> {
  const r = await cli([...args, '--json'], { dataDir: s.dir });
  if (r.code !== 0) throw new Error(`luckyfive ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

describe.skipIf(!haveChromium())('[15.5.6] the dashboard in Chromium', () => {
  beforeAll(async () => {
    pool = createPredictPool(1);
    s = await startTestServer({ rate_limit_read: 1_000_000, rate_limit_write: 100_000, rate_limit_heavy: 100_000, rate_limit_ip: 10_000_000 }, { pool });
    await ok(['import', '--sample']);
    for (const seed of [1, 2, 3]) {
      ids.runs.push(JSON.parse(await ok(['simulate', '--preset', 'conservative', '--last', '3', '--seed', String(seed), '--name', `browser ${seed}`])).run_id);
    }
    const sweep = JSON.parse(await ok(['sweep', '--preset', 'conservative', '--param', 'tickets=3,5', '--last', '3', '--name', 'browser sweep']));
    ids.sweep = sweep.sweep_id ?? sweep.id;
    // a small study of two parameters: every chart of the study page (progress, space, train against holdout)
    const study = JSON.parse(
      await ok([
        'optimize',
        '--preset',
        'conservative',
        '--param',
        'tickets=3,5',
        '--param',
        'seed=1..100:1',
        '--train',
        '6860..6866',
        '--holdout',
        '6875..6880',
        '--trials',
        '3',
        '--holdout-top',
        '2',
        '--seed',
        '4',
        '--name',
        'browser study',
      ]),
    );
    ids.study = study.study_id;
    await ok(['ledger', 'add', 'deposit', '--amount', '100', '--date', '2025-01-02']);
    await ok(['ledger', 'add', 'bet', '--contest', '6882', '--tickets', '2']);
    await ok(['budget', 'create', 'monthly', '--amount', '50', '--from', '2025-01-01']);
    await s.restart({ importFile: createImportOnPool(s.catalog, pool) });
    // a queued job (cancelled at once, so it does not load the machine during the page walk)
    const queued = await s.post('/api/v1/simulations', s.keys.analyst, { preset: 'conservative', last: 300 });
    ids.job = queued.json<{ job_id: string }>().job_id;
    await s.post(`/api/v1/simulations/${ids.job}/cancel`, s.keys.analyst);
    await s.app.listen({ host: '127.0.0.1', port: 0 });
    const address = s.app.server.address() as { port: number };
    base = `http://127.0.0.1:${address.port}`;
    chrome = await startChromium();
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 180_000);

  afterAll(async () => {
    await chrome?.stop();
    await s?.close();
    await pool?.close();
  });

  /** A fresh context (its own cookies) at `width`, every request watched. */
  async function open(width = 1280): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
    const context = await chrome.browser.newContext({ baseURL: base, viewport: { width, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const problems: string[] = [];
    page.on('console', (m) => {
      // The browser asks for /favicon.ico by itself; the pages link no icon.
      if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) problems.push(`console error: ${m.text()} (${m.location().url})`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => {
      if (!r.url().startsWith(`${base}/`)) problems.push(`request to another origin: ${r.url()}`);
    });
    return { context, page, problems };
  }

  async function signInAs(page: Page, key: string, next?: string): Promise<void> {
    await page.goto(next ? `/signin?next=${encodeURIComponent(next)}` : '/signin');
    await page.getByLabel('API key or token').fill(key);
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/signin')), page.getByRole('button', { name: 'Sign in' }).click()]);
  }

  it('[15.5.6] sign-in with a good key lands on the page asked for; the browser keeps only an HttpOnly session cookie', async () => {
    const { context, page, problems } = await open();
    try {
      const first = await page.goto('/jobs');
      expect(new URL(page.url()).pathname).toBe('/signin');
      expect(first?.status()).toBe(200);
      await signInAs(page, s.keys.analyst, '/jobs');
      expect(new URL(page.url()).pathname).toBe('/jobs');
      await page.getByText('Signed in as').waitFor();
      const cookies = await context.cookies();
      const session = cookies.find((c) => c.name === 'lf_session')!;
      expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', secure: false, path: '/' });
      expect(cookies.some((c) => c.value.includes(s.keys.analyst))).toBe(false);
      const stored = await page.evaluate<string>('JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage }, cookie: document.cookie })');
      expect(stored).toBe('{"local":{},"session":{},"cookie":""}');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('[15.5.6] a bad key shows the form again with a plain message and no session', async () => {
    const { context, page } = await open();
    try {
      await page.goto('/signin');
      await page.getByLabel('API key or token').fill('lf_not-a-real-key-at-all-000000000000000000000');
      const [answer] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/signin') && r.request().method() === 'POST'),
        page.getByRole('button', { name: 'Sign in' }).click(),
      ]);
      expect(answer.status()).toBe(401);
      await page.getByText('That key or token was not accepted.').waitFor();
      expect((await context.cookies()).some((c) => c.name === 'lf_session')).toBe(false);
    } finally {
      await context.close();
    }
  });

  it('[15.5.6] sign-out ends the session: the old cookie no longer opens a page', async () => {
    const { context, page } = await open();
    try {
      await signInAs(page, s.keys.viewer);
      const old = (await context.cookies()).find((c) => c.name === 'lf_session')!;
      await Promise.all([page.waitForURL('**/signin'), page.getByRole('button', { name: 'Sign out' }).click()]);
      expect((await context.cookies()).some((c) => c.name === 'lf_session')).toBe(false);
      const replay = await chrome.browser.newContext({ baseURL: base });
      try {
        await replay.addCookies([{ name: old.name, value: old.value, url: base }]);
        const p = await replay.newPage();
        await p.goto('/jobs');
        expect(new URL(p.url()).pathname).toBe('/signin');
      } finally {
        await replay.close();
      }
    } finally {
      await context.close();
    }
  });

  it('[15.5.6] a viewer sees no analyst form, and a POST of one is refused', async () => {
    const { context, page } = await open();
    try {
      await signInAs(page, s.keys.viewer, '/jobs');
      expect(await page.locator('form[action="/jobs"]').count()).toBe(0);
      expect(await page.locator('a[href="/imports"]').count()).toBe(0);
      const imports = await page.goto('/imports');
      expect(imports?.status()).toBe(403);
      const csrf = await page.locator('input[name="_csrf"]').first().inputValue();
      const post = await page.request.post('/jobs', { form: { _csrf: csrf, recipe: 'preset:conservative', last: '3' }, maxRedirects: 0 });
      expect(post.status()).toBe(403);
    } finally {
      await context.close();
    }
  });

  it("[15.5.6] CSRF: a POST without the token, or with another session's token, is refused", async () => {
    const a = await open();
    const b = await open();
    try {
      await signInAs(a.page, s.keys.analyst, '/jobs');
      await signInAs(b.page, s.keys.analyst, '/jobs');
      const tokenB = await b.page.locator('form[action="/jobs"] input[name="_csrf"]').inputValue();
      const fields = { recipe: 'preset:conservative', last: '3' };
      expect((await a.page.request.post('/jobs', { form: fields, maxRedirects: 0 })).status()).toBe(403);
      expect((await a.page.request.post('/jobs', { form: { ...fields, _csrf: tokenB }, maxRedirects: 0 })).status()).toBe(403);
      expect((await a.page.request.post('/signout', { form: { _csrf: tokenB }, maxRedirects: 0 })).status()).toBe(403);
    } finally {
      await a.context.close();
      await b.context.close();
    }
  });

  it('[15.5.6] an analyst starts a simulation from the form and lands on its run', async () => {
    const { context, page, problems } = await open();
    try {
      await signInAs(page, s.keys.analyst, '/jobs');
      await page.getByLabel('Recipe', { exact: true }).selectOption('preset:conservative');
      await page.getByLabel('Last N contests', { exact: true }).fill('2');
      await page.getByLabel('Tickets per contest', { exact: true }).fill('3');
      await Promise.all([page.waitForURL('**/runs/**'), page.getByRole('button', { name: 'Start' }).click()]);
      expect(new URL(page.url()).pathname).toMatch(/^\/runs\/[\w-]+$/);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('[15.5.6] an analyst uploads a CSV (dry run) and reads the import report, with no serious axe violation', async () => {
    const { context, page, problems } = await open(375);
    try {
      await signInAs(page, s.keys.analyst, '/imports');
      await page.getByLabel('Dry run: check the file and report, import nothing').check();
      const csv = 'Concurso,Data Sorteio,Bola1,Bola2,Bola3,Bola4,Bola5\n6883,2025-01-10,1,2,3,4,5\n6884,bad,1,1,1,1,1\n';
      await page.getByLabel(/Workbook \(\.xlsx\) or CSV/).setInputFiles({ name: 'next.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
      await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/imports') && r.request().method() === 'POST'),
        page.getByRole('button', { name: 'Import' }).click(),
      ]);
      await page.getByText('Dry run: nothing was imported').waitFor();
      expect(await page.getByRole('heading', { name: 'Import report: next.csv' }).count()).toBe(1);
      await page.evaluate(AXE_SOURCE);
      const axe = await page.evaluate<AxeViolation[]>("axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)");
      expect(axe.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
      await page.screenshot({ path: join(SCREENSHOTS, 'import-report-375.png'), fullPage: true });
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('[15.5.6] keyboard: the first Tab reaches the skip link, and focus is visible', async () => {
    const { context, page } = await open();
    try {
      await signInAs(page, s.keys.analyst);
      for (const path of ['/', '/jobs', '/signin']) {
        await page.goto(path);
        await page.keyboard.press('Tab');
        const focused = await page.evaluate<Focused>(FOCUSED);
        expect(focused, path).toMatchObject({ href: '#main', visible: true });
        expect(focused.outline || focused.shadow, `${path}: focus ring`).toBe(true);
      }
    } finally {
      await context.close();
    }
  });

  it('[15.5.6] every page renders its charts with no console error, no request elsewhere, no serious axe violation, at 1,280 and 375 px', async () => {
    const failures: string[] = [];
    for (const width of WIDTHS) {
      const { context, page, problems } = await open(width);
      try {
        await signInAs(page, s.keys.analyst);
        for (const { path, name } of [...pagesToVisit(), { path: '/signin', name: 'signin' }]) {
          if (name === 'signin') await context.clearCookies();
          const res = await page.goto(path, { waitUntil: 'load' });
          if (res?.status() !== 200) failures.push(`${path} at ${width}px: status ${res?.status()}`);
          const charts = await page.evaluate<{ boxes: number; drawn: number; svg: number }>(
            "({ boxes: document.querySelectorAll('.chart').length, drawn: document.querySelectorAll('.chart svg').length, svg: document.querySelectorAll('svg').length })",
          );
          if (charts.drawn < charts.boxes) failures.push(`${path} at ${width}px: ${charts.boxes - charts.drawn} of ${charts.boxes} charts not drawn`);
          // axe is evaluated through the DevTools protocol: the page's CSP (no inline script) stays as it is.
          await page.evaluate(AXE_SOURCE);
          const axe = await page.evaluate<AxeViolation[]>("axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)");
          for (const v of axe) {
            const line = `${path} at ${width}px: axe ${v.impact} ${v.id} (${v.help}) on ${v.nodes
              .slice(0, 3)
              .map((n) => n.target.join(' '))
              .join(', ')}`;
            if (v.impact === 'serious' || v.impact === 'critical') failures.push(line);
            else console.log(line);
          }
          const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
          if (overflow > 0) failures.push(`${path} at ${width}px: the page scrolls sideways by ${overflow}px`);
          console.log(`${path} at ${width}px: ${charts.svg} svg, ${charts.drawn}/${charts.boxes} charts`);
          await page.screenshot({ path: join(SCREENSHOTS, `${name}-${width}.png`), fullPage: true });
        }
        failures.push(...problems.map((p) => `at ${width}px: ${p}`));
      } finally {
        await context.close();
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);
});
