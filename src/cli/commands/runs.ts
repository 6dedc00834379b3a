/** `luckyfive runs`: list, show, export, delete, import and verify runs; each subcommand parses its flags, calls one use case (src/usecases/runs.ts) and prints the result. */
import { type Command, Option } from 'commander';
import { RUN_METRIC_COLUMNS, RUN_STATUSES, type RunMetricColumn, type RunStatus } from '../../core/run-columns.js';
import { ERROR_TABLE, LuckyError } from '../../errors.js';
import { type CliContext, addFormatOptions, formatOf, parseIntFlag } from '../context.js';

interface ListFlags {
  name?: string;
  recipeHash?: string;
  status?: RunStatus;
  sweep?: string;
  from?: string;
  to?: string;
  min?: string[];
  max?: string[];
  orderBy?: RunMetricColumn;
  asc?: boolean;
  desc?: boolean;
  limit: string;
  json?: boolean;
  ndjson?: boolean;
  csv?: boolean;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

function metricColumn(name: string): RunMetricColumn {
  if (!(RUN_METRIC_COLUMNS as readonly string[]).includes(name))
    throw new LuckyError('E_USAGE', `unknown metric "${name}"; one of: ${RUN_METRIC_COLUMNS.join(', ')}`);
  return name as RunMetricColumn;
}

/** `--min metric=value` flags as thresholds. */
function thresholds(list: string[] | undefined, flag: string): Partial<Record<RunMetricColumn, number>> {
  return Object.fromEntries(
    (list ?? []).map((s) => {
      const m = /^([a-z_0-9]+)=(-?\d+(?:\.\d+)?)$/.exec(s);
      if (!m) throw new LuckyError('E_USAGE', `--${flag} takes metric=number, got "${s}"`);
      return [metricColumn(m[1]!), Number(m[2])];
    }),
  );
}

export function register(program: Command, ctx: CliContext): void {
  const runs = program.command('runs');

  addFormatOptions(
    runs
      .command('list')
      .description('runs in the catalog, filtered and ordered by any headline metric')
      .option('--name <text>', 'name contains text')
      .option('--recipe-hash <prefix>', 'recipe hash starts with')
      .addOption(
        new Option('--status <status>', 'pending, running, completed, failed, cancelled or interrupted (running, but its process is gone)').choices(
          RUN_STATUSES,
        ),
      )
      .option('--sweep <sweep_id>', 'cells of one sweep')
      .option('--from <contest>', 'runs starting at or after this contest')
      .option('--to <contest>', 'runs ending at or before this contest')
      .option('--min <metric=value>', 'metric at least value (repeatable), e.g. mean_hits=0.3', collect)
      .option('--max <metric=value>', 'metric at most value (repeatable)', collect)
      .addOption(new Option('--order-by <metric>', 'order by a headline metric (default created_at)').choices(RUN_METRIC_COLUMNS))
      .addOption(new Option('--asc', 'ascending order').conflicts('desc'))
      .option('--desc', 'descending order')
      .option('--limit <n>', 'at most n runs (0 for all)', '50'),
    ['json', 'ndjson', 'csv'],
  ).action(async (opts: ListFlags) => {
    const format = formatOf(opts);
    const input = {
      name: opts.name,
      recipe_hash: opts.recipeHash,
      status: opts.status,
      sweep_id: opts.sweep,
      from: parseIntFlag('from', opts.from),
      to: parseIntFlag('to', opts.to),
      min: thresholds(opts.min, 'min'),
      max: thresholds(opts.max, 'max'),
      order_by: opts.orderBy,
      desc: opts.asc ? false : opts.desc ? true : undefined,
      limit: parseIntFlag('limit', opts.limit, 0) || undefined,
    };
    const { listRuns } = await import('../../usecases/runs.js');
    const list = listRuns({ catalog: await ctx.catalog() }, input);
    const rows = list.runs;
    const byLift = list.ordered_by.by === 'lift';
    if (format === 'json') return ctx.out.json({ runs: rows, count: list.count, ordered_by: { column: list.ordered_by.column, by: list.ordered_by.by } });
    if (format === 'ndjson') return rows.forEach((r) => ctx.out.ndjson(r));
    const head = [
      'run_id',
      'name',
      'status',
      'strategy',
      'first_contest',
      'last_contest',
      'contests',
      'tickets',
      'mean_hits',
      'p_value',
      'roi_pct',
      'net_cents',
      'created_at',
      'numbers_per_ticket',
      'synthetic_data',
    ];
    const cells = rows.map((r) => [
      r.run_id,
      r.name,
      r.status,
      r.strategy,
      r.first_contest,
      r.last_contest,
      r.contests_done,
      r.tickets,
      // CSV is data: the numbers as stored (numeric cells: a negative ROI is never taken for a formula); the table rounds them
      ...(format === 'csv' ? [r.mean_hits, r.p_value, r.roi_pct] : [r.mean_hits?.toFixed(4), r.p_value?.toFixed(3), r.roi_pct?.toFixed(1)]),
      r.net_cents,
      r.created_at,
      r.numbers_per_ticket,
      r.synthetic_data,
    ]);
    if (format === 'csv') return ctx.out.csv(head, cells);
    // on a terminal a synthetic run is marked `*` (the note below says so): the id column stays narrow
    const syntheticMark = ctx.out.width === undefined ? ' (synthetic)' : '*';
    ctx.out.table(
      ['run_id', 'name', 'status', 'strategy', 'contests', 'tickets', 'k', 'mean_hits', 'p_value', 'roi_pct', 'created_at'],
      rows.map((r) => [
        r.synthetic_data ? `${r.run_id}${syntheticMark}` : r.run_id,
        r.name,
        r.status,
        r.strategy,
        r.contests_done,
        r.tickets,
        r.numbers_per_ticket,
        r.mean_hits?.toFixed(4),
        r.p_value?.toFixed(3),
        r.roi_pct === null ? '' : `${r.roi_pct.toFixed(1)}%`,
        r.created_at,
      ]),
      // narrow: id, name, status, contests, mean_hits and p stay
      { drop: [10, 3, 5, 6, 9, 4], keep: [0] },
    );
    if (list.next) ctx.out.limited(rows.length, 'runs');
    if (rows.length) ctx.out.info('mean_hits expected 5k/80 for k-number tickets under uniform draws (0.3125 for 5 numbers)');
    if (byLift) ctx.out.info(`ordered by lift: each run's ${opts.orderBy} over its own exact expectation for its ticket size, not by the raw value`);
    const synthetic = rows.filter((r) => r.synthetic_data).length;
    if (synthetic) ctx.out.info(`${synthetic} of these runs${syntheticMark === '*' ? ' (marked *)' : ''} ran on the SYNTHETIC sample, not official results`);
  });

  addFormatOptions(runs.command('show <run_id>').description("a run's report: figures beside the exact baseline, and its books"), ['json']).action(
    async (id: string, opts: { json?: boolean }) => {
      const { showRun } = await import('../../usecases/runs.js');
      const report = showRun({ catalog: await ctx.catalog() }, { run_id: id });
      if (formatOf(opts) === 'json') return ctx.out.json(report);
      const { printRunReport } = await import('../run-report.js');
      printRunReport(ctx.out, report);
    },
  );

  runs
    .command('export <run_id>')
    .description('every ticket of a run: contest, ticket, numbers, hits')
    .addOption(new Option('--format <fmt>', 'csv, json or ndjson').choices(['csv', 'json', 'ndjson'] as const).default('csv'))
    .action(async (id: string, opts: { format: 'csv' | 'json' | 'ndjson' }) => {
      const { exportRunTickets } = await import('../../usecases/runs.js');
      for (const text of exportRunTickets({ catalog: await ctx.catalog() }, { run_id: id, format: opts.format })) ctx.io.stdout.write(text);
    });

  runs
    .command('delete <run_id>')
    .description('delete a run: its file and its catalog row together')
    .action(async (id: string) => {
      const { deleteRun } = await import('../../usecases/runs.js');
      deleteRun({ catalog: await ctx.catalog() }, { run_id: id });
      ctx.out.info(`deleted run ${id}`);
    });

  addFormatOptions(runs.command('import <file>').description('re-register a run file copied from another machine'), ['json']).action(
    async (file: string, opts: { json?: boolean }) => {
      const { importRun } = await import('../../usecases/runs.js');
      const r = importRun({ catalog: await ctx.catalog() }, { file });
      for (const w of r.warnings) ctx.out.warn(w);
      if (formatOf(opts) === 'json') return ctx.out.json(r);
      ctx.out.text(`imported run ${r.run_id}`);
    },
  );

  addFormatOptions(
    runs
      .command('verify <run_id>')
      .description("recompute a run's tickets and report any difference")
      .option('--sample <n>', 'check n evenly spaced contests (default 20)')
      .option('--all', 'check every contest (not with --sample)'),
    ['json'],
  ).action(async (id: string, opts: { sample?: string; all?: boolean; json?: boolean }) => {
    // a hand check, not .conflicts(): its message is the documented one (test/integration/contest-range-cli.test.ts)
    if (opts.all && opts.sample !== undefined) throw new LuckyError('E_USAGE', 'give --sample N or --all, not both');
    const sample = parseIntFlag('sample', opts.sample) ?? 20;
    const { verifyRun, describeDifference } = await import('../../usecases/runs.js');
    const report = verifyRun({ catalog: await ctx.catalog() }, { run_id: id, sample: opts.all ? undefined : sample });
    if (formatOf(opts) === 'json') ctx.out.json(report);
    else {
      ctx.out.text(
        `${report.ok ? 'ok' : 'DIFFERENT'}: ${report.checked} contest(s) recomputed, ${report.differences.length} ticket difference(s), ${report.figure_differences.length} figure difference(s)${report.dataset_changed ? '; the draws behind this run changed since it ran' : ''}`,
      );
      for (const d of report.differences.slice(0, 20))
        ctx.out.text(`  contest ${d.contest} ticket ${d.ticket}: stored ${d.stored}, recomputed ${d.recomputed}`);
      if (report.figure_differences.length) ctx.out.text(`  the stored figures do not match the run's own contests and tickets:`);
      for (const d of report.figure_differences.slice(0, 20)) ctx.out.text(`  ${describeDifference(d)}`);
    }
    if (!report.ok) ctx.exitCode = ERROR_TABLE.E_DATA_INVALID.exit;
  });
}
