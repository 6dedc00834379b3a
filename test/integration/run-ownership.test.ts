import { type ChildProcess, spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { cli, tempDir } from '../helpers/cli.js';
import { makeDraws, seedDraws } from '../helpers/draws.js';
import { SLOW_RECIPE, writeRecipe } from '../helpers/recipes.js';

const ROOT = resolve(import.meta.dirname, '../..');
let dir: string;
let cleanup: () => void;
/** advanced, a few ms a contest: slow enough to act while it runs */
let slow: string;

beforeAll(() => {
  ({ dir, cleanup } = tempDir());
  seedDraws(dir, makeDraws(4001, 4400));
  slow = writeRecipe(dir, 'slow', SLOW_RECIPE);
});
afterAll(() => cleanup());

const run = (args: string[]) => cli(args, { dataDir: dir });
const catalogDb = () => new Database(join(dir, 'catalog.sqlite'));
const statusOf = async (id: string) =>
  ((await run(['runs', 'list', '--json', '--limit', '0'])).json().runs as Array<{ run_id: string; status: string }>).find((r) => r.run_id === id)?.status;

/** Starts a simulate in-process; `onContest(n, runId)` is told of every contest written. */
function startSimulate(
  args: string[],
  onContest: (n: number, runId: string) => void,
  signal?: AbortSignal,
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  let runId = '';
  let n = 0;
  return runCli(['simulate', ...args, '--threads', '1', '--ndjson'], {
    stdout: {
      write: (s: string) => {
        out += s;
        for (const line of s.split('\n')) {
          if (line.includes('"type":"run_start"')) runId = JSON.parse(line).run_id;
          if (line.includes('"type":"contest"')) onContest(++n, runId);
        }
        return true;
      },
    },
    stderr: { write: (s: string) => ((err += s), true) },
    env: { NO_COLOR: '1', LUCKYFIVE_DATA_DIR: dir },
    cwd: process.cwd(),
    ...(signal ? { signal } : {}),
  }).then((code) => ({ code, out, err }));
}

/** A cancelled run of 60 contests, stopped after about 10. */
async function cancelledRun(): Promise<string> {
  const controller = new AbortController();
  let id = '';
  const r = await startSimulate(
    ['--recipe', slow, '--from', '4301', '--to', '4360'],
    (n, runId) => {
      id = runId;
      if (n === 10) controller.abort();
    },
    controller.signal,
  );
  expect(r.code).toBe(130);
  return id;
}

function waitExit(child: ChildProcess): Promise<void> {
  return new Promise((res) => (child.exitCode !== null || child.signalCode !== null ? res() : child.once('exit', () => res())));
}

describe('a run is owned by one process', () => {
  it('[12.3.1] a resume while the run is still going exits 5 with a clear message, not a stack trace', async () => {
    let second: Promise<{ code: number; stderr: string }> | undefined;
    const first = startSimulate(['--recipe', slow, '--from', '4301', '--to', '4340'], (n, runId) => {
      if (n === 3) second = run(['simulate', '--resume', runId]);
    });
    const a = await first;
    expect(a.code, a.err).toBe(0);
    const b = await second!;
    expect(b.code, b.stderr).toBe(5);
    expect(b.stderr).toMatch(/is being run by process \d+@/);
    expect(b.stderr).not.toMatch(/UNIQUE|at .*\.ts:\d+/);
  });

  it('[12.3.1] two resumes of the same interrupted run at once: one finishes it, the other exits 5', async () => {
    const id = await cancelledRun();
    const [x, y] = await Promise.all([
      run(['simulate', '--resume', id, '--threads', '1', '--json']),
      run(['simulate', '--resume', id, '--threads', '1', '--json']),
    ]);
    expect([x.code, y.code].sort()).toEqual([0, 5]);
    const loser = x.code === 5 ? x : y;
    expect(loser.stderr).toMatch(/is being run by process/);
    expect(loser.stderr).not.toMatch(/UNIQUE/);
    expect(await statusOf(id)).toBe('completed');
    const verify = await run(['runs', 'verify', id, '--all', '--json']);
    expect(verify.code, verify.stdout).toBe(0);
  });

  it('[12.3.1] a run owned by another live process is refused (resume and delete exit 5); once that process is gone it is interrupted, resumable and deletable', async () => {
    const id = await cancelledRun();
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      const db = catalogDb();
      db.prepare("UPDATE runs SET status = 'running', owner = ? WHERE run_id = ?").run(`${holder.pid}@${hostname()}`, id);
      db.close();
      expect(await statusOf(id)).toBe('running');
      const resume = await run(['simulate', '--resume', id]);
      expect(resume.code, resume.stderr).toBe(5);
      expect(resume.stderr).toContain(`${holder.pid}@${hostname()}`);
      expect((await run(['runs', 'delete', id])).code).toBe(5);
    } finally {
      holder.kill('SIGKILL');
      await waitExit(holder);
    }
    expect(await statusOf(id)).toBe('interrupted');
    const resumed = await run(['simulate', '--resume', id, '--threads', '1', '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.json().status).toBe('completed');
  });
});

describe('a run whose process died', () => {
  let killed = '';

  beforeAll(async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'test/helpers/run-cli.ts'), 'simulate', '--recipe', slow, '--from', '4101', '--to', '4400', '--threads', '1', '--ndjson'],
      {
        env: { ...process.env, LUCKYFIVE_DATA_DIR: dir, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    let contests = 0;
    child.stdout.on('data', (b: Buffer) => {
      for (const line of b.toString().split('\n')) {
        if (line.includes('"run_start"')) killed = JSON.parse(line).run_id;
        if (line.includes('"type":"contest"') && ++contests === 5) child.kill('SIGKILL');
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    await waitExit(child);
    clearTimeout(timer);
  }, 90_000);

  it('[12.3.2] shows as interrupted in runs list (and --status interrupted), and maintain reports it', async () => {
    expect(killed).not.toBe('');
    expect(await statusOf(killed)).toBe('interrupted');
    const only = (await run(['runs', 'list', '--status', 'interrupted', '--json'])).json().runs.map((r: { run_id: string }) => r.run_id);
    expect(only).toContain(killed);
    expect((await run(['runs', 'list', '--status', 'running', '--json'])).json().runs).toEqual([]);
    const m = await run(['maintain', '--only', 'catalog', '--json']);
    expect(m.code, m.stderr).toBe(0);
    expect(m.json().orphans.interrupted_runs).toContainEqual({ run_id: killed, owner: expect.stringMatching(/^\d+@/) });
  });

  it('[12.3.2] after the draws behind it changed it cannot be resumed (exit 4, says so) but can be deleted', async () => {
    const db = new Database(join(dir, 'runs', `${killed}.sqlite`));
    db.prepare("UPDATE meta SET value = 'changed' WHERE key = 'dataset_hash'").run();
    db.close();
    const resume = await run(['simulate', '--resume', killed]);
    expect(resume.code).toBe(4);
    expect(resume.stderr).toMatch(/draws behind run .* changed/);
    expect(resume.stderr).toMatch(/runs delete/);
    expect(await statusOf(killed)).toBe('interrupted');
    const del = await run(['runs', 'delete', killed]);
    expect(del.code, del.stderr).toBe(0);
    expect(await statusOf(killed)).toBeUndefined();
  });

  it('[12.3.2] maintain --repair marks an interrupted run cancelled, and it resumes', async () => {
    const id = await cancelledRun();
    const db = catalogDb();
    // what a process killed mid-run leaves: running, owned by a pid that no longer exists
    db.prepare("UPDATE runs SET status = 'running', owner = ? WHERE run_id = ?").run(`999999999@${hostname()}`, id);
    db.close();
    expect(await statusOf(id)).toBe('interrupted');
    const m = await run(['maintain', '--only', 'catalog', '--repair', '--json']);
    expect(m.code, m.stderr).toBe(0);
    expect(m.json().orphans.repaired).toContainEqual({ run_id: id, action: 'marked_cancelled' });
    expect(await statusOf(id)).toBe('cancelled');
    expect((await run(['simulate', '--resume', id, '--threads', '1'])).code).toBe(0);
  });
});
