/**
 * `luckyfive report run RUN_ID | sweep SWEEP_ID | books --from D --to D | compare RUN RUN [RUN...]
 * --format html|pdf|png|csv [--out FILE|-]`:
 * a report as a file (or on stdout with `--out -`, never binary to a terminal).
 */
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { readClock } from '../../clock.js';
import { LuckyError } from '../../errors.js';
import type { ReportFormat, ReportOutput } from '../../usecases/reports.js';
import type { CliContext } from '../context.js';

const FORMATS: readonly ReportFormat[] = ['html', 'pdf', 'png', 'csv'];
const formatOption = () => new Option('--format <format>', 'html, pdf, png or csv').choices(FORMATS).default('html');

/**
 * Writes a report: `-` is stdout (never binary to a terminal), otherwise the file (default: the
 * report's own name in the working directory), written beside its final name and then renamed,
 * so there is never a half-written report under that name.
 */
function writeReport(ctx: CliContext, out: ReportOutput, format: ReportFormat, dest: string | undefined): void {
  if (dest === '-') {
    if ((format === 'pdf' || format === 'png') && ctx.io.stdout.isTTY === true)
      throw new LuckyError('E_USAGE', `a ${format.toUpperCase()} report is binary: not written to a terminal`, [
        `--out: give a file (--out ${out.file_name}) or pipe stdout elsewhere`,
      ]);
    for (const chunk of out.chunks) ctx.io.stdout.write(chunk);
    return;
  }
  const target = resolve(ctx.io.cwd, dest ?? out.file_name);
  const partial = `${target}.partial`;
  const fd = openSync(partial, 'w', 0o644);
  try {
    for (const chunk of out.chunks) {
      if (typeof chunk === 'string') writeSync(fd, chunk);
      else writeSync(fd, chunk);
    }
  } catch (e) {
    closeSync(fd);
    rmSync(partial, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(partial, target);
  ctx.out.info(`report written: ${target}${out.size ? ` (${out.size.width}x${out.size.height} PNG)` : ''}`);
}

export function register(program: Command, ctx: CliContext): void {
  const report = program.command('report');
  report
    .command('run <run_id>')
    .description(
      "a run's report: every hit figure beside its exact baseline, the books and the charts (html, pdf), the headline over its charts (png), or every ticket (csv, as the API's)",
    )
    .addOption(formatOption())
    .option('--out <file>', 'where to write it (default: <run_id>-report.html, .pdf, .png or <run_id>-tickets.csv here; - for stdout)')
    .action(async (runId: string, opts: { format: ReportFormat; out?: string }) => {
      const { reportRun } = await import('../../usecases/reports.js');
      const out = await reportRun({ catalog: await ctx.catalog(), clock: readClock() }, { run_id: runId, format: opts.format });
      writeReport(ctx, out, opts.format, opts.out);
    });
  report
    .command('books')
    .description(
      'the financial period report: opening and closing balance, every entry (reversals shown as such), net per month, the balance with its assertions, the real ROI beside the expected ROI, budgets; csv: the entries',
    )
    .requiredOption('--from <date>', 'first day, YYYY-MM-DD')
    .requiredOption('--to <date>', 'last day, YYYY-MM-DD (inclusive)')
    .addOption(formatOption())
    .option('--out <file>', 'where to write it (default: books-FROM-TO-report.html, .pdf, .png or books-FROM-TO.csv here; - for stdout)')
    .action(async (opts: { from: string; to: string; format: ReportFormat; out?: string }) => {
      const { reportBooks } = await import('../../usecases/reports.js');
      const out = await reportBooks({ catalog: await ctx.catalog(), clock: readClock() }, { from: opts.from, to: opts.to, format: opts.format });
      writeReport(ctx, out, opts.format, opts.out);
    });
  report
    .command('sweep <sweep_id>')
    .description(
      "a sweep's report: its honesty sentence first, the spec, every cell ranked with raw and adjusted p, the heatmap or line, the cells that did not finish; csv: the cells",
    )
    .addOption(formatOption())
    .option('--out <file>', 'where to write it (default: sweep-ID-report.html, .pdf, .png or sweep-ID-cells.csv here; - for stdout)')
    .action(async (sweepId: string, opts: { format: ReportFormat; out?: string }) => {
      const { reportSweep } = await import('../../usecases/reports.js');
      const out = await reportSweep({ catalog: await ctx.catalog(), clock: readClock() }, { sweep_id: sweepId, format: opts.format });
      writeReport(ctx, out, opts.format, opts.out);
    });
  report
    .command('compare <run_ids...>')
    .description(
      '2+ completed runs side by side: every figure beside its baseline, the paired tests with Holm p and their sentences, the paired difference per contest; csv: the per-contest series',
    )
    .addOption(formatOption())
    .option('--out <file>', 'where to write it (default: compare-A-B-report.html, .pdf, .png or compare-A-B.csv here; - for stdout)')
    .action(async (runIds: string[], opts: { format: ReportFormat; out?: string }) => {
      const { reportCompare } = await import('../../usecases/reports.js');
      const out = await reportCompare({ catalog: await ctx.catalog(), clock: readClock() }, { run_ids: runIds, format: opts.format });
      writeReport(ctx, out, opts.format, opts.out);
    });
}
