/**
 * The CLI entry: parses argv, runs one command, maps errors to exit codes. `runCli` returns the
 * exit code; `main` (used by bin/luckyfive.js) is the only place that calls `process.exit`.
 */
import { Command, CommanderError } from 'commander';
import { ERROR_TABLE, isLuckyError } from '../errors.js';
import { toStorageError } from '../usecases/storage-errors.js';
import { readPackageVersion } from '../version.js';
import { COMMANDS } from './commands/index.js';
import { CliContext, type CliIo, type GlobalFlags } from './context.js';

/** Global flags that take a value, so the command name can be found before parsing. */
const VALUE_FLAGS = new Set(['--data-dir']);

function findCommandName(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (VALUE_FLAGS.has(a)) {
      i++;
      continue;
    }
    if (!a.startsWith('-')) return a;
  }
  return undefined;
}

/** `help X ...`: the command X, so its module is registered and commander prints its full help. */
function helpTarget(args: readonly string[]): string | undefined {
  const at = args.indexOf('help');
  if (at < 0 || findCommandName(args) !== 'help') return undefined;
  return findCommandName(args.slice(at + 1));
}

/** Builds the program with every command listed and `name`'s module fully registered. */
export async function createProgram(ctx: CliContext, commandName: string | undefined): Promise<Command> {
  const program = new Command('luckyfive')
    .description('Backtest Quina strategies against the exact odds, keep the books, serve an HTTP API.')
    .version(readPackageVersion(), '-V, --version')
    .option('--data-dir <dir>', 'where the catalog and run files live (env LUCKYFIVE_DATA_DIR, default ./data)')
    .option('--no-color', 'plain output without ANSI colours')
    .option('-q, --quiet', 'no messages on stderr except errors')
    .option('--wide', 'human tables at full width with every column, even on a narrow terminal')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => void ctx.io.stdout.write(s),
      writeErr: (s) => void ctx.io.stderr.write(s),
    });
  for (const [name, entry] of Object.entries(COMMANDS)) {
    if (name === commandName) {
      const mod = await entry.load();
      mod.register(program, ctx);
      // the registry is the one place a description is written: `<cmd> --help` shows the same as `--help`
      program.commands.find((c) => c.name() === name)?.description(entry.description);
    } else {
      program.command(name).description(entry.description).allowUnknownOption().helpOption(false);
    }
  }
  return program;
}

/** Runs the CLI with `args` (without node and script) and returns the exit code. */
export async function runCli(args: readonly string[], io: CliIo): Promise<number> {
  let program: Command | undefined;
  const ctx = new CliContext(io, (): GlobalFlags => program?.opts() ?? {});
  try {
    const name = helpTarget(args) ?? findCommandName(args);
    const known = name !== undefined && name in COMMANDS ? name : undefined;
    if (known) ctx.configModule = await import('../config.js');
    program = await createProgram(ctx, known);
    await program.parseAsync([...args], { from: 'user' });
    return ctx.exitCode;
  } catch (e) {
    return reportError(e, ctx);
  } finally {
    await ctx.cleanup();
  }
}

function reportError(error: unknown, ctx: CliContext): number {
  // Storage faults (disk full, damaged database, busy) are documented errors, never "internal".
  const e = toStorageError(error) ?? error;
  if (e instanceof CommanderError) {
    // help and version are "errors" in commander's exitOverride mode
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return 0;
    // `help X` exits 0; help shown because a subcommand is missing (`luckyfive`, `luckyfive draws`) is a usage error
    if (e.code === 'commander.help') return e.exitCode === 0 ? 0 : ERROR_TABLE.E_USAGE.exit;
    return ERROR_TABLE.E_USAGE.exit;
  }
  if (isLuckyError(e) && e.code !== 'E_INTERNAL') {
    ctx.out.error(e.message);
    for (const d of e.details) ctx.out.detail(d);
    return e.exitCode;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  ctx.out.error(`internal error: ${err.message}`);
  ctx.io.stderr.write(`${(isLuckyError(e) && e.cause instanceof Error ? e.cause.stack : err.stack) ?? ''}\n`);
  ctx.io.stderr.write('This is a bug in luckyfive. Please report it with the command you ran and the lines above.\n');
  return ERROR_TABLE.E_INTERNAL.exit;
}

/** Process entry: wires real streams and signals, exits with the command's code. */
export async function main(): Promise<void> {
  const abort = new AbortController();
  const io: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), signal: abort.signal };
  process.on('SIGINT', () => {
    if (abort.signal.aborted) process.exit(ERROR_TABLE.E_INTERRUPTED.exit);
    process.stderr.write('\nstopping cleanly (Ctrl-C again to force)\n');
    abort.abort();
  });
  process.on('SIGTERM', () => abort.abort());
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
  });
  const code = await runCli(process.argv.slice(2), io);
  process.exitCode = code;
}
