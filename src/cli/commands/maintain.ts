/** `luckyfive maintain [check]|backup|restore|digest`: flags -> the maintenance use cases (`usecases/maintain.ts`) -> a table or JSON. */
import { type Command, Option } from 'commander';
import { readClock } from '../../clock.js';
import { ERROR_TABLE, LuckyError } from '../../errors.js';
import type { FileReport, MaintainDeps, MaintainReport } from '../../usecases/maintain.js';
import { type CliContext, addFormatOptions, formatOf } from '../context.js';
import type { Output } from '../output.js';

interface MaintainFlags {
  vacuum?: boolean;
  only?: 'catalog' | 'runs';
  repair?: boolean;
  json?: boolean;
}

/** The maintenance use cases' deps: the configuration, the time now, warnings to stderr as they happen. */
function maintainDeps(ctx: CliContext): MaintainDeps {
  return { config: ctx.config().values, clock: readClock(), onWarn: (m) => ctx.out.warn(m) };
}

export function register(program: Command, ctx: CliContext): void {
  const maintain = program.command('maintain');

  // The checks are the default subcommand, so `maintain --vacuum --json` works while the flags of
  // `maintain backup DIR --json` still reach `backup` (no flag lives on `maintain` itself).
  addFormatOptions(
    maintain
      .command('check', { isDefault: true })
      .description('(default) integrity and foreign-key checks, ANALYZE, optimize and a WAL checkpoint on every file')
      .option('--vacuum', 'also VACUUM each file not in use by another process (reports bytes before/after)')
      .addOption(new Option('--only <what>', 'catalog or runs').choices(['catalog', 'runs'] as const))
      .option('--repair', 're-register orphan run files; mark runs whose file is missing as failed'),
    ['json'],
  ).action(async (opts: MaintainFlags) => {
    const format = formatOf(opts);
    const { maintainData } = await import('../../usecases/maintain.js');
    const report = maintainData(maintainDeps(ctx), { vacuum: opts.vacuum === true, only: opts.only, repair: opts.repair === true });
    if (format === 'json') ctx.out.json(report);
    else printMaintainReport(ctx.out, report);
    const failed = report.files.filter((f) => f.status === 'failed');
    if (failed.length) {
      ctx.out.error(`${failed.length} file(s) failed their checks: ${failed.map((f) => f.file).join(', ')}`);
      ctx.exitCode = ERROR_TABLE.E_DATA_INVALID.exit;
    }
  });

  addFormatOptions(
    maintain.command('backup <dir>').description('online, consistent backup of the catalog and every run file into DIR/luckyfive-backup-<UTC time>/'),
    ['json'],
  ).action(async (dir: string, opts: { json?: boolean }) => {
    const { backupData } = await import('../../usecases/maintain.js');
    const progress = formatOf(opts) === 'json' ? undefined : await ctx.out.progress('backup', 'files');
    let report;
    try {
      report = await backupData(maintainDeps(ctx), { dest: dir, onProgress: (done, total) => progress?.update(done, total) });
    } finally {
      progress?.stop();
    }
    if (formatOf(opts) === 'json') ctx.out.json(report);
    else {
      ctx.out.text(`backup ${report.dir}: ${report.manifest.files.length} file(s), ${report.bytes} bytes in ${report.duration_ms} ms`);
      for (const x of report.manifest.excluded) ctx.out.text(`  left out ${x.path}: ${x.reason}`);
    }
    if (!report.ok) {
      ctx.out.error('some run files are damaged and were left out of the backup (see `luckyfive maintain`)');
      ctx.exitCode = ERROR_TABLE.E_DATA_INVALID.exit;
    }
  });

  addFormatOptions(
    maintain
      .command('restore [backup]')
      .description('verify a backup folder, set the current data aside and restore it (or --rollback the last restore)')
      .option('--rollback', 'put the data set aside by the last restore back in place'),
    ['json'],
  ).action(async (backup: string | undefined, opts: { rollback?: boolean; json?: boolean }) => {
    const format = formatOf(opts);
    const { restoreData, rollbackData } = await import('../../usecases/maintain.js');
    if (opts.rollback) {
      // BACKUP is an argument, not an option: commander's conflicts() cannot see it
      if (backup !== undefined) throw new LuckyError('E_USAGE', 'give a backup folder or --rollback, not both');
      const r = rollbackData(maintainDeps(ctx));
      if (format === 'json') return ctx.out.json(r);
      return ctx.out.text(`rolled back: the data from ${r.restored_previous} is in place again; the replaced data is in ${r.set_aside}`);
    }
    if (backup === undefined) throw new LuckyError('E_USAGE', 'give the backup folder to restore (a luckyfive-backup-* folder), or --rollback');
    const r = restoreData(maintainDeps(ctx), { backup });
    if (format === 'json') return ctx.out.json(r);
    ctx.out.text(`restored ${r.files} file(s) (${r.bytes} bytes) from ${r.restored_from}, taken ${r.backup_created_at}`);
    ctx.out.text(`the previous data is in ${r.previous} (undo with \`luckyfive maintain restore --rollback\`)`);
    if (r.interrupted_runs.length)
      ctx.out.warn(
        `${r.interrupted_runs.length} run(s) were mid-simulate in the backup and are now cancelled; finish them with \`luckyfive simulate --resume <run_id>\`: ${r.interrupted_runs.join(', ')}`,
      );
  });

  addFormatOptions(maintain.command('digest').description('per-table row counts and SHA-256 of the data (compare two data dirs, e.g. after a restore)'), [
    'json',
  ]).action(async (opts: { json?: boolean }) => {
    const { digestData } = await import('../../usecases/maintain.js');
    const d = digestData({ config: ctx.config().values });
    if (formatOf(opts) === 'json') return ctx.out.json(d);
    ctx.out.table(
      ['file', 'table', 'rows', 'sha256'],
      d.files.flatMap((f) => Object.entries(f.tables).map(([t, v]) => [f.file, t, v.rows, v.sha256.slice(0, 16)])),
      { align: ['left', 'left', 'right', 'left'] },
    );
    ctx.out.text(`digest ${d.sha256}`);
  });
}

function printMaintainReport(out: Output, r: MaintainReport): void {
  const problems = (f: FileReport) =>
    f.error ??
    f.note ??
    (Array.isArray(f.checks.integrity)
      ? f.checks.integrity[0]
      : Array.isArray(f.checks.foreign_keys)
        ? `${f.checks.foreign_keys.length} foreign key problem(s)`
        : '');
  out.table(
    ['file', 'status', 'integrity', 'foreign keys', 'checkpoint', 'bytes before', 'bytes after', 'ms', 'note'],
    r.files.map((f) => [
      f.file,
      f.status,
      f.checks.integrity === null ? '-' : f.checks.integrity === 'ok' ? 'ok' : 'PROBLEMS',
      f.checks.foreign_keys === null ? '-' : f.checks.foreign_keys === 'ok' ? 'ok' : 'PROBLEMS',
      f.steps.checkpoint,
      f.bytes_before,
      f.bytes_after,
      f.duration_ms,
      problems(f),
    ]),
    // narrow: file, status, the two checks and the note stay
    { align: ['left', 'left', 'left', 'left', 'left', 'right', 'right', 'right', 'left'], drop: [5, 6, 7, 4] },
  );
  const o = r.orphans;
  if (!o) out.warn('orphans not checked: the catalog could not be read');
  else {
    for (const f of o.files_without_row) out.warn(`orphan file ${f.file}: no catalog row (\`luckyfive maintain --repair\` re-registers it)`);
    for (const row of o.rows_without_file) out.warn(`run ${row.run_id} (${row.status}): its file is missing (\`--repair\` marks it failed)`);
    for (const x of o.interrupted_runs)
      out.warn(
        `run ${x.run_id} is interrupted: its process (${x.owner ?? 'unknown'}) is gone (\`--repair\` marks it cancelled; \`luckyfive simulate --resume ${x.run_id}\` finishes it)`,
      );
    for (const u of o.unknown_files) out.warn(`unexpected file ${u} in runs/ (left alone)`);
    for (const x of o.repaired) out.info(`repair ${x.run_id}: ${x.action}${x.error ? ` (${x.error})` : ''}`);
  }
  out.info(`${r.files.length} file(s) in ${r.duration_ms} ms: ${r.ok ? 'all healthy' : 'PROBLEMS FOUND'}`);
}
