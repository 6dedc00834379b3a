/** `luckyfive import`: flags -> the import use case (`usecases/draws.ts` `importResults`) -> the summary or its JSON. */
import { type Command, Option } from 'commander';
import { readClock } from '../../clock.js';
import { LuckyError } from '../../errors.js';
import type { ImportFile, ImportResult } from '../../usecases/draws.js';
import { type CliContext, addFormatOptions, formatOf } from '../context.js';
import { type Progress, megabytes } from '../progress.js';

/** How many rejected rows / conflicts the human summary lists before "(N more, use --json)". */
const LIST_LIMIT = 10;

export function register(program: Command, ctx: CliContext): void {
  addFormatOptions(
    program
      .command('import [file]')
      .option('--replace', 'overwrite stored contests whose values differ (default: report them and keep the stored values)')
      .option('--dry-run', 'validate and report what would change; write nothing')
      .addOption(new Option('--sample', 'load the bundled SYNTHETIC sample (2,000 generated contests) into an empty catalog').conflicts('replace')),
    ['json'],
  ).action(async (file: string | undefined, opts: { replace?: boolean; dryRun?: boolean; sample?: boolean; json?: boolean }) => {
    const format = formatOf(opts);
    // FILE is an argument, not an option: commander's conflicts() cannot see it
    if (opts.sample && file !== undefined) throw new LuckyError('E_USAGE', 'give either FILE or --sample, not both');
    if (!opts.sample && file === undefined) throw new LuckyError('E_USAGE', 'missing FILE: luckyfive import FILE (or --sample for the synthetic sample)');

    const { importResults, openImportFile } = await import('../../usecases/draws.js');
    const clock = readClock();
    const input = { replace: opts.replace === true, dryRun: opts.dryRun === true };
    let result: ImportResult;
    if (opts.sample) {
      result = await importResults({ catalog: await ctx.catalog(), clock }, { ...input, source: { sample: true } });
    } else {
      // Open before opening the catalog: a missing file must not create an empty data dir. A CSV
      // is then read in slices, never whole (the use case closes it).
      const source = openImportFile(file!);
      let progress: Progress | undefined;
      try {
        const catalog = await ctx.catalog();
        // a CSV is parsed as its slices are read: the bytes read are the progress (a workbook is read whole)
        progress = await ctx.out.progress(`import ${file}`, 'MB', source.size, megabytes);
        result = await importResults({ catalog, clock }, { ...input, source: { file: countingSlices(source, progress) } });
        progress.stop();
      } catch (e) {
        if (progress) progress.stop();
        else source.close();
        throw e;
      }
    }

    const kept = result.conflicts.filter((c) => c.action === 'kept');
    if (kept.length) {
      ctx.out.warn(`${kept.length} contest(s) differ from the stored values and were left alone; re-run with --replace to overwrite them`);
    }
    if (result.rejected.length) ctx.out.warn(`${result.rejected.length} row(s) rejected: they were not imported`);
    for (const d of result.date_inversions.slice(0, 5)) {
      ctx.out.warn(`contest ${d.contest} is dated ${d.date}, before contest ${d.previous_contest} (${d.previous_date})`);
    }
    if (result.date_inversions_total > 5)
      ctx.out.warn(`... ${result.date_inversions_total - 5} more contest(s) dated before the contest below them (see --json)`);
    if (format === 'json') return ctx.out.json(result);
    printSummary(ctx, result);
  });
}

/** The file with each pass over its slices reported to `progress` as bytes read. */
function countingSlices(source: ImportFile, progress: Progress): ImportFile {
  const slices = source.slices.bind(source);
  return {
    ...source,
    *slices() {
      let read = 0;
      for (const s of slices()) {
        read += s.length;
        progress.update(read);
        yield s;
      }
    },
  };
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

function printSummary(ctx: CliContext, r: ImportResult): void {
  const out = ctx.out;
  const kind = r.synthetic ? 'the SYNTHETIC sample' : r.file;
  out.text(`${r.dry_run ? 'dry run (nothing written): ' : ''}${kind} (${r.format}, ${plural(r.rows_read, 'row')}, sha256 ${r.sha256.slice(0, 12)})`);
  if (r.already_imported_at && r.inserted === 0 && r.replaced === 0) out.text(`already imported on ${r.already_imported_at.slice(0, 10)}, nothing new`);
  out.text(
    `inserted ${r.inserted}, unchanged ${r.unchanged}, replaced ${r.replaced}, conflicts ${r.conflicts.filter((c) => c.action === 'kept').length}, rejected ${r.rejected.length}`,
  );
  if (r.removed_synthetic) out.text(`removed ${plural(r.removed_synthetic, 'synthetic sample draw')}: real data replaces the sample`);
  for (const c of r.corrections) out.text(`corrected contest ${c.contest}: ${c.field} ${c.from} -> ${c.to} (${c.reason})`);
  const range = r.first_contest === null ? 'empty' : `${plural(r.catalog_draws, 'draw')}, contests ${r.first_contest}..${r.last_contest}`;
  out.text(`catalog: ${range}`);
  out.text(r.gaps.length ? `gaps: ${r.gaps.map((g) => (g.from === g.to ? `${g.from}` : `${g.from}-${g.to}`)).join(', ')}` : 'gaps: none');
  list(ctx, 'rejected rows', r.rejected, (x) => `row ${x.row}: ${x.reason}`);
  list(
    ctx,
    r.conflicts.some((c) => c.action === 'replaced') ? 'conflicts (replaced)' : 'conflicts (stored values kept)',
    r.conflicts,
    (c) => `contest ${c.contest}: ${c.fields.map((f) => `${f} ${JSON.stringify(c.stored[f])} -> ${JSON.stringify(c.incoming[f])}`).join(', ')}`,
  );
  if (r.synthetic) out.text('note: these are SYNTHETIC draws for trying luckyfive out; import real results with `luckyfive import FILE`');
}

function list<T>(ctx: CliContext, title: string, items: readonly T[], line: (x: T) => string): void {
  if (!items.length) return;
  ctx.out.text(`${title}:`);
  for (const x of items.slice(0, LIST_LIMIT)) ctx.out.text(`  ${line(x)}`);
  if (items.length > LIST_LIMIT) ctx.out.text(`  (${items.length - LIST_LIMIT} more, use --json)`);
}
