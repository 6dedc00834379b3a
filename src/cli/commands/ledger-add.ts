/** `luckyfive ledger add bet|prize|deposit|withdrawal|adjustment`: flags -> `recordLedgerEntry` -> printed. */
import { type Command, Option } from 'commander';
import type { EntryJson } from '../../core/finance/books-json.js';
import { TIER_NAMES, type TierName } from '../../core/finance/ledger.js';
import type { NewEntryInput } from '../../usecases/ledger.js';
import { booksDeps, parseContestFlag, parseIdFlag, parseMoneyFlag, parseTextFlag, readTicketsFile } from '../books-flags.js';
import { type CliContext, addFormatOptions, formatOf, parseDateFlag, parseIntFlag } from '../context.js';
import { describeEntry } from '../ledger-view.js';
import { formatBRL } from '../output.js';

type Json = { json?: boolean };

/** `ledger add bet|prize|deposit|withdrawal|adjustment` (part of the `ledger` command). */
export function registerLedgerAdd(ledger: Command, ctx: CliContext): void {
  const add = ledger.command('add').description('record a bet, prize, deposit, withdrawal or adjustment');

  addFormatOptions(
    add
      .command('bet')
      .description('record a real bet; cost auto = price on the contest date x C(k,5) x tickets')
      .requiredOption('--contest <n>', 'contest number')
      .option('--tickets <n>', 'how many tickets (default: the count in --tickets-file)')
      .option('--numbers <k>', 'numbers per ticket, 5..15 (default 5, or the size in --tickets-file)')
      .option('--cost <auto|amount>', 'total cost of the entry, or auto from the price table', 'auto')
      .option('--date <date>', 'booking date (default: the draw date, or today for a contest not drawn yet)')
      .option('--run <run_id>', 'the simulated run these tickets came from')
      .option('--tickets-file <file>', 'JSON array of the actual tickets (needed for `ledger settle`)')
      .option('--key <key>', 'idempotency key: the same key records one entry only')
      .option('--over-budget', 'record even if it overspends a budget')
      .option('--note <text>', 'free note'),
    ['json'],
  ).action(
    async (
      o: {
        contest: string;
        tickets?: string;
        numbers?: string;
        cost: string;
        date?: string;
        run?: string;
        ticketsFile?: string;
        key?: string;
        overBudget?: boolean;
        note?: string;
      } & Json,
    ) => {
      const input: NewEntryInput = {
        type: 'bet',
        contest: parseContestFlag('contest', o.contest)!,
        tickets: parseIntFlag('tickets', o.tickets, 1, 100_000),
        numbers: parseIntFlag('numbers', o.numbers, 5, 15),
        cost_cents: o.cost.trim().toLowerCase() === 'auto' ? undefined : parseMoneyFlag('cost', o.cost, { allowZero: false }),
        date: parseDateFlag('date', o.date),
        run_id: parseIdFlag('run', o.run),
        key: parseIdFlag('key', o.key),
        note: parseTextFlag('note', o.note),
        ticket_list: o.ticketsFile === undefined ? undefined : readTicketsFile(o.ticketsFile),
        over_budget: o.overBudget === true,
      };
      const { run_known, ...doc } = await record(ctx, input);
      if (run_known === false) ctx.out.warn(`run ${input.run_id} is not in the catalog's run index (recorded anyway; \`finance roi\` will not list it)`);
      const price = doc.base_price_cents != null ? `; price ${formatBRL(doc.base_price_cents)} on ${doc.price_date}` : '';
      printRecorded(ctx, doc, formatOf(o) === 'json', price);
    },
  );

  addFormatOptions(
    add
      .command('prize')
      .description('record a prize received')
      .requiredOption('--contest <n>', 'contest number')
      .addOption(new Option('--tier <tier>', 'prize tier').choices(TIER_NAMES).makeOptionMandatory())
      .requiredOption('--amount <amount>', 'amount received, e.g. 123.45 or 123,45')
      .option('--tickets <n>', 'winning tickets (combinations) this amount covers')
      .option('--date <date>', 'date received (default: the draw date, or today)')
      .option('--run <run_id>', 'the simulated run the winning ticket came from')
      .option('--key <key>', 'idempotency key')
      .option('--note <text>', 'free note'),
    ['json'],
  ).action(
    async (o: { contest: string; tier: TierName; amount: string; tickets?: string; date?: string; run?: string; key?: string; note?: string } & Json) => {
      const input: NewEntryInput = {
        type: 'prize',
        contest: parseContestFlag('contest', o.contest)!,
        tier: o.tier,
        amount_cents: parseMoneyFlag('amount', o.amount, { allowZero: false })!,
        tickets: parseIntFlag('tickets', o.tickets, 1, 1_000_000),
        date: parseDateFlag('date', o.date),
        run_id: parseIdFlag('run', o.run),
        key: parseIdFlag('key', o.key),
        note: parseTextFlag('note', o.note),
      };
      printRecorded(ctx, await record(ctx, input), formatOf(o) === 'json');
    },
  );

  for (const type of ['deposit', 'withdrawal', 'adjustment'] as const) {
    addFormatOptions(
      add
        .command(type)
        .description(type === 'adjustment' ? 'record a correction of the balance (may be negative)' : `record a ${type} of cash`)
        .requiredOption('--amount <amount>', type === 'adjustment' ? 'signed amount, e.g. -5.00' : 'amount, e.g. 100 or 1.234,56')
        .option('--date <date>', 'date (default today)')
        .option('--key <key>', 'idempotency key')
        .option('--note <text>', 'free note'),
      ['json'],
    ).action(async (o: { amount: string; date?: string; key?: string; note?: string } & Json) => {
      const input: NewEntryInput = {
        type,
        amount_cents: parseMoneyFlag('amount', o.amount, { allowNegative: type === 'adjustment', allowZero: false })!,
        date: parseDateFlag('date', o.date),
        key: parseIdFlag('key', o.key),
        note: parseTextFlag('note', o.note),
      };
      printRecorded(ctx, await record(ctx, input), formatOf(o) === 'json');
    });
  }
}

async function record(ctx: CliContext, input: NewEntryInput) {
  const { recordLedgerEntry } = await import('../../usecases/ledger.js');
  return recordLedgerEntry(await booksDeps(ctx), input);
}

/** Prints a recorded (or already recorded) entry: one line, or the use case's document with --json. */
export function printRecorded(ctx: CliContext, doc: { status: 'recorded' | 'already_recorded'; entry: EntryJson }, json: boolean, suffix = ''): void {
  if (json) return ctx.out.json(doc);
  ctx.out.text(`${doc.status === 'recorded' ? 'recorded' : 'already recorded'}: ${describeEntry(doc.entry)}${suffix}`);
}
