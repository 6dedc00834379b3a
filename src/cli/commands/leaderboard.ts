/** `leaderboard`: its flags, parsed and handed to the leaderboard view. */
import { type Command, Option } from 'commander';
import { METRIC_NAMES, parseMetricName } from '../../core/metrics.js';
import { type CliContext, addFormatOptions, formatOf, parseDateFlag, parseIntFlag } from '../context.js';

interface LeaderboardFlags {
  metric: string;
  filter?: string;
  since?: string;
  limit: string;
  json?: boolean;
  csv?: boolean;
}

export function register(program: Command, ctx: CliContext): void {
  addFormatOptions(
    program
      .command('leaderboard')
      .addOption(new Option('--metric <metric>', 'the metric to rank by').choices(METRIC_NAMES).default('mean_hits'))
      .option('--filter <expr>', "e.g. 'history>=200 and strategy=advanced' (recipe knobs, run fields and metrics)")
      .option('--since <date>', 'runs created on or after YYYY-MM-DD')
      .option('--limit <n>', 'show the top n (0 for all; the adjustment still covers every match)', '20'),
    ['json', 'csv'],
  ).action(async (opts: LeaderboardFlags) => {
    const format = formatOf(opts);
    const { runLeaderboardCommand } = await import('../leaderboard-view.js');
    await runLeaderboardCommand(ctx, {
      metric: parseMetricName(opts.metric),
      filter: opts.filter,
      since: parseDateFlag('since', opts.since),
      limit: parseIntFlag('limit', opts.limit, 0)!,
      format,
    });
  });
}
