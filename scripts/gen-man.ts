/**
 * Writes the man page (`docs/man/luckyfive.1`) and the shell completions (`completions/luckyfive.bash`,
 * `completions/_luckyfive` for zsh, `completions/luckyfive.fish`) from the command registry: every
 * module of `src/cli/commands/index.ts` registered on commander, then its commands, subcommands,
 * arguments and options walked. Exit statuses come from src/errors.ts, the environment from
 * src/config.ts, preset names from recipes/. `npx tsx scripts/gen-man.ts` writes them; `--check`
 * exits 1 when a committed file is stale (a test checks the same).
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Argument, Command, Option } from 'commander';
import { COMMANDS } from '../src/cli/commands/index.js';
import { CliContext } from '../src/cli/context.js';
import { createProgram } from '../src/cli/main.js';
import * as configModule from '../src/config.js';
import { CONFIG_FIELDS } from '../src/config.js';
import { ERROR_TABLE } from '../src/errors.js';
import { readPackageVersion } from '../src/version.js';

const ROOT = resolve(import.meta.dirname, '..');

/** Where each generated file goes, relative to the repository. */
export const GENERATED = {
  man: 'docs/man/luckyfive.1',
  bash: 'completions/luckyfive.bash',
  zsh: 'completions/_luckyfive',
  fish: 'completions/luckyfive.fish',
} as const;

/** One command as the generators see it. */
interface Node {
  /** `luckyfive draws list` without `luckyfive` */
  path: string[];
  description: string;
  args: Array<{ name: string; required: boolean; variadic: boolean }>;
  options: Opt[];
  /** flags completed here but documented on the default subcommand (`sweep` -> `sweep run`) */
  completing: Opt[];
  subs: Node[];
}

interface Opt {
  flags: string;
  short: string | undefined;
  long: string | undefined;
  description: string;
  /** takes a value */
  value: boolean;
  /** the values completion offers: a fixed set, a file or a folder, or anything */
  values: { kind: 'choices'; list: string[] } | { kind: 'file' } | { kind: 'dir' } | { kind: 'any' } | undefined;
}

/** The bundled presets: what `--preset` takes. */
function presetNames(): string[] {
  return readdirSync(resolve(ROOT, 'recipes'))
    .filter((f) => f.endsWith('.json') && !f.endsWith('.schema.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

function optionOf(o: Option, presets: string[]): Opt {
  const value = o.required || o.optional;
  const arg = /<([^>]+)>|\[([^\]]+)\]/.exec(o.flags);
  const argName = (arg?.[1] ?? arg?.[2] ?? '').toLowerCase();
  let values: Opt['values'];
  if (value) {
    if (o.argChoices?.length) values = { kind: 'choices', list: [...o.argChoices] };
    else if (o.long === '--preset') values = { kind: 'choices', list: presets };
    else if (/dir/.test(argName)) values = { kind: 'dir' };
    else if (/file|path|cert|key$/.test(argName)) values = { kind: 'file' };
    else values = { kind: 'any' };
  }
  const desc =
    o.description +
    (o.defaultValue !== undefined && typeof o.defaultValue !== 'boolean' && !/default/.test(o.description) ? ` (default ${String(o.defaultValue)})` : '');
  return { flags: o.flags, short: o.short, long: o.long, description: desc, value, values };
}

function nodeOf(cmd: Command, path: string[], presets: string[]): Node {
  const help = cmd.createHelp();
  const subs = help
    .visibleCommands(cmd)
    .filter((c) => c.name() !== 'help')
    .map((c) => nodeOf(c, [...path, c.name()], presets));
  const options = help.visibleOptions(cmd).map((o) => optionOf(o, presets));
  // `sweep SPEC --by x` runs the default subcommand (`sweep run`): its flags complete on the group too.
  // commander keeps the default's name in a field it does not expose.
  const defaultName = (cmd as unknown as { _defaultCommandName?: string | null })._defaultCommandName;
  const byDefault = subs.find((n) => n.path.at(-1) === defaultName);
  const known = new Set(options.map((o) => o.long ?? o.short));
  const completing = byDefault ? byDefault.options.filter((o) => !known.has(o.long ?? o.short)) : [];
  return {
    path,
    description: cmd.description(),
    args: help.visibleArguments(cmd).map((a: Argument) => ({ name: a.name(), required: a.required, variadic: a.variadic })),
    options,
    completing,
    subs,
  };
}

/** The whole command tree: each registry module registered on its own program, then walked. */
async function commandTree(): Promise<{ root: Node; globals: Opt[]; description: string }> {
  const presets = presetNames();
  const io = { stdout: { write: () => true }, stderr: { write: () => true }, env: {}, cwd: ROOT };
  const ctx = new CliContext(io, () => ({}));
  ctx.configModule = configModule;
  const subs: Node[] = [];
  let top: Command | undefined;
  for (const name of Object.keys(COMMANDS)) {
    const program = await createProgram(ctx, name);
    top ??= program;
    subs.push(
      nodeOf(
        program.commands.find((c) => c.name() === name)!,
        [name],
        presets,
      ),
    );
  }
  const globals = top!
    .createHelp()
    .visibleOptions(top!)
    .map((o) => optionOf(o, presets));
  return { root: { path: [], description: top!.description(), args: [], options: globals, completing: [], subs }, globals, description: top!.description() };
}

function* walk(n: Node): Generator<Node> {
  yield n;
  for (const s of n.subs) yield* walk(s);
}

const usageArgs = (n: Node) => n.args.map((a) => (a.required ? `<${a.name}${a.variadic ? '...' : ''}>` : `[${a.name}${a.variadic ? '...' : ''}]`)).join(' ');

// ---- man page (roff) ----

/** Text safe in roff: backslashes escaped, a leading dot or quote neutralised, hyphens as minus signs in flags. */
function roff(text: string): string {
  return text
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .replace(/^([.'])/gm, '\\&$1');
}

function buildMan(tree: Awaited<ReturnType<typeof commandTree>>): string {
  const version = readPackageVersion();
  const out: string[] = [
    `.\\" Generated by scripts/gen-man.ts from the command registry: edit the generator or the commands, not this file.`,
    `.TH LUCKYFIVE 1 "" "luckyfive ${roff(version)}" "User Commands"`,
    '.SH NAME',
    `luckyfive \\- ${roff(tree.description.replace(/\.$/, ''))}`,
    '.SH SYNOPSIS',
    '.B luckyfive',
    '[\\fIglobal options\\fR] \\fIcommand\\fR [\\fIsubcommand\\fR] [\\fIoptions\\fR] [\\fIarguments\\fR]',
    '.SH DESCRIPTION',
    roff(tree.description),
    '.PP',
    roff(
      'Data goes to stdout, messages and progress to stderr. Commands that return data take --json (one document); lists also take --ndjson and --csv. ' +
        'Human tables fit the terminal: on a narrow one, columns that can go are hidden and stderr names them; piped or redirected, or with --wide, every column is printed. ' +
        'Long work (simulate, sweep, optimize, import, maintain backup) shows its progress with a rate and the time left, on a terminal only. ' +
        'A list cut at its default limit says so on stderr.',
    ),
    '.SH GLOBAL OPTIONS',
    ...tree.globals.flatMap((o) => ['.TP', `.B ${roff(o.flags)}`, roff(o.description)]),
    '.SH COMMANDS',
  ];
  for (const n of walk(tree.root)) {
    if (n.path.length === 0) continue;
    out.push(`.SS "${roff(['luckyfive', ...n.path].join(' '))}${n.args.length ? ` ${roff(usageArgs(n))}` : ''}"`);
    out.push(roff(n.description));
    if (n.subs.length) out.push('.PP', `Subcommands: ${n.subs.map((s) => `\\fB${roff(s.path.at(-1)!)}\\fR`).join(', ')}.`);
    for (const o of n.options.filter((x) => x.long !== '--help')) out.push('.TP', `.B ${roff(o.flags)}`, roff(o.description));
  }
  out.push('.SH EXIT STATUS');
  const byExit = new Map<number, string[]>();
  for (const [code, e] of Object.entries(ERROR_TABLE)) byExit.set(e.exit, [...(byExit.get(e.exit) ?? []), `${code} (${e.message})`]);
  out.push('.TP', '.B 0', 'success');
  for (const [exit, codes] of [...byExit].sort((a, b) => a[0] - b[0])) out.push('.TP', `.B ${exit}`, roff(codes.join('; ')));
  out.push('.SH ENVIRONMENT');
  for (const [key, f] of Object.entries(CONFIG_FIELDS)) out.push('.TP', `.B ${roff(f.env)}`, roff(`${key}: ${f.doc}`));
  const more: Array<[string, string]> = [
    ['NO_COLOR', 'any value: no ANSI colours (as --no-color)'],
    ['CLICOLOR_FORCE, FORCE_COLOR', 'not 0: colours even when the output is not a terminal (NO_COLOR and --no-color win)'],
    ['COLUMNS', 'the terminal width human tables fit, when stdout is a terminal'],
  ];
  for (const [name, doc] of more) out.push('.TP', `.B ${roff(name)}`, roff(doc));
  out.push(
    '.SH FILES',
    '.TP',
    `.I ./data/${roff('catalog.sqlite')}`,
    roff('the catalog: draws, the run index, sweeps, the books (the data folder is --data-dir or LUCKYFIVE_DATA_DIR)'),
    '.TP',
    '.I ./data/runs/*.sqlite',
    roff('one file per simulated run, with its tickets and per-contest results'),
    '.TP',
    `.I ./${roff(configModule.CONFIG_FILE_NAME)}`,
    roff('settings read from the working folder; flags and LUCKYFIVE_* variables win over it'),
    '.SH SEE ALSO',
    roff('The README of the luckyfive repository: the HTTP API, deployment, error codes and the architecture.'),
    '',
  );
  return out.join('\n');
}

// ---- bash ----

const shellWord = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function buildBash(tree: Awaited<ReturnType<typeof commandTree>>): string {
  const lines = [
    '# bash completion for luckyfive. Generated by scripts/gen-man.ts from the command registry: do not edit.',
    '# Use: source completions/luckyfive.bash (or copy it to /etc/bash_completion.d/ or ~/.local/share/bash-completion/completions/luckyfive).',
    'declare -gA _luckyfive_subs=() _luckyfive_opts=() _luckyfive_vals=()',
  ];
  for (const n of walk(tree.root)) {
    const key = ['luckyfive', ...n.path].join(' ');
    if (n.subs.length) lines.push(`_luckyfive_subs[${shellWord(key)}]=${shellWord(n.subs.map((s) => s.path.at(-1)!).join(' '))}`);
    const all = [...n.options, ...n.completing];
    const names = all.flatMap((o) => [o.long, o.short].filter((x): x is string => x !== undefined));
    lines.push(`_luckyfive_opts[${shellWord(key)}]=${shellWord(names.join(' '))}`);
    for (const o of all) {
      if (!o.values) continue;
      const v = o.values.kind === 'choices' ? o.values.list.join(' ') : `__${o.values.kind}__`;
      for (const name of [o.long, o.short]) if (name) lines.push(`_luckyfive_vals[${shellWord(`${key}|${name}`)}]=${shellWord(v)}`);
    }
  }
  lines.push(
    '_luckyfive() {',
    '  local cur="${COMP_WORDS[COMP_CWORD]}" prev="" path="luckyfive" i w',
    '  ((COMP_CWORD > 0)) && prev="${COMP_WORDS[COMP_CWORD-1]}"',
    '  for ((i = 1; i < COMP_CWORD; i++)); do',
    '    w="${COMP_WORDS[i]}"',
    '    if [[ -n "${_luckyfive_vals["$path|$w"]+x}" || -n "${_luckyfive_vals["luckyfive|$w"]+x}" ]]; then',
    '      ((i++))',
    '    elif [[ "$w" != -* && " ${_luckyfive_subs[$path]} " == *" $w "* ]]; then',
    '      path="$path $w"',
    '    fi',
    '  done',
    '  local vals=""',
    '  if ((COMP_CWORD > 1)) || [[ "$prev" == -* ]]; then',
    '    if [[ -n "${_luckyfive_vals["$path|$prev"]+x}" ]]; then vals="${_luckyfive_vals["$path|$prev"]}"',
    '    elif [[ -n "${_luckyfive_vals["luckyfive|$prev"]+x}" ]]; then vals="${_luckyfive_vals["luckyfive|$prev"]}"; fi',
    '  fi',
    '  if [[ -n "$vals" ]]; then',
    '    case "$vals" in',
    '      __file__) mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;',
    '      __dir__) mapfile -t COMPREPLY < <(compgen -d -- "$cur") ;;',
    '      __any__) COMPREPLY=() ;;',
    '      *) mapfile -t COMPREPLY < <(compgen -W "$vals" -- "$cur") ;;',
    '    esac',
    '    return 0',
    '  fi',
    '  if [[ "$cur" == -* ]]; then',
    '    mapfile -t COMPREPLY < <(compgen -W "${_luckyfive_opts[$path]}" -- "$cur")',
    '  elif [[ -n "${_luckyfive_subs[$path]+x}" ]]; then',
    '    mapfile -t COMPREPLY < <(compgen -W "${_luckyfive_subs[$path]}" -- "$cur")',
    '  else',
    '    mapfile -t COMPREPLY < <(compgen -f -- "$cur")',
    '  fi',
    '}',
    'complete -o default -F _luckyfive luckyfive',
    '',
  );
  return lines.join('\n');
}

// ---- zsh ----

/** Text inside a zsh single-quoted `_arguments` spec: quotes closed and reopened, brackets and colons escaped. */
const zq = (s: string) => s.replace(/'/g, `'\\''`).replace(/([[\]:])/g, '\\$1');
const zfn = (n: Node) => ['_luckyfive', ...n.path].join('_').replace(/[^A-Za-z0-9_]/g, '_');

function zshAction(o: Opt): string {
  if (!o.values) return '';
  const name = (/<([^>]+)>|\[([^\]]+)\]/.exec(o.flags) ?? [])[1] ?? 'value';
  switch (o.values.kind) {
    case 'choices':
      return `:${zq(name)}:(${o.values.list.map(zq).join(' ')})`;
    case 'file':
      return `:${zq(name)}:_files`;
    case 'dir':
      return `:${zq(name)}:_files -/`;
    default:
      return `:${zq(name)}: `;
  }
}

function zshOptSpecs(n: Node): string[] {
  return [...n.options, ...n.completing].map((o) => {
    const desc = zq(o.description.replace(/\s+/g, ' '));
    const act = zshAction(o);
    if (o.short && o.long) return `'(${o.short} ${o.long})'{${o.short},${o.long}}'[${desc}]${act}'`;
    return `'${o.long ?? o.short}[${desc}]${act}'`;
  });
}

function buildZsh(tree: Awaited<ReturnType<typeof commandTree>>): string {
  const out = [
    '#compdef luckyfive',
    '# zsh completion for luckyfive. Generated by scripts/gen-man.ts from the command registry: do not edit.',
    '# Use: put this file (named _luckyfive) in a folder of $fpath, e.g. ~/.zfunc with fpath+=(~/.zfunc), then compinit.',
    '',
  ];
  for (const n of walk(tree.root)) {
    const specs = zshOptSpecs(n);
    out.push(`${zfn(n)}() {`);
    if (n.subs.length) {
      out.push('  local curcontext="$curcontext" state line', '  typeset -A opt_args', '  _arguments -C \\');
      for (const s of specs) out.push(`    ${s} \\`);
      out.push("    '1: :->cmds' \\", "    '*:: :->args' && return 0", '  case $state in', '    cmds)', '      local -a subcommands', '      subcommands=(');
      for (const s of n.subs) out.push(`        '${zq(s.path.at(-1)!)}:${s.description.replace(/\s+/g, ' ').replace(/'/g, `'\\''`)}'`);
      out.push(
        '      )',
        `      _describe -t commands 'luckyfive${n.path.length ? ` ${n.path.join(' ')}` : ''} command' subcommands`,
        '      ;;',
        '    args)',
        '      case $line[1] in',
      );
      for (const s of n.subs) out.push(`        ${s.path.at(-1)}) ${zfn(s)} ;;`);
      out.push('      esac', '      ;;', '  esac', '}', '');
    } else {
      out.push('  _arguments \\');
      for (const s of specs) out.push(`    ${s} \\`);
      out.push("    '*:argument:_files'", '}', '');
    }
  }
  out.push('_luckyfive "$@"', '');
  return out.join('\n');
}

// ---- fish ----

const fq = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function buildFish(tree: Awaited<ReturnType<typeof commandTree>>): string {
  const out = [
    '# fish completion for luckyfive. Generated by scripts/gen-man.ts from the command registry: do not edit.',
    '# Use: copy this file to ~/.config/fish/completions/luckyfive.fish',
    'complete -c luckyfive -f',
  ];
  const top = tree.root.subs.map((s) => s.path[0]!).join(' ');
  for (const n of walk(tree.root)) {
    // where this node's completions apply: its path seen, and none of its subcommands yet
    const seen = n.path.map((p) => `__fish_seen_subcommand_from ${p}`);
    const notYet = n.subs.length ? [`not __fish_seen_subcommand_from ${n.subs.map((s) => s.path.at(-1)).join(' ')}`] : [];
    const cond = n.path.length === 0 ? [`not __fish_seen_subcommand_from ${top}`] : [...seen, ...notYet];
    const c = `-n ${fq(cond.join('; and '))}`;
    for (const s of n.subs) out.push(`complete -c luckyfive ${c} -a ${fq(s.path.at(-1)!)} -d ${fq(s.description)}`);
    for (const o of [...n.options, ...n.completing]) {
      const names = [o.short ? `-s ${o.short.slice(1)}` : '', o.long ? `-l ${o.long.slice(2)}` : ''].filter(Boolean).join(' ');
      let values = '';
      if (o.values?.kind === 'choices') values = ` -x -a ${fq(o.values.list.join(' '))}`;
      else if (o.values?.kind === 'file' || o.values?.kind === 'dir') values = ' -r -F';
      else if (o.values) values = ' -x';
      out.push(`complete -c luckyfive ${c} ${names}${values} -d ${fq(o.description)}`);
    }
    if (n.subs.length === 0 && n.args.length) out.push(`complete -c luckyfive ${c} -F`);
  }
  out.push('');
  return out.join('\n');
}

/** Every generated file with its text. */
export async function buildAll(): Promise<Array<{ file: string; text: string }>> {
  const tree = await commandTree();
  return [
    { file: GENERATED.man, text: buildMan(tree) },
    { file: GENERATED.bash, text: buildBash(tree) },
    { file: GENERATED.zsh, text: buildZsh(tree) },
    { file: GENERATED.fish, text: buildFish(tree) },
  ];
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const files = await buildAll();
  if (process.argv.includes('--check')) {
    const stale = files.filter(({ file, text }) => {
      try {
        return readFileSync(resolve(ROOT, file), 'utf8') !== text;
      } catch {
        return true;
      }
    });
    for (const { file } of stale) console.error(`${file} is stale: run npx tsx scripts/gen-man.ts`);
    process.exit(stale.length ? 1 : 0);
  }
  for (const { file, text } of files) {
    mkdirSync(dirname(resolve(ROOT, file)), { recursive: true });
    writeFileSync(resolve(ROOT, file), text);
    console.log(`wrote ${file}`);
  }
}
