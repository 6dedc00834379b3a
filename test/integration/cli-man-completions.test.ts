/**
 * The man page and the bash, zsh and fish completions: generated from the command registry by
 * scripts/gen-man.ts, committed up to date, rendering without warnings, and completing for real.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { GENERATED, buildAll } from '../../scripts/gen-man.js';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { presentOrSkip } from '../helpers/shared.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
let files: Array<{ file: string; text: string }>;

beforeAll(async () => {
  files = await buildAll();
}, 60_000);

/** What the bash completion offers for `line` (a trailing space completes a new word). */
function bashComplete(line: string): string[] {
  const script = `source ${JSON.stringify(join(ROOT, GENERATED.bash))}
COMP_WORDS=(${line.trim()}); ${line.endsWith(' ') ? "COMP_WORDS+=('');" : ''} COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); _luckyfive; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync('bash', ['-c', script], { encoding: 'utf8', timeout: 10_000, cwd: ROOT });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.split('\n').filter(Boolean);
}

describe('man page and completions', () => {
  it('[17.1.12] the committed files are what scripts/gen-man.ts makes from the registry (npx tsx scripts/gen-man.ts to refresh)', () => {
    for (const { file, text } of files) expect(readFileSync(join(ROOT, file), 'utf8'), `${file} is stale: npx tsx scripts/gen-man.ts`).toBe(text);
    const man = files.find((f) => f.file === GENERATED.man)!.text;
    // every command and a few subcommands and options, exit codes and settings
    for (const name of Object.keys(COMMANDS)) expect(man).toContain(`.SS "luckyfive ${name}`);
    for (const s of [
      '.SS "luckyfive draws list"',
      '.SS "luckyfive ledger add bet"',
      '.B \\-\\-limit <n>',
      '.B \\-\\-wide',
      'E_USAGE',
      '.B LUCKYFIVE_DATA_DIR',
      '.SH EXIT STATUS',
      '.SH ENVIRONMENT',
      '.SH FILES',
      '.SH SEE ALSO',
    ])
      expect(man).toContain(s);
  });

  it('[17.1.13] the man page renders without a warning (groff -man -ww)', (ctx) => {
    if (!presentOrSkip(has('groff'), 'groff is not installed (apt-get install groff-base)', 'the man page render check')) return ctx.skip();
    const r = spawnSync('groff', ['-man', '-Tutf8', '-ww', join(ROOT, GENERATED.man)], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    // bold and underline are overstruck (`x\bx`): the plain text is what is left
    const plain = [...r.stdout].filter((c, i, all) => c !== '\b' && all[i + 1] !== '\b').join('');
    expect(plain).toMatch(/luckyfive draws list/);
  });

  it('[17.1.14] bash completes commands, subcommands, flags and flag values', () => {
    expect(bashComplete('luckyfive sim')).toEqual(['simulate']);
    expect(bashComplete('luckyfive draws l')).toEqual(['list']);
    expect(bashComplete('luckyfive draws list --li')).toEqual(['--limit']);
    expect(bashComplete('luckyfive simulate --preset ')).toEqual(['aggressive', 'balanced', 'conservative']);
    expect(bashComplete('luckyfive optimize run --method ')).toEqual(['random', 'evolutionary']);
    // `sweep SPEC --by` runs the default subcommand `sweep run`: its flags complete on `sweep` too
    expect(bashComplete('luckyfive sweep spec.json --by rate_')).toEqual(['rate_2', 'rate_3', 'rate_4', 'rate_5']);
    // a global flag's value is skipped when finding the command
    expect(bashComplete('luckyfive --data-dir /tmp dra')).toEqual(['draws']);
    expect(bashComplete('luckyfive ').sort()).toEqual(Object.keys(COMMANDS).sort());
  });

  it('[17.1.15] the zsh and fish scripts parse (zsh -n, fish -n) where those shells are installed', (ctx) => {
    const shells = ['zsh', 'fish'].filter((sh) => presentOrSkip(has(sh), `${sh} is not installed (apt-get install ${sh})`, `the ${sh} completion parse check`));
    if (shells.length === 0) return ctx.skip();
    for (const sh of shells) {
      const file = join(ROOT, sh === 'zsh' ? GENERATED.zsh : GENERATED.fish);
      const r = spawnSync(sh, ['-n', file], { encoding: 'utf8', timeout: 10_000 });
      expect(r.status, `${sh} -n: ${r.stderr}`).toBe(0);
    }
  });
});
