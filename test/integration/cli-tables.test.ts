/**
 * Every table-printing command on an 80-column terminal (stdout a fake TTY, `COLUMNS=80`): no line
 * wider than 80 terminal columns, a note on stderr when columns were hidden; piped, every column.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { displayWidth } from '../../src/cli/table.js';
import { TEST_THREADS, cli, tempDir } from '../helpers/cli.js';
import { makeDraws, seedDraws } from '../helpers/draws.js';

let dir: string;
let cleanup: () => void;
const ids: Record<string, string> = {};

/** The CLI with stdout (and stderr) a terminal of `columns` columns, or a pipe when `columns` is undefined. */
async function term(args: string[], columns: number | undefined, env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const tty = columns !== undefined;
  const code = await runCli(args, {
    stdout: { write: (s: string) => ((stdout += s), true), isTTY: tty, columns: 200 },
    stderr: { write: (s: string) => ((stderr += s), true), isTTY: false },
    env: { NO_COLOR: '1', LUCKYFIVE_THREADS: TEST_THREADS, LUCKYFIVE_DATA_DIR: dir, ...(tty ? { COLUMNS: String(columns) } : {}), ...env },
    cwd: dir,
  });
  return { code, stdout, stderr };
}

const widest = (text: string) => Math.max(0, ...text.split('\n').map(displayWidth));
const headerCells = (text: string) =>
  text
    .split('\n')[1]!
    .split('|')
    .map((c) => c.trim())
    .filter(Boolean);

/** The heading cells of every table in `text` (the line after each top rule). */
const heads = (text: string) => {
  const lines = text.split('\n');
  return lines
    .flatMap((l, i) => (l.startsWith('+') && !(lines[i - 1] ?? '').startsWith('|') ? [headerCells(lines.slice(i).join('\n')).join(' ')] : []))
    .join(' / ');
};

beforeAll(async () => {
  ({ dir, cleanup } = tempDir());
  seedDraws(dir, makeDraws(4001, 4300));
  const recipe = join(dir, 'tiny.json');
  writeFileSync(
    recipe,
    JSON.stringify({
      version: '2',
      name: 'a recipe with a rather long name to see cells cut',
      strategy: 'random',
      tickets: 3,
      numbers_per_ticket: 5,
      history: 30,
      seed: 1,
    }),
  );
  const sim = async (name: string) => {
    const r = await cli(['simulate', '--recipe', recipe, '--from', '4281', '--to', '4300', '--name', name, '--json'], { dataDir: dir });
    expect(r.code, r.stderr).toBe(0);
    return r.json().run_id as string;
  };
  ids.a = await sim('first run');
  ids.b = await sim('second run');
  const sw = await cli(['sweep', '--recipe', recipe, '--param', 'history=30,40', '--from', '4291', '--to', '4300', '--json'], { dataDir: dir });
  expect(sw.code, sw.stderr).toBe(0);
  ids.sweep = sw.json().sweep_id;
  const st = await cli(
    ['optimize', '--recipe', recipe, '--param', 'history=30,40', '--train', '4281..4290', '--holdout', '4291..4300', '--trials', '2', '--seed', '3', '--json'],
    { dataDir: dir },
  );
  expect(st.code, st.stderr).toBe(0);
  ids.study = st.json().study_id;
  for (const args of [
    ['ledger', 'add', 'deposit', '--amount', '100', '--date', '2025-11-01', '--note', 'a deposit with a note long enough to need cutting on a terminal'],
    ['budget', 'create', 'november', '--from', '2025-11-01', '--to', '2025-11-30', '--amount', '50'],
    ['auth', 'key', 'create', '--name', 'dashboard', '--role', 'viewer'],
  ]) {
    const r = await cli(args, { dataDir: dir });
    expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  }
}, 180_000);
afterAll(() => cleanup?.());

/** Every command that prints a table (`grep -rn "\.table(" src/cli`). */
const COMMANDS = (): string[][] => [
  ['config', 'show'],
  ['draws', 'list'],
  ['draws', 'list', '--limit', '5'],
  ['draws', 'show', '4300'],
  ['draws', 'stats'],
  ['recipes', 'list'],
  ['recipes', 'show', 'balanced'],
  ['runs', 'list'],
  ['runs', 'show', ids.a!],
  ['compare', ids.a!, ids.b!],
  ['leaderboard'],
  ['sweep', 'list'],
  ['sweep', 'show', ids.sweep!],
  ['optimize', 'list'],
  ['optimize', 'show', ids.study!],
  ['ledger', 'list'],
  ['ledger', 'report'],
  ['budget', 'list'],
  ['finance', 'prices', 'list'],
  ['finance', 'prices', 'history'],
  ['finance', 'prizes', '4300'],
  ['finance', 'roi'],
  ['finance', 'ev'],
  ['auth', 'key', 'list'],
  ['maintain'],
];

describe('tables on a terminal', () => {
  it('[17.1.1] every table command fits 80 columns on an 80-column terminal, and piped keeps every column', async () => {
    const widths: string[] = [];
    const tooWide: string[] = [];
    for (const args of COMMANDS()) {
      const narrow = await term(args, 80);
      expect(narrow.code, `${args.join(' ')}: ${narrow.stderr}`).toBe(0);
      const piped = await term(args, undefined);
      expect(piped.code).toBe(0);
      if (widest(narrow.stdout) > 80) tooWide.push(`${args.join(' ')}\n${narrow.stdout}`);
      // a pipe never hides or cuts anything, and never says so
      expect(piped.stderr).not.toMatch(/hidden at|cut to fit/);
      expect(piped.stdout).not.toContain('…');
      // the note names as many columns as the narrow table lost
      const m = /(\d+) columns? hidden at 80 columns \(([^)]*)\)/.exec(narrow.stderr);
      if (heads(piped.stdout) !== heads(narrow.stdout) && !m && !narrow.stderr.includes('cut to fit'))
        tooWide.push(`${args.join(' ')}: changed without a note`);
      widths.push(`${args.slice(0, 2).join(' ')}: ${widest(piped.stdout)} -> ${widest(narrow.stdout)}${m ? ` (${m[1]} hidden: ${m[2]})` : ''}`);
    }
    console.log(`table widths, piped -> 80-column terminal:\n${widths.join('\n')}`);
    expect(tooWide).toEqual([]);
  }, 120_000);

  it('[17.1.2] runs list on 80 columns hides the optional columns, keeps id, name, status and mean hits, and names what it hid', async () => {
    const narrow = await term(['runs', 'list'], 80);
    const piped = await term(['runs', 'list'], undefined);
    const all = headerCells(piped.stdout);
    const kept = headerCells(narrow.stdout);
    expect(kept.length).toBeLessThan(all.length);
    for (const h of kept) expect(all).toContain(h);
    for (const h of ['run_id', 'name', 'status']) expect(kept).toContain(h);
    const hidden = all.filter((h) => !kept.includes(h));
    expect(narrow.stderr).toContain(`${hidden.length} columns hidden at 80 columns (${hidden.join(', ')}); --wide or pipe to a file for all`);
    // --wide: every column even on the terminal; wide terminals need no compacting
    expect(headerCells((await term(['--wide', 'runs', 'list'], 80)).stdout)).toEqual(all);
    expect(headerCells((await term(['runs', 'list'], 300)).stdout)).toEqual(all);
    // -q silences the note, not the table
    const quiet = await term(['-q', 'runs', 'list'], 80);
    expect(quiet.stderr).toBe('');
    expect(quiet.stdout).toBe(narrow.stdout);
  });

  it('[17.1.3] no separator line between rows: one rule under the header, one at the bottom', async () => {
    const piped = await term(['draws', 'list', '--limit', '5'], undefined);
    const lines = piped.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(5 + 4);
    expect(lines.filter((l) => l.startsWith('+'))).toHaveLength(3);
    expect(lines.slice(3, -1).every((l) => l.startsWith('|'))).toBe(true);
  });

  it('[17.1.4] --json, --ndjson and --csv ignore the terminal width', async () => {
    for (const args of [
      ['runs', 'list', '--json'],
      ['runs', 'list', '--csv'],
      ['draws', 'list', '--ndjson'],
      ['compare', ids.a!, ids.b!, '--json'],
    ]) {
      const narrow = await term(args, 40);
      const piped = await term(args, undefined);
      expect(narrow.stdout).toBe(piped.stdout);
      expect(narrow.stderr).toBe(piped.stderr);
    }
  });
});

describe('default limits', () => {
  it('[17.1.5] a list cut at its limit says so on stderr, in human mode only and not with -q', async () => {
    const note = 'showing the first 50 draws (--limit N for more, 0 for all)';
    expect((await term(['draws', 'list'], undefined)).stderr).toContain(note);
    expect((await term(['draws', 'list'], 80)).stderr).toContain(note);
    expect((await term(['draws', 'list', '--from', '4251'], undefined)).stderr).not.toContain('showing the first');
    for (const args of [
      ['draws', 'list', '--limit', '0'],
      ['draws', 'list', '--json'],
      ['draws', 'list', '--csv'],
      ['draws', 'list', '--ndjson'],
      ['-q', 'draws', 'list'],
    ])
      expect((await term(args, undefined)).stderr, args.join(' ')).not.toContain('showing the first');
    expect((await term(['runs', 'list', '--limit', '1'], undefined)).stderr).toContain('showing the first 1 runs (--limit N for more, 0 for all)');
    expect((await term(['runs', 'list', '--limit', '0'], undefined)).stderr).not.toContain('showing the first');
    expect((await term(['runs', 'list'], undefined)).stderr).not.toContain('showing the first');
    expect((await term(['runs', 'list', '--limit', '1', '--csv'], undefined)).stderr).not.toContain('showing the first');
    // one sweep and one study: a limit of 1 shows them all
    expect((await term(['sweep', 'list', '--limit', '1'], undefined)).stderr).not.toContain('showing the first');
    expect((await term(['optimize', 'list', '--limit', '1'], undefined)).stderr).not.toContain('showing the first');
  });
});
