/** `luckyfive report run RUN_ID --format html|csv|png [--out FILE]`: a run's report as a file (or on stdout with `--out -`). */
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { readClock } from '../../clock.js';
import type { CliContext } from '../context.js';

export function register(program: Command, ctx: CliContext): void {
  const report = program.command('report');
  report
    .command('run <run_id>')
    .description(
      "a run's report: every hit figure beside its exact baseline, the books and the charts (html), its charts (png), or every ticket (csv, as the API's)",
    )
    .addOption(new Option('--format <format>', 'html, csv or png').choices(['html', 'csv', 'png']).default('html'))
    .option('--out <file>', 'where to write it (default: <run_id>-report.html, -report.png or -tickets.csv here; - for stdout)')
    .action(async (runId: string, opts: { format: 'html' | 'csv' | 'png'; out?: string }) => {
      const { reportRun } = await import('../../usecases/reports.js');
      const out = await reportRun({ catalog: await ctx.catalog(), clock: readClock() }, { run_id: runId, format: opts.format });
      if (opts.out === '-') {
        for (const chunk of out.chunks) ctx.io.stdout.write(chunk);
        return;
      }
      // written beside its final name, then renamed: never a half-written report under that name
      const target = resolve(ctx.io.cwd, opts.out ?? out.file_name);
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
    });
}
