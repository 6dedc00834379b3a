import type { Command } from 'commander';
import { ERROR_TABLE, LuckyError } from '../../errors.js';
import { type CliContext, addFormatOptions, formatOf, parseIntFlag } from '../context.js';

interface ListFlags {
  name?: string;
  recipeHash?: string;
  status?: string;
  sweep?: string;
  from?: string;
  to?: string;
  min?: string[];
  max?: string[];
  orderBy?: string;
  asc?: boolean;
  desc?: boolean;
  limit: string;
  json?: boolean;
  ndjson?: boolean;
  csv?: boolean;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function register(program: Command, ctx: CliContext): void {
  const runs = program.command('runs');

  addFormatOptions(
    runs
      .command('list')
      .description('runs in the catalog, filtered and ordered by any headline metric')
      .option('--name <text>', 'name contains text')
      .option('--recipe-hash <prefix>', 'recipe hash starts with')
      .option('--status <status>', 'pending, running, completed, failed, cancelled or interrupted (running, but its process is gone)')
      .option('--sweep <sweep_id>', 'cells of one sweep')
      .option('--from <contest>', 'runs starting at or after this contest')
      .option('--to <contest>', 'runs ending at or before this contest')
      .option('--min <metric=value>', 'metric at least value (repeatable), e.g. mean_hits=0.3', collect)
      .option('--max <metric=value>', 'metric at most value (repeatable)', collect)
      .option('--order-by <metric>', 'order by a headline metric (default created_at)')
      .option('--asc', 'ascending order')
      .option('--desc', 'descending order')
      .option('--limit <n>', 'at most n runs (0 for all)', '50'),
    ['json', 'ndjson', 'csv'],
  ).action(async (opts: ListFlags) => {
    const format = formatOf(opts);
    const { listRuns, ordersByLift, RUN_METRIC_COLUMNS, RUN_STATUSES } = await import('../../store/runs-repo.js');
    const metric = (name: string) => {
      if (!(RUN_METRIC_COLUMNS as readonly string[]).includes(name)) throw new LuckyError('E_USAGE', `unknown metric "${name}"; one of: ${RUN_METRIC_COLUMNS.join(', ')}`);
      return name as (typeof RUN_METRIC_COLUMNS)[number];
    };
    const thresholds = (list: string[] | undefined, flag: string) =>
      Object.fromEntries(
        (list ?? []).map((s) => {
          const m = /^([a-z_0-9]+)=(-?\d+(?:\.\d+)?)$/.exec(s);
          if (!m) throw new LuckyError('E_USAGE', `--${flag} takes metric=number, got "${s}"`);
          return [metric(m[1]!), Number(m[2])];
        }),
      );
    const statuses: readonly string[] = RUN_STATUSES;
    if (opts.status && !statuses.includes(opts.status)) throw new LuckyError('E_USAGE', `--status must be one of ${statuses.join(', ')}`);
    if (opts.asc && opts.desc) throw new LuckyError('E_USAGE', 'give --asc or --desc, not both');
    const limit = parseIntFlag('limit', opts.limit, 0)!;
    const catalog = await ctx.catalog();
    const rows = listRuns(catalog.db, {
      name: opts.name,
      recipe_hash: opts.recipeHash,
      status: opts.status as never,
      sweep_id: opts.sweep,
      from: parseIntFlag('from', opts.from),
      to: parseIntFlag('to', opts.to),
      min: thresholds(opts.min, 'min'),
      max: thresholds(opts.max, 'max'),
      order_by: opts.orderBy ? metric(opts.orderBy) : undefined,
      desc: opts.asc ? false : opts.desc ? true : undefined,
      limit: limit === 0 ? undefined : limit,
    });
    const { runRowJson } = await import('../../engine/run-json.js');
    const orderColumn = opts.orderBy ? metric(opts.orderBy) : 'created_at';
    const byLift = ordersByLift(orderColumn);
    if (format === 'json') return ctx.out.json({ runs: rows.map(runRowJson), count: rows.length, ordered_by: { column: orderColumn, by: byLift ? 'lift' : 'value' } });
    if (format === 'ndjson') return rows.forEach((r) => ctx.out.ndjson(runRowJson(r)));
    const head = ['run_id', 'name', 'status', 'strategy', 'first_contest', 'last_contest', 'contests', 'tickets', 'mean_hits', 'p_value', 'roi_pct', 'net_cents', 'created_at', 'numbers_per_ticket', 'synthetic_data'];
    const cells = rows.map((r) => [r.run_id, r.name, r.status, r.strategy, r.first_contest, r.last_contest, r.contests_done, r.tickets, r.mean_hits?.toFixed(4), r.p_value?.toFixed(3), r.roi_pct?.toFixed(1), r.net_cents, r.created_at, r.numbers_per_ticket, r.synthetic === 1]);
    if (format === 'csv') return ctx.out.csv(head, cells);
    ctx.out.table(
      ['run_id', 'name', 'status', 'strategy', 'contests', 'tickets', 'k', 'mean_hits', 'p_value', 'roi_pct', 'created_at'],
      rows.map((r) => [r.synthetic === 1 ? `${r.run_id} (synthetic)` : r.run_id, r.name, r.status, r.strategy, r.contests_done, r.tickets, r.numbers_per_ticket, r.mean_hits?.toFixed(4), r.p_value?.toFixed(3), r.roi_pct === null ? '' : `${r.roi_pct.toFixed(1)}%`, r.created_at]),
    );
    if (rows.length) ctx.out.info('mean_hits expected 5k/80 for k-number tickets under uniform draws (0.3125 for 5 numbers)');
    if (byLift) ctx.out.info(`ordered by lift: each run's ${opts.orderBy} over its own exact expectation for its ticket size, not by the raw value`);
    const synthetic = rows.filter((r) => r.synthetic === 1).length;
    if (synthetic) ctx.out.info(`${synthetic} of these runs ran on the SYNTHETIC sample, not official results`);
  });

  addFormatOptions(runs.command('show <run_id>').description("a run's report: figures beside the exact baseline, and its books"), ['json']).action(
    async (id: string, opts: { json?: boolean }) => {
      const { parseRunId } = await import('../../store/run-file.js');
      const { readRunReport } = await import('../../engine/runs.js');
      const catalog = await ctx.catalog();
      const report = readRunReport(catalog, parseRunId(id));
      if (!report) throw new LuckyError('E_DATA_MISSING', `run ${id} has no summary yet (status running or interrupted); resume it with \`luckyfive simulate --resume ${id}\``);
      if (formatOf(opts) === 'json') return ctx.out.json(report);
      const { printRunReport } = await import('../run-report.js');
      printRunReport(ctx.out, report);
    },
  );

  runs
    .command('export <run_id>')
    .description('every ticket of a run: contest, ticket, numbers, hits')
    .option('--format <fmt>', 'csv, json or ndjson', 'csv')
    .action(async (id: string, opts: { format: string }) => {
      if (!['csv', 'json', 'ndjson'].includes(opts.format)) throw new LuckyError('E_USAGE', '--format must be csv, json or ndjson');
      const { parseRunId } = await import('../../store/run-file.js');
      const { iterateTickets } = await import('../../engine/runs.js');
      const catalog = await ctx.catalog();
      const rows = iterateTickets(catalog, parseRunId(id));
      const out = ctx.io.stdout;
      if (opts.format === 'csv') {
        const { csvLine } = await import('../../core/csv.js');
        out.write(csvLine(['contest', 'ticket', 'numbers', 'hits']));
        for (const r of rows) out.write(csvLine([r.contest, r.ticket, r.numbers.join(' '), r.hits]));
      } else if (opts.format === 'ndjson') {
        for (const r of rows) out.write(`${JSON.stringify({ contest: r.contest, ticket: r.ticket, numbers: r.numbers, hits: r.hits })}\n`);
      } else {
        out.write('[');
        let first = true;
        for (const r of rows) {
          out.write(`${first ? '\n' : ',\n'}  ${JSON.stringify({ contest: r.contest, ticket: r.ticket, numbers: r.numbers, hits: r.hits })}`);
          first = false;
        }
        out.write('\n]\n');
      }
    });

  runs
    .command('delete <run_id>')
    .description('delete a run: its file and its catalog row together')
    .action(async (id: string) => {
      const { parseRunId } = await import('../../store/run-file.js');
      const { deleteRun } = await import('../../engine/runs.js');
      deleteRun(await ctx.catalog(), parseRunId(id));
      ctx.out.info(`deleted run ${id}`);
    });

  addFormatOptions(runs.command('import <file>').description('re-register a run file copied from another machine'), ['json']).action(async (file: string, opts: { json?: boolean }) => {
    const { importRunFile } = await import('../../engine/runs.js');
    const r = importRunFile(await ctx.catalog(), file);
    for (const w of r.warnings) ctx.out.warn(w);
    if (formatOf(opts) === 'json') return ctx.out.json({ run_id: r.run_id, imported: true, same_draws: r.same_draws, warnings: r.warnings });
    ctx.out.text(`imported run ${r.run_id}`);
  });

  addFormatOptions(
    runs
      .command('verify <run_id>')
      .description("recompute a run's tickets and report any difference")
      .option('--sample <n>', 'check n evenly spaced contests (default 20)')
      .option('--all', 'check every contest (not with --sample)'),
    ['json'],
  ).action(async (id: string, opts: { sample?: string; all?: boolean; json?: boolean }) => {
    if (opts.all && opts.sample !== undefined) throw new LuckyError('E_USAGE', 'give --sample N or --all, not both');
    const sample = parseIntFlag('sample', opts.sample) ?? 20;
    const { parseRunId } = await import('../../store/run-file.js');
    const { verifyRun, describeDifference } = await import('../../engine/runs.js');
    const report = verifyRun(await ctx.catalog(), parseRunId(id), opts.all ? undefined : sample);
    if (formatOf(opts) === 'json') ctx.out.json(report);
    else {
      ctx.out.text(`${report.ok ? 'ok' : 'DIFFERENT'}: ${report.checked} contest(s) recomputed, ${report.differences.length} ticket difference(s), ${report.figure_differences.length} figure difference(s)${report.dataset_changed ? '; the draws behind this run changed since it ran' : ''}`);
      for (const d of report.differences.slice(0, 20)) ctx.out.text(`  contest ${d.contest} ticket ${d.ticket}: stored ${d.stored}, recomputed ${d.recomputed}`);
      if (report.figure_differences.length) ctx.out.text(`  the stored figures do not match the run's own contests and tickets:`);
      for (const d of report.figure_differences.slice(0, 20)) ctx.out.text(`  ${describeDifference(d)}`);
    }
    if (!report.ok) ctx.exitCode = ERROR_TABLE.E_DATA_INVALID.exit;
  });
}
