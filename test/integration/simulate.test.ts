import { spawn } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../helpers/cli.js';
import { makeDraws, seedDraws } from '../helpers/draws.js';
import { SLOW_RECIPE, writeRecipe } from '../helpers/recipes.js';

const ROOT = resolve(import.meta.dirname, '../..');
let dir: string;
let cleanup: () => void;
let recipeFile: string;
/** advanced, ~10 ms a contest: slow enough that a kill lands mid-run */
let slow: string;

beforeAll(() => {
  ({ dir, cleanup } = tempDir());
  seedDraws(dir, makeDraws(4001, 4400));
  recipeFile = join(dir, 'quick.json');
  writeFileSync(recipeFile, JSON.stringify({ version: '2', name: 'quick', strategy: 'random', tickets: 6, numbers_per_ticket: 5, history: 50, seed: 7 }));
  slow = writeRecipe(dir, 'slow', SLOW_RECIPE);
});
afterAll(() => cleanup());

const sim = (args: string[]) => cli(['simulate', '--recipe', recipeFile, ...args], { dataDir: dir });
const exportCsv = async (id: string) => (await cli(['runs', 'export', id, '--format', 'csv'], { dataDir: dir })).stdout;
const contestsOf = (id: string) => {
  const db = new Database(join(dir, 'runs', `${id}.sqlite`), { readonly: true });
  const rows = db.prepare('SELECT * FROM contests ORDER BY contest').all();
  const ledger = db.prepare('SELECT contest, tickets, cost_cents, prize_cents FROM ledger ORDER BY id').all();
  db.close();
  return { rows, ledger };
};

describe('simulate', () => {
  it('--json prints the summary with the baseline and the books', async () => {
    const r = await sim(['--from', '4301', '--to', '4340', '--threads', '2', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const s = r.json();
    expect(s.status).toBe('completed');
    expect(s.contests).toBe(40);
    expect(s.tickets).toBe(240);
    expect(s.first_contest).toBe(4301);
    expect(s.summary.hit_distribution.reduce((a: number, b: number) => a + b, 0)).toBe(240);
    expect(s.summary.baseline).toMatchObject({ numbers_per_ticket: 5, tickets: 240, contests: 40, tickets_per_contest: 6 });
    expect(s.summary.baseline.distribution.map((d: { observed: number }) => d.observed)).toEqual(s.summary.hit_distribution);
    // every ticket charged at the base price on the contest's date (2020-2021 dates: R$2.00)
    expect(s.finance.cost_cents).toBe(240 * 200);
    expect(s.finance.net_cents).toBe(s.finance.prize_cents - s.finance.cost_cents);
    expect(s.file).toMatch(/runs\/.+\.sqlite$/);
  });

  it('--threads 1 and --threads 2 give byte-identical per-contest results', async () => {
    const a = (await sim(['--last', '60', '--threads', '1', '--json'])).json();
    const b = (await sim(['--last', '60', '--threads', '2', '--json'])).json();
    expect(a.run_id).not.toBe(b.run_id);
    expect(await exportCsv(a.run_id)).toBe(await exportCsv(b.run_id));
    expect(contestsOf(a.run_id)).toEqual(contestsOf(b.run_id));
    expect(a.summary).toEqual(b.summary);
    expect(a.finance).toEqual(b.finance);
    // and with the advanced generator (genetic search, hill-climb): still identical
    const adv = (t: string) => cli(['simulate', '--recipe', slow, '--last', '24', '--threads', t, '--json'], { dataDir: dir });
    const x = (await adv('1')).json();
    const y = (await adv('2')).json();
    expect(await exportCsv(x.run_id)).toBe(await exportCsv(y.run_id));
    expect(contestsOf(x.run_id)).toEqual(contestsOf(y.run_id));
  });

  it('--ndjson streams run_start, one contest line per contest, then summary', async () => {
    const r = await sim(['--last', '5', '--ndjson']);
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0].type).toBe('run_start');
    expect(lines.filter((l) => l.type === 'contest')).toHaveLength(5);
    expect(lines.at(-1).type).toBe('summary');
  });

  it('refuses bad ranges before creating any file', async () => {
    const before = readdirSync(join(dir, 'runs')).length;
    expect((await sim(['--from', '1', '--to', '20000'])).code).toBe(2);
    expect((await sim(['--from', '4390', '--to', '4380'])).code).toBe(2);
    expect((await sim(['--from', '4390', '--to', '4500'])).code).toBe(4);
    expect((await sim(['--from', '4001', '--to', '4010'])).code).toBe(4);
    expect((await sim(['--last', '0'])).code).toBe(2);
    expect((await cli(['simulate', '--last', '5'], { dataDir: dir })).code).toBe(2);
    expect(readdirSync(join(dir, 'runs')).length).toBe(before);
  });

  it('reports contests missing from the catalog instead of skipping them silently', async () => {
    const { dir: d2, cleanup: c2 } = tempDir();
    try {
      seedDraws(
        d2,
        makeDraws(4001, 4100).filter((d) => d.contest !== 4095 && d.contest !== 4096),
      );
      const r = await cli(['simulate', '--recipe', recipeFile, '--from', '4090', '--to', '4100', '--json'], { dataDir: d2 });
      expect(r.code).toBe(0);
      expect(r.json().missing_contests).toEqual([4095, 4096]);
      expect(r.json().contests).toBe(9);
      expect(r.stderr).toMatch(/missing from the catalog/);
    } finally {
      c2();
    }
  });

  it('an invalid recipe exits 2 with path: problem lines', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ version: '2', name: 'x', strategy: 'random', tickets: 0, numbers_per_ticket: 16, history: 50 }));
    const r = await cli(['simulate', '--recipe', bad, '--last', '5'], { dataDir: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/tickets: /);
    expect(r.stderr).toMatch(/numbers_per_ticket: /);
  });
});

describe('interrupt and resume', () => {
  it('a cancelled run resumes to exactly the uninterrupted result', async () => {
    const full = (await sim(['--from', '4201', '--to', '4300', '--threads', '2', '--json'])).json();
    // cancel after ~30 contests through the signal, in-process
    const controller = new AbortController();
    let seen = 0;
    const { runCli } = await import('../../src/cli/main.js');
    let out = '';
    const code = await runCli(['simulate', '--recipe', recipeFile, '--from', '4201', '--to', '4300', '--threads', '2', '--ndjson'], {
      stdout: {
        write: (s: string) => {
          out += s;
          for (const line of s.split('\n')) if (line.includes('"type":"contest"') && ++seen === 30) controller.abort();
          return true;
        },
      },
      stderr: { write: () => true },
      env: { NO_COLOR: '1', LUCKYFIVE_DATA_DIR: dir },
      cwd: process.cwd(),
      signal: controller.signal,
    });
    expect(code).toBe(130);
    const summary = JSON.parse(out.trim().split('\n').at(-1)!);
    expect(summary.status).toBe('cancelled');
    expect(summary.contests).toBeLessThan(100);
    const resumed = await cli(['simulate', '--resume', summary.run_id, '--json'], { dataDir: dir });
    expect(resumed.code, resumed.stderr).toBe(0);
    const r = resumed.json();
    expect(r.status).toBe('completed');
    expect(await exportCsv(r.run_id)).toBe(await exportCsv(full.run_id));
    expect(r.summary).toEqual(full.summary);
    expect(r.finance).toEqual(full.finance);
    expect(contestsOf(r.run_id)).toEqual(contestsOf(full.run_id));
    expect((await cli(['simulate', '--resume', r.run_id], { dataDir: dir })).code).toBe(4);
  });

  it('kill -9 mid-run leaves a file that passes integrity_check and resumes', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'test/helpers/run-cli.ts'), 'simulate', '--recipe', slow, '--from', '4051', '--to', '4400', '--threads', '2', '--ndjson'],
      {
        env: { ...process.env, LUCKYFIVE_DATA_DIR: dir, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let runId = '';
    let contests = 0;
    await new Promise<void>((resolveP) => {
      child.stdout.on('data', (b: Buffer) => {
        for (const line of b.toString().split('\n')) {
          if (line.includes('"run_start"')) runId = JSON.parse(line).run_id;
          if (line.includes('"type":"contest"') && ++contests === 40) child.kill('SIGKILL');
        }
      });
      child.on('exit', () => resolveP());
    });
    expect(runId).not.toBe('');
    const db = new Database(join(dir, 'runs', `${runId}.sqlite`));
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const n = (db.prepare('SELECT COUNT(*) AS n FROM contests').get() as { n: number }).n;
    db.close();
    expect(n).toBeGreaterThanOrEqual(40);
    expect(n).toBeLessThan(350);
    const resumed = await cli(['simulate', '--resume', runId, '--json'], { dataDir: dir });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.json().contests).toBe(350);
    const verify = await cli(['runs', 'verify', runId, '--all', '--json'], { dataDir: dir });
    expect(verify.code).toBe(0);
    expect(verify.json().ok).toBe(true);
  });
});
