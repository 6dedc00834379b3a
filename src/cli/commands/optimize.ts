/** `optimize`: the flags of `optimize [run]`, `list`, `show` and `holdout`, parsed and handed to the optimize command and views. */
import { type Command, Option } from 'commander';
import { METRIC_NAMES, type MetricName } from '../../core/metrics.js';
import { OPTIMIZE_METHODS, type OptimizeMethod } from '../../core/optimize/spec.js';
import { SWEEP_STATUSES, type SweepStatus } from '../../core/sweep/status.js';
import { MAX_NAME } from '../../core/text.js';
import { parseTextFlag } from '../books-flags.js';
import { type CliContext, addFormatOptions, formatOf, parseIntFlag } from '../context.js';

interface RunFlags {
  recipe?: string;
  preset?: string;
  param?: string[];
  train?: string;
  holdout?: string;
  method?: string;
  trials?: string;
  population?: string;
  generations?: string;
  mutationRate?: string;
  metric?: string;
  holdoutTop?: string;
  seed?: string;
  name?: string;
  threads?: string;
  maxTrials?: string;
  deadline?: string;
  resume?: string;
  queue?: string;
  json?: boolean;
  ndjson?: boolean;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** What defines a new study: none of it goes with --resume (the catalog has the study's own). */
const DEFINING_FLAGS = [
  'recipe',
  'preset',
  'param',
  'train',
  'holdout',
  'method',
  'trials',
  'population',
  'generations',
  'mutationRate',
  'metric',
  'holdoutTop',
  'seed',
  'name',
];

export function register(program: Command, ctx: CliContext): void {
  const optimize = program.command('optimize');

  addFormatOptions(
    optimize
      .command('run [spec]', { isDefault: true })
      .description('create and run a study (the default: `luckyfive optimize SPEC.json ...`), or --resume one')
      .addOption(new Option('--recipe <file>', "base recipe file (overrides the spec's base)").conflicts('preset'))
      .option('--preset <name>', 'base preset (conservative, balanced, aggressive)')
      .option('--param <name=values>', 'a searched parameter, repeatable: alpha=0.1..0.9:0.05, history=100,200, lambda=exp:10:-3..0', collect)
      .option('--train <range>', 'the contests the search runs its trials on: A..B or last:N')
      .option('--holdout <range>', 'contests after the train range that only the best trials see, once: C..D')
      .addOption(new Option('--method <method>', 'random (default) or evolutionary').choices(OPTIMIZE_METHODS))
      .option('--trials <n>', 'random search: how many trials (default 50)')
      .option('--population <n>', 'evolutionary search: trials per generation (default 20)')
      .option('--generations <n>', 'evolutionary search: generations (default 10)')
      .option('--mutation-rate <x>', 'evolutionary search: per-parameter mutation probability, 0..1 (default 0.2)')
      .addOption(new Option('--metric <metric>', 'the train metric the search optimises (default mean_hits)').choices(METRIC_NAMES))
      .option('--holdout-top <n>', 'how many of the best trials run once on the holdout (default 3)')
      .option('--seed <n>', "seed of the search and of every trial's recipe")
      .option('--name <text>', 'a name for the study')
      .option('--threads <n>', 'worker threads (default: number of cores; env LUCKYFIVE_THREADS)')
      .option('--queue <url>', 'run the trials on `luckyfive worker`s through this Redis queue (default: queue_url, env LUCKYFIVE_QUEUE_URL)')
      .option('--max-trials <n>', 'start at most n trials now, then stop cleanly (resume later)')
      .option('--deadline <duration>', 'stop after this long (90s, 30m, 2h): running trials stop at a contest boundary (resume with --resume)')
      .addOption(
        new Option('--resume <study_id>', 'continue a stopped or interrupted study; finished trials are kept (the spec comes from the catalog)').conflicts(
          DEFINING_FLAGS,
        ),
      ),
    ['json', 'ndjson'],
  ).action(async (spec: string | undefined, opts: RunFlags) => {
    const format = formatOf(opts);
    const { parseMutationRate, runOptimizeCommand } = await import('../optimize-command.js');
    await runOptimizeCommand(ctx, {
      specFile: spec,
      recipeFile: opts.recipe,
      preset: opts.preset,
      params: opts.param ?? [],
      train: opts.train,
      holdout: opts.holdout,
      method: opts.method as OptimizeMethod | undefined,
      trials: parseIntFlag('trials', opts.trials, 1, 10_000),
      population: parseIntFlag('population', opts.population, 2, 500),
      generations: parseIntFlag('generations', opts.generations, 1, 200),
      mutationRate: parseMutationRate(opts.mutationRate),
      metric: opts.metric as MetricName | undefined,
      holdoutTop: parseIntFlag('holdout-top', opts.holdoutTop, 1, 10),
      seed: parseIntFlag('seed', opts.seed, 0, 4294967295),
      name: parseTextFlag('name', opts.name, MAX_NAME),
      threads: parseIntFlag('threads', opts.threads, 1, 256),
      maxTrials: parseIntFlag('max-trials', opts.maxTrials, 1, 1_000_000),
      deadline: opts.deadline,
      resume: opts.resume,
      queue: opts.queue,
      format,
    });
  });

  addFormatOptions(
    optimize
      .command('list')
      .description('studies, newest first, with their status and progress')
      .addOption(new Option('--status <status>', 'pending, running, completed, completed_with_failures, stopped or failed').choices(SWEEP_STATUSES))
      .option('--limit <n>', 'at most n studies (0 for all)', '50'),
    ['json'],
  ).action(async (opts: { status?: string; limit: string; json?: boolean }) => {
    const format = formatOf(opts);
    const { listStudiesCommand } = await import('../optimize-view.js');
    await listStudiesCommand(ctx, { status: opts.status as SweepStatus | undefined, limit: parseIntFlag('limit', opts.limit, 0)!, format });
  });

  addFormatOptions(
    optimize
      .command('show <study_id>')
      .description('a study: the verdict, its best trials beside the exact baseline, every look at the holdout')
      .option('--top <n>', 'show the best n trials (the verdict still counts every trial)', '10'),
    ['json'],
  ).action(async (id: string, opts: { top: string; json?: boolean }) => {
    const format = formatOf(opts);
    const { showStudyCommand } = await import('../optimize-view.js');
    await showStudyCommand(ctx, { id, top: parseIntFlag('top', opts.top, 1)!, format });
  });

  addFormatOptions(
    optimize
      .command('holdout <study_id>')
      .description('look at the holdout again: the best n trials not yet run there run once; the look is recorded and the verdict counts it')
      .requiredOption('--top <n>', 'the best n trials by the train metric (those already run on the holdout are not run again)')
      .option('--reason <text>', 'why this look (kept with the look)')
      .option('--threads <n>', 'worker threads (default: number of cores; env LUCKYFIVE_THREADS)'),
    ['json'],
  ).action(async (id: string, opts: { top: string; reason?: string; threads?: string; json?: boolean }) => {
    const format = formatOf(opts);
    const { lookAgainCommand } = await import('../optimize-view.js');
    await lookAgainCommand(ctx, {
      id,
      top: parseIntFlag('top', opts.top, 1, 1000)!,
      reason: parseTextFlag('reason', opts.reason, 500),
      threads: parseIntFlag('threads', opts.threads, 1, 256),
      format,
    });
  });
}
