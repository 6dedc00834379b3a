/** `sweep`: the flags of `sweep [run]`, `list`, `show` and `heatmap`, parsed and handed to the sweep views. */
import { MAX_NAME } from '../../core/text.js';
import { parseTextFlag } from '../books-flags.js';
import { type Command, Option } from 'commander';
import { METRIC_NAMES, type MetricName } from '../../core/metrics.js';
import { SWEEP_STATUSES, type SweepStatus } from '../../core/sweep/status.js';
import { type CliContext, addFormatOptions, formatOf, parseIntFlag, parseRangeFlags } from '../context.js';

interface RunFlags {
  recipe?: string;
  preset?: string;
  param?: string[];
  from?: string;
  to?: string;
  last?: string;
  holdoutFrom?: string;
  holdoutTo?: string;
  holdoutTop?: string;
  by?: string;
  seed?: string;
  name?: string;
  threads?: string;
  maxCells?: string;
  deadline?: string;
  resume?: string;
  queue?: string;
  json?: boolean;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** What defines a new sweep: none of it goes with --resume (the catalog has the sweep's own). */
const DEFINING_FLAGS = ['recipe', 'preset', 'param', 'from', 'to', 'last', 'holdoutFrom', 'holdoutTo', 'holdoutTop', 'by', 'seed', 'name'];

export function register(program: Command, ctx: CliContext): void {
  const sweep = program.command('sweep');

  addFormatOptions(
    sweep
      .command('run [spec]', { isDefault: true })
      .description('create and run a sweep (the default: `luckyfive sweep SPEC.json ...`), or --resume one')
      .addOption(new Option('--recipe <file>', "base recipe file (overrides the spec's base)").conflicts('preset'))
      .option('--preset <name>', 'base preset (conservative, balanced, aggressive)')
      .option('--param <name=values>', 'a swept parameter, repeatable: alpha=0.1..0.5:0.1, history=100,200, lambda=exp:10:-3..0', collect)
      .option('--from <contest>', 'first contest of the sweep range')
      .option('--to <contest>', 'last contest of the sweep range')
      .option('--last <n>', 'the last n contests in the catalog')
      .option('--holdout-from <contest>', 'first contest of the holdout range (contests the sweep never sees)')
      .option('--holdout-to <contest>', 'last contest of the holdout range')
      .option('--holdout-top <n>', 'how many of the best cells are run once on the holdout range (default 3)')
      .addOption(new Option('--by <metric>', 'the metric that ranks cells and picks the holdout cells (default mean_hits)').choices(METRIC_NAMES))
      .option('--seed <n>', "random seed of every cell (overrides the recipe's)")
      .option('--name <text>', 'a name for the sweep')
      .option(
        '--threads <n>',
        'worker threads (default: number of cores; env LUCKYFIVE_THREADS); with a queue they check the run files coming back and run the holdout',
      )
      .option('--queue <url>', 'run the cells on `luckyfive worker`s through this Redis queue (default: queue_url, env LUCKYFIVE_QUEUE_URL)')
      .option('--max-cells <n>', 'start at most n cells now, then stop cleanly (resume later)')
      .option(
        '--deadline <duration>',
        'stop after this long (90s, 30m, 2h): no cell starts after it and cells in flight stop at a contest boundary (resume with --resume)',
      )
      .addOption(
        new Option(
          '--resume <sweep_id>',
          'continue a stopped or interrupted sweep; finished cells are skipped (the spec, range and seed come from the catalog)',
        ).conflicts(DEFINING_FLAGS),
      ),
    ['json'],
  ).action(async (spec: string | undefined, opts: RunFlags) => {
    const format = formatOf(opts);
    const { runSweepCommand } = await import('../sweep-command.js');
    await runSweepCommand(ctx, {
      specFile: spec,
      recipeFile: opts.recipe,
      preset: opts.preset,
      params: opts.param ?? [],
      ...parseRangeFlags(opts),
      holdoutFrom: parseIntFlag('holdout-from', opts.holdoutFrom, 0),
      holdoutTo: parseIntFlag('holdout-to', opts.holdoutTo, 0),
      holdoutTop: parseIntFlag('holdout-top', opts.holdoutTop, 0, 100),
      by: opts.by as MetricName | undefined,
      seed: parseIntFlag('seed', opts.seed, 0, 4294967295),
      name: parseTextFlag('name', opts.name, MAX_NAME),
      threads: parseIntFlag('threads', opts.threads, 1, 256),
      maxCells: parseIntFlag('max-cells', opts.maxCells, 1, 1_000_000),
      deadline: opts.deadline,
      resume: opts.resume,
      queue: opts.queue,
      format,
    });
  });

  addFormatOptions(
    sweep
      .command('list')
      .description('sweeps, newest first, with their status and progress')
      .addOption(new Option('--status <status>', 'pending, running, completed, completed_with_failures, stopped or failed').choices(SWEEP_STATUSES))
      .option('--limit <n>', 'at most n sweeps (0 for all)', '50'),
    ['json'],
  ).action(async (opts: { status?: string; limit: string; json?: boolean }) => {
    const format = formatOf(opts);
    const { listSweepsCommand } = await import('../sweep-view.js');
    await listSweepsCommand(ctx, { status: opts.status as SweepStatus | undefined, limit: parseIntFlag('limit', opts.limit, 0)!, format });
  });

  addFormatOptions(
    sweep
      .command('show <sweep_id>')
      .description('cells ranked by a metric, with the exact baseline, raw and Holm/BH-adjusted p-values over ALL cells, and holdout figures')
      .option('--top <n>', 'show the best n cells (the adjustment still covers every cell)', '20')
      .addOption(new Option('--by <metric>', "rank by this metric (default: the sweep's)").choices(METRIC_NAMES)),
    ['json'],
  ).action(async (id: string, opts: { top: string; by?: string; json?: boolean }) => {
    const format = formatOf(opts);
    const { showSweepCommand } = await import('../sweep-view.js');
    await showSweepCommand(ctx, { id, top: parseIntFlag('top', opts.top, 1)!, by: opts.by as MetricName | undefined, format });
  });

  addFormatOptions(
    sweep
      .command('heatmap <sweep_id>')
      .description('a metric over two swept parameters: JSON grid data, or a terminal heatmap')
      .requiredOption('--x <param>', 'swept parameter across')
      .requiredOption('--y <param>', 'swept parameter down')
      .addOption(new Option('--metric <metric>', "the metric (default: the sweep's)").choices(METRIC_NAMES)),
    ['json'],
  ).action(async (id: string, opts: { x: string; y: string; metric?: string; json?: boolean }) => {
    const format = formatOf(opts);
    const { heatmapCommand } = await import('../sweep-view.js');
    await heatmapCommand(ctx, { id, x: opts.x, y: opts.y, metric: opts.metric as MetricName | undefined, format });
  });
}
