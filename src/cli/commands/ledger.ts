/** `luckyfive ledger ...`: flags -> the ledger use cases (`src/usecases/ledger.ts`) -> printed. */
import { type Command, Option } from 'commander';
import { describeDifference } from '../../core/finance/books-check.js';
import { ENTRY_TYPES, type EntryType, tierName } from '../../core/finance/ledger.js';
import { GROUP_BYS, type GroupBy } from '../../core/finance/report.js';
import { ERROR_TABLE, LuckyError } from '../../errors.js';
import type { LedgerFilter } from '../../usecases/ledger.js';
import { booksDeps, parseContestFlag, parseIdFlag, parseMoneyFlag, parseTextFlag } from '../books-flags.js';
import { type CliContext, addFormatOptions, formatOf, parseDateFlag, parseIntFlag } from '../context.js';
import { ENTRY_CSV_HEAD, entryCsvRow, printEntries, printReport, REPORT_CSV_HEAD, reportCsvRow } from '../ledger-view.js';
import { printRecorded, registerLedgerAdd } from './ledger-add.js';
import { formatBRL } from '../output.js';

type Json = { json?: boolean };

export function register(program: Command, ctx: CliContext): void {
  const ledger = program.command('ledger');
  registerLedgerAdd(ledger, ctx);
  const useCases = () => import('../../usecases/ledger.js');

  addFormatOptions(
    ledger
      .command('reverse <id>')
      .description('cancel an entry by appending its reversal (nothing is ever edited or deleted)')
      .requiredOption('--reason <text>', 'why the entry is wrong')
      .option('--date <date>', 'date of the reversal (default today)'),
    ['json'],
  ).action(async (idArg: string, o: { reason: string; date?: string } & Json) => {
    const id = parseIntFlag('id', idArg, 1)!;
    const reason = parseTextFlag('reason', o.reason)!;
    const date = parseDateFlag('date', o.date);
    const { reverseLedgerEntry } = await useCases();
    const r = reverseLedgerEntry(await booksDeps(ctx), { id, reason, date });
    if (r.unreversed_settlements.length) {
      ctx.out.warn(`bet ${id} has settled prize entries ${r.unreversed_settlements.map((s) => `#${s}`).join(', ')}; reverse them too if they were not won`);
    }
    printRecorded(ctx, r, formatOf(o) === 'json');
  });

  addFormatOptions(
    ledger
      .command('settle')
      .description("record the prizes won by a contest's bets recorded with their tickets (idempotent)")
      .requiredOption('--contest <n>', 'contest number'),
    ['json'],
  ).action(async (o: { contest: string } & Json) => {
    const contest = parseContestFlag('contest', o.contest)!;
    const { settleLedgerContest } = await useCases();
    const r = settleLedgerContest(await booksDeps(ctx), { contest });
    if (formatOf(o) === 'json') return ctx.out.json(r);
    const added = r.lines.filter((l) => l.status === 'recorded');
    ctx.out.text(
      `contest ${r.contest} (${r.draw_date}), payout rule ${r.payout_rule}: ${r.bets} bet(s) with tickets, ${added.length} prize entr${added.length === 1 ? 'y' : 'ies'} recorded (${formatBRL(r.recorded_cents)}), ${r.lines.length - added.length} already recorded`,
    );
    if (r.bets_without_tickets)
      ctx.out.warn(
        `${r.bets_without_tickets} bet(s) of contest ${contest} were recorded without tickets and cannot be settled: record their prizes with \`ledger add prize\``,
      );
    if (r.lines.length) {
      ctx.out.table(
        ['entry', 'bet', 'tier', 'combinations', 'each', 'amount', 'source', 'status'],
        r.lines.map((l) => [
          l.entry_id,
          l.bet_id,
          tierName(l.tier),
          l.combinations,
          formatBRL(l.prize_per_combination_cents),
          formatBRL(l.amount_cents),
          l.source,
          l.status,
        ]),
      );
    }
  });

  addFormatOptions(
    ledger
      .command('assert')
      .description('record a balance assertion: the balance of all entries dated on or before DATE (refused when it fails now, unless --force)')
      .requiredOption('--balance <amount>', 'expected balance (may be negative)')
      .requiredOption('--date <date>', 'YYYY-MM-DD')
      .option('--force', 'record it even though it does not hold now (`ledger check` fails until it does)')
      .option('--note <text>', 'free note'),
    ['json'],
  ).action(async (o: { balance: string; date: string; note?: string; force?: boolean } & Json) => {
    const balance = parseMoneyFlag('balance', o.balance, { allowNegative: true })!;
    const date = parseDateFlag('date', o.date)!;
    const note = parseTextFlag('note', o.note);
    const { assertLedgerBalance } = await useCases();
    const r = assertLedgerBalance(await booksDeps(ctx), { date, balance_cents: balance, note, force: o.force === true });
    if (formatOf(o) === 'json') return ctx.out.json(r);
    ctx.out.text(`assertion ${r.assertion.id}: balance on ${date} = ${formatBRL(balance)}`);
    if (!r.holds)
      ctx.out.warn(
        `it does not hold now: ${describeDifference(balance, r.actual_cents)} (\`ledger check\` will fail until it does, or until \`ledger retract ${r.assertion.id}\`)`,
      );
  });

  addFormatOptions(
    ledger
      .command('retract <assertion_id>')
      .description('withdraw a balance assertion by appending a retraction (nothing is edited or deleted)')
      .requiredOption('--reason <text>', 'why the assertion is withdrawn'),
    ['json'],
  ).action(async (idArg: string, o: { reason: string } & Json) => {
    const id = parseIntFlag('assertion_id', idArg, 1)!;
    const reason = parseTextFlag('reason', o.reason)!;
    const { retractLedgerAssertion } = await useCases();
    const r = retractLedgerAssertion(await booksDeps(ctx), { id, reason });
    if (formatOf(o) === 'json') return ctx.out.json(r);
    const a = r.assertion;
    ctx.out.text(`assertion ${a.id} (balance on ${a.assert_date} = ${formatBRL(a.balance_cents)}) retracted`);
  });

  addFormatOptions(
    ledger
      .command('rotate-key')
      .description('re-seal the books under a new books key, after verifying them with the old one')
      .option('--old-key-file <file>', 'the old key, when the new one is already configured (LUCKYFIVE_BOOKS_KEY or books_key_file)'),
    ['json'],
  ).action(async (o: { oldKeyFile?: string } & Json) => {
    const config = ctx.config().values;
    const { rotateLedgerKey } = await useCases();
    const r = rotateLedgerKey({ ...(await booksDeps(ctx)), config }, { old_key_file: o.oldKeyFile });
    if (formatOf(o) === 'json') return ctx.out.json(r);
    ctx.out.text(
      `books re-sealed under key ${r.new_key_id} (was ${r.old_key_id})${r.key_file ? `; the new key is in ${r.key_file}, the old one kept as ${r.previous_key_file}` : ''}`,
    );
  });

  addFormatOptions(
    ledger.command('check').description('verify the hash chain, reversals, signs and balance assertions; silent and exit 0 when sound, exit 4 otherwise'),
    ['json'],
  ).action(async (o: Json) => {
    const { recordLedgerCheck } = await useCases();
    const r = recordLedgerCheck(await booksDeps(ctx), { onWarn: (m) => ctx.out.warn(m) });
    if (formatOf(o) === 'json') {
      ctx.out.json(r);
      if (!r.sound) ctx.exitCode = ERROR_TABLE.E_BOOKS_UNSOUND.exit;
      return;
    }
    const n = r.problems.length;
    if (n)
      throw new LuckyError(
        'E_BOOKS_UNSOUND',
        `the books are not sound: ${n} problem${n === 1 ? '' : 's'}`,
        r.problems.map((p) => p.message),
      );
  });

  addFormatOptions(withFilters(ledger.command('list').description('list entries (oldest first)')).option('--limit <n>', 'at most this many entries'), [
    'json',
    'ndjson',
    'csv',
  ]).action(async (o: Filters & { limit?: string; json?: boolean; ndjson?: boolean; csv?: boolean }) => {
    const format = formatOf(o);
    const { listLedgerEntries } = await useCases();
    const { entries } = listLedgerEntries(await booksDeps(ctx), { ...parseFilters(o), limit: parseIntFlag('limit', o.limit, 1) });
    if (format === 'json') return ctx.out.json({ entries, count: entries.length });
    if (format === 'ndjson') return entries.forEach((e) => ctx.out.ndjson(e));
    if (format === 'csv') return ctx.out.csv(ENTRY_CSV_HEAD, entries.map(entryCsvRow));
    if (entries.length === 0) return ctx.out.info('no entries');
    printEntries(ctx.out, entries);
  });

  addFormatOptions(
    withFilters(
      ledger.command('report').description('invested, won, net and ROI per group, per-tier wins and cumulative profit (reversals netted out)'),
    ).addOption(new Option('--group-by <key>', 'how to group the entries').choices(GROUP_BYS).default('month')),
    ['json', 'csv'],
  ).action(async (o: Filters & { groupBy: GroupBy; json?: boolean; csv?: boolean }) => {
    const format = formatOf(o);
    const { reportLedger } = await useCases();
    const report = reportLedger(await booksDeps(ctx), { ...parseFilters(o), group_by: o.groupBy });
    if (format === 'json') return ctx.out.json(report);
    if (format === 'csv') return ctx.out.csv(REPORT_CSV_HEAD, [...report.rows, report.total].map(reportCsvRow));
    if (report.rows.length === 0) return ctx.out.info('no entries');
    printReport(ctx.out, report);
  });

  addFormatOptions(
    ledger
      .command('balance')
      .description('the balance of all entries dated on or before --date (default: today, so future-dated entries are not counted)')
      .option('--date <date>', 'YYYY-MM-DD (default today)'),
    ['json'],
  ).action(async (o: { date?: string } & Json) => {
    const given = parseDateFlag('date', o.date);
    const { showLedgerBalance } = await useCases();
    const r = showLedgerBalance(await booksDeps(ctx), { date: given });
    if (formatOf(o) === 'json') return ctx.out.json(r);
    ctx.out.text(`${formatBRL(r.balance_cents)} on ${r.date}${given ? '' : ' (as of today: entries dated later are not counted)'}`);
  });
}

interface Filters {
  type?: EntryType;
  from?: string;
  to?: string;
  since?: string;
  until?: string;
  run?: string;
}

function withFilters(cmd: Command): Command {
  return cmd
    .addOption(new Option('--type <type>', 'only entries of this type').choices(ENTRY_TYPES))
    .option('--from <contest>', 'first contest')
    .option('--to <contest>', 'last contest')
    .option('--since <date>', 'first entry date (YYYY-MM-DD)')
    .option('--until <date>', 'last entry date (YYYY-MM-DD)')
    .option('--run <run_id>', 'only entries linked to this run');
}

function parseFilters(o: Filters): LedgerFilter {
  return {
    type: o.type,
    from_contest: parseIntFlag('from', o.from, 1),
    to_contest: parseIntFlag('to', o.to, 1),
    since: parseDateFlag('since', o.since),
    until: parseDateFlag('until', o.until),
    run_id: parseIdFlag('run', o.run),
  };
}
