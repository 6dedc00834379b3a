// The dashboard's page loads (issue 15: every page under 500 ms in Chromium with the real 6,882
// contests and 200 runs). Builds a catalog from the operator's workbook (../shared/quina) and 200
// runs of 20 contests (the `random` strategy, 10 tickets, through `luckyfive simulate`), starts
// `luckyfive serve` on 127.0.0.1 (a child process, stopped by its PID), signs Chromium in through
// the form and loads every page: the first load (the server's page cache cold) and the median of
// 5 more (warm), from the navigation timing of each (`performance.getEntriesByType('navigation')`:
// responseEnd, domContentLoadedEventEnd, loadEventEnd, in ms from the start of the navigation).
// The reference is `/api/v1/health` loaded by the same browser the same way; `ratio` is a page's
// warm load over the reference's. Run: `npx tsx bench/web-pages.ts`; BENCH_RUNS (200), BENCH_WARM (5).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { roleAllows } from '../src/auth/roles.js';
import { WEB_PAGES } from '../src/server/web/pages.js';
import { haveChromium, startChromium } from '../test/helpers/browser.js';
import { cli } from '../test/helpers/cli.js';
import { QUINA_XLSX, haveShared } from '../test/helpers/shared.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const WARM = Number(process.env.BENCH_WARM ?? 5);
const ROOT = resolve(import.meta.dirname, '..');

if (!haveShared() || !haveChromium()) {
  console.log('web-pages: needs ../shared/quina and /usr/bin/chromium; skipped');
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), 'lf-bench-web-'));

async function ok(args: string[]): Promise<any> {
  const r = await cli([...args, '--json'], { dataDir: dir });
  if (r.code !== 0) throw new Error(`luckyfive ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.json();
}

/** `luckyfive serve` on 127.0.0.1 and a free port; resolves with its URL once it listens. */
function startServe(): { child: ChildProcess; url: Promise<string>; exited: Promise<void> } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/helpers/run-cli.ts'), 'serve', '--host', '127.0.0.1', '--port', '0'], {
    env: {
      ...process.env,
      NO_COLOR: '1',
      LUCKYFIVE_DATA_DIR: dir,
      LUCKYFIVE_LOG_LEVEL: 'warn',
      LUCKYFIVE_RATE_LIMIT_READ: '100000',
      LUCKYFIVE_RATE_LIMIT_IP: '1000000',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  let err = '';
  const url = new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`serve did not listen within 60 s: ${err}`)), 60_000);
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString();
      const m = /listening on (\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        done(m[1]!.replace(/\/$/, ''));
      }
    });
    void exited.then(() => fail(new Error(`serve exited: ${err}`)));
  });
  return { child, url, exited };
}

interface Timing {
  status: number;
  response: number;
  dom: number;
  load: number;
}

const NAV = `(() => { const n = performance.getEntriesByType('navigation')[0]; return { response: n.responseEnd, dom: n.domContentLoadedEventEnd, load: n.loadEventEnd }; })()`;

async function load(page: Page, path: string): Promise<Timing> {
  const res = await page.goto(path, { waitUntil: 'load' });
  // loadEventEnd is set once the load handlers returned: wait for it
  await page.waitForFunction(`performance.getEntriesByType('navigation')[0].loadEventEnd > 0`);
  const t = await page.evaluate<Omit<Timing, 'status'>>(NAV);
  return { status: res?.status() ?? 0, ...t };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const t0 = Date.now();
await ok(['import', QUINA_XLSX]);
const recipe = join(dir, 'random.json');
writeFileSync(recipe, JSON.stringify({ version: '2', name: 'bench random', strategy: 'random', tickets: 10, seed: 1 }));
const runIds: string[] = [];
// two at a time (2 cores), each on one thread
for (let i = 0; i < RUNS; i += 2) {
  const seeds = [i + 1, i + 2].filter((n) => n <= RUNS);
  const reports = await Promise.all(
    seeds.map((n) => ok(['simulate', '--recipe', recipe, '--last', '20', '--seed', String(n), '--name', `bench ${n}`, '--threads', '1'])),
  );
  runIds.push(...reports.map((r: { run_id: string }) => r.run_id));
}
const { key } = await ok(['auth', 'key', 'create', '--name', 'bench', '--role', 'analyst']);
console.log(`catalog: 6,882 contests imported and ${RUNS} runs of 20 contests in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

const served = startServe();
const chrome = await startChromium();
try {
  const base = await served.url;
  const context = await chrome.browser.newContext({ baseURL: base, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  // back to the reference, not to a page: every page's first load below is its first render
  await page.goto(`/signin?next=${encodeURIComponent('/api/v1/health')}`);
  await page.getByLabel('API key or token').fill(key);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/signin')), page.getByRole('button', { name: 'Sign in' }).click()]);

  const paths = [
    '/api/v1/health',
    ...WEB_PAGES.filter((p) => roleAllows('analyst', p.role)).map((p) => p.path),
    `/runs/${runIds[0]}`,
    `/compare?runs=${runIds.slice(0, 2).join(',')}`,
  ];
  const rows: Array<Record<string, string | number>> = [];
  let reference = 0;
  for (const path of paths) {
    const cold = await load(page, path);
    const warm: Timing[] = [];
    for (let i = 0; i < WARM; i++) warm.push(await load(page, path));
    const w = { response: median(warm.map((x) => x.response)), dom: median(warm.map((x) => x.dom)), load: median(warm.map((x) => x.load)) };
    if (path === '/api/v1/health') reference = w.load;
    rows.push({
      page: path.replace(/[0-9a-f]{6}(?=$|,)/g, '…').replace(/\d{8}-\d{6}-…/g, 'RUN'),
      status: cold.status,
      'cold responseEnd': Math.round(cold.response),
      'cold load': Math.round(cold.load),
      'warm responseEnd': Math.round(w.response),
      'warm DOMContentLoaded': Math.round(w.dom),
      'warm load': Math.round(w.load),
      ratio: reference > 0 ? Number((w.load / reference).toFixed(1)) : 1,
      'under 500 ms': cold.load < 500 && w.load < 500 ? 'yes' : 'NO',
    });
  }
  const cols = Object.keys(rows[0]!);
  console.log(`| ${cols.join(' | ')} |\n|${cols.map(() => '---').join('|')}|`);
  for (const r of rows) console.log(`| ${cols.map((c) => r[c]).join(' | ')} |`);
  await context.close();
} finally {
  await chrome.stop();
  if (served.child.pid !== undefined) {
    process.kill(served.child.pid, 'SIGTERM');
    const stopped = await Promise.race([served.exited.then(() => true), new Promise<boolean>((done) => setTimeout(() => done(false), 15_000))]);
    if (!stopped) process.kill(served.child.pid, 'SIGKILL');
  }
  rmSync(dir, { recursive: true, force: true });
}
