/** `luckyfive simulate`: flags -> a run request (`core/run-request.ts`) -> the start/resume use case. */
import { Option, type Command } from 'commander';
import { MAX_RANGE } from '../../core/contest-range.js';
import { MAX_NAME } from '../../core/text.js';
import { parseTextFlag } from '../books-flags.js';
import { type CliContext, addFormatOptions, formatOf, parseIntFlag, parseRangeFlags } from '../context.js';

interface SimulateFlags {
  recipe?: string;
  preset?: string;
  from?: string;
  to?: string;
  last?: string;
  threads?: string;
  seed?: string;
  name?: string;
  resume?: string;
  chunks?: string;
  json?: boolean;
  ndjson?: boolean;
}

export function register(program: Command, ctx: CliContext): void {
  addFormatOptions(
    program
      .command('simulate')
      .addOption(new Option('--recipe <file>', 'recipe JSON file').conflicts('preset'))
      .option('--preset <name>', 'a bundled preset (conservative, balanced, aggressive)')
      .option('--from <contest>', 'first contest to predict')
      .option('--to <contest>', 'last contest to predict')
      .option('--last <n>', 'the last n contests in the catalog')
      .option('--threads <n>', 'worker threads (default: number of cores; env LUCKYFIVE_THREADS)')
      .option('--seed <n>', "random seed (overrides the recipe's)")
      .option('--name <text>', 'a name for the run')
      .option('--chunks <n>', 'with queue_url: split the run into n contest chunks for several workers, merged into one run (default 1)')
      // the run file holds the recipe, range and seed of a run to resume
      .addOption(
        new Option('--resume <run_id>', 'finish the missing contests of an interrupted run').conflicts([
          'recipe',
          'preset',
          'from',
          'to',
          'last',
          'seed',
          'chunks',
        ]),
      ),
    ['json', 'ndjson'],
  ).action(async (opts: SimulateFlags) => {
    const format = formatOf(opts);
    const { runSimulateCommand } = await import('../simulate-command.js');
    await runSimulateCommand(ctx, {
      recipe_file: opts.recipe,
      preset: opts.preset,
      ...parseRangeFlags(opts),
      threads: parseIntFlag('threads', opts.threads, 1, 256),
      seed: parseIntFlag('seed', opts.seed, 0, 4294967295),
      name: parseTextFlag('name', opts.name, MAX_NAME),
      resume: opts.resume,
      chunks: parseIntFlag('chunks', opts.chunks, 1, MAX_RANGE),
      format,
    });
  });
}
