/**
 * Progress on stderr: a redrawn line with a rate when stderr is a terminal; not one byte of it on
 * a pipe (the real CLI in a child process) or with -q.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { TEST_THREADS, cli, tempDir } from '../helpers/cli.js';
import { makeDraws, seedDraws } from '../helpers/draws.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
let dir: string;
let cleanup: () => void;
let recipe: string;

/** The CLI in-process with stderr a terminal (or not). */
async function withStderr(args: string[], tty: boolean) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: { write: (s: string) => ((stdout += s), true), isTTY: false },
    stderr: { write: (s: string) => ((stderr += s), true), isTTY: tty },
    env: { NO_COLOR: '1', LUCKYFIVE_THREADS: TEST_THREADS, LUCKYFIVE_DATA_DIR: dir },
    cwd: dir,
  });
  return { code, stdout, stderr };
}

/** The progress lines ora drew: each starts at column 1 (`ESC[1G`); escapes and the spinner frame taken off. */
const drawn = (stderr: string) =>
  stderr
    .split('\u001b[1G')
    .slice(1)
    // eslint-disable-next-line no-control-regex
    .map((s) => s.replace(/\u001b\[[?0-9;]*[A-Za-z]/g, '').replace(/^\S /, ''))
    .map((s) => s.split('\n')[0]!)
    .filter(Boolean);

beforeAll(() => {
  ({ dir, cleanup } = tempDir());
  seedDraws(dir, makeDraws(4001, 4300));
  recipe = join(dir, 'tiny.json');
  writeFileSync(recipe, JSON.stringify({ version: '2', name: 'tiny', strategy: 'random', tickets: 3, numbers_per_ticket: 5, history: 30, seed: 1 }));
});
afterAll(() => cleanup?.());

describe('progress', () => {
  it('[17.1.10] on a terminal simulate, sweep, import and backup draw a progress line with counts and a rate, erased at the end', async () => {
    const sim = await withStderr(['simulate', '--recipe', recipe, '--from', '4201', '--to', '4300'], true);
    expect(sim.code, sim.stderr).toBe(0);
    const lines = drawn(sim.stderr);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.at(-1)).toMatch(/^simulate {2}\d+\/100 contests {2}[\d,.]+\/s/);
    expect(lines.some((l) => /^simulate {2}100\/100 contests/.test(l))).toBe(true);
    // erased at the end, and the cursor ora hid shown again
    // eslint-disable-next-line no-control-regex
    expect(sim.stderr).toMatch(/\u001b\[1G\u001b\[2K\u001b\[\?25h/);

    const sweep = await withStderr(['sweep', '--recipe', recipe, '--param', 'history=30,40', '--from', '4291', '--to', '4300'], true);
    expect(sweep.code, sweep.stderr).toBe(0);
    expect(drawn(sweep.stderr).at(-1)).toMatch(/^sweep sw-\S+ {2}2\/2 cells/);

    const csv = join(dir, 'draws.csv');
    writeFileSync(csv, (await cli(['draws', 'list', '--limit', '0', '--csv'], { dataDir: dir })).stdout);
    const imported = await withStderr(['import', csv], true);
    expect(imported.code, imported.stderr).toBe(0);
    expect(drawn(imported.stderr).at(-1)).toMatch(/^import \S+draws\.csv {2}0\.0\/0\.0 MB/);

    const backup = await withStderr(['maintain', 'backup', join(dir, 'backups')], true);
    expect(backup.code, backup.stderr).toBe(0);
    expect(drawn(backup.stderr).at(-1)).toMatch(/^backup {2}\d+\/\d+ files/);

    // -q: nothing, even on a terminal; --json: nothing either
    expect((await withStderr(['-q', 'simulate', '--recipe', recipe, '--last', '10'], true)).stderr).toBe('');
    expect((await withStderr(['simulate', '--recipe', recipe, '--last', '10', '--json'], true)).stderr).not.toContain('\u001b');
  }, 120_000);

  it('[17.1.11] on a pipe the real CLI writes no progress: no carriage return, no ANSI, no rate, no ETA', () => {
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'test/helpers/run-cli.ts'), 'simulate', '--recipe', recipe, '--from', '4201', '--to', '4300'],
      {
        env: { ...process.env, LUCKYFIVE_DATA_DIR: dir, NO_COLOR: '1', FORCE_COLOR: '0', COLUMNS: '80' },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('hits per ticket on average');
    expect(r.stderr).not.toContain('\r');
    expect(r.stderr).not.toContain('\u001b');
    expect(r.stderr).not.toMatch(/ETA|\/s\b|contests {2}/);
  }, 90_000);
});
