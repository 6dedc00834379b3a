import type { Command } from 'commander';
import { PAYOUT_RULES, isPayoutRule } from '../../core/finance/prizes.js';
import { LuckyError } from '../../errors.js';
import { parseMoneyFlag, parseTextFlag } from '../books-flags.js';
import { readClock } from '../../clock.js';
import { type CliContext, addFormatOptions, formatOf, parseDateFlag, parseIntFlag } from '../context.js';
import { formatBRL, formatMoney } from '../output.js';
import { registerFinanceAnalysis } from './finance-analysis.js';

type Json = { json?: boolean };

export function register(program: Command, ctx: CliContext): void {
  const finance = program.command('finance');
  const prices = finance.command('prices').description('the base price of a 5-number bet over time (editable, every change audited)');

  addFormatOptions(prices.command('list').description('price periods with their first imported contest'), ['json', 'csv']).action(async (o: Json & { csv?: boolean }) => {
    const format = formatOf(o);
    const { readPriceRows } = await import('../../store/prices-repo.js');
    const rows = readPriceRows((await ctx.catalog()).db);
    if (format === 'json') return ctx.out.json({ prices: rows });
    if (format === 'csv') return ctx.out.csv(['from', 'to', 'price_cents', 'first_contest', 'note'], rows.map((r) => [r.from, r.to, r.price_cents, r.first_contest, r.note]));
    ctx.out.table(
      ['from', 'to', 'price', 'first contest', 'note'],
      rows.map((r) => [r.from, r.to ?? '(current)', formatBRL(r.price_cents), r.first_contest ?? '-', r.note ?? '']),
      { align: ['left', 'left', 'right', 'right', 'left'] },
    );
  });

  addFormatOptions(
    prices
      .command('set')
      .description('add a price period, or change the price of the period starting on exactly that date')
      .requiredOption('--from <date>', 'first day of the price (YYYY-MM-DD)')
      .requiredOption('--price <amount>', 'base price of a 5-number bet, e.g. 3.00')
      .option('--note <text>', 'source or reason'),
    ['json'],
  ).action(async (o: Json & { from: string; price: string; note?: string }) => {
    const from = parseDateFlag('from', o.from)!;
    const price = parseMoneyFlag('price', o.price, { allowZero: false })!;
    const note = parseTextFlag('note', o.note) ?? null;
    const { writePrice } = await import('../../store/prices-repo.js');
    const change = writePrice((await ctx.catalog()).db, from, price, note, readClock().now);
    if (formatOf(o) === 'json') return ctx.out.json({ change });
    ctx.out.text(
      change.old_price_cents === null
        ? `added price ${formatBRL(price)} from ${from}`
        : `price from ${from}: ${formatBRL(change.old_price_cents)} -> ${formatBRL(price)}`,
    );
  });

  addFormatOptions(prices.command('history').description('every change to the price table, oldest first (append-only audit)'), ['json']).action(async (o: Json) => {
    const { readPriceChanges } = await import('../../store/prices-repo.js');
    const changes = readPriceChanges((await ctx.catalog()).db);
    if (formatOf(o) === 'json') return ctx.out.json({ changes });
    ctx.out.table(
      ['#', 'changed at', 'from', 'old', 'new', 'note'],
      changes.map((c) => [c.id, c.changed_at, c.from_date, c.old_price_cents === null ? '-' : formatBRL(c.old_price_cents), formatBRL(c.new_price_cents), c.note ?? '']),
    );
  });

  addFormatOptions(finance.command('prizes <contest>').description('per-tier winners and net prize per winning ticket, estimates marked'), ['json']).action(
    async (contestArg: string, o: Json) => {
      const contest = parseIntFlag('contest', contestArg, 1, 1_000_000)!;
      const { getDraw, readDrawBounds } = await import('../../store/draws-repo.js');
      const { buildPrizeTable } = await import('../../core/finance/prize-table.js');
      const { readPayoutRule, readBasePriceOn, readContestPrice } = await import('../../store/prices-repo.js');
      const db = (await ctx.catalog()).db;
      const draw = getDraw(db, contest);
      if (!draw && contest <= (readDrawBounds(db).last_contest ?? 0)) {
        throw new LuckyError('E_NOT_FOUND', `contest ${contest} is not imported (a gap in the catalog)`);
      }
      const table = buildPrizeTable(contest, draw ?? null);
      const priceDate = table.date ?? readClock().today;
      const doc = { ...table, payout_rule: readPayoutRule(db), base_price_cents: table.date !== null ? readContestPrice(db, table.date) : readBasePriceOn(db, priceDate), price_date: priceDate };
      if (formatOf(o) === 'json') return ctx.out.json(doc);
      ctx.out.text(
        `contest ${contest}  ${table.date ?? '(not drawn yet: every prize is an estimate)'}  base price ${table.in_money_era ? formatBRL(doc.base_price_cents) : '- (before the Real)'}  payout rule ${doc.payout_rule}`,
      );
      if (!table.in_money_era) ctx.out.text('Cruzeiro Real contest: its money is not comparable and is excluded from every money figure');
      ctx.out.table(
        ['tier', 'hits', 'winners', 'published', 'prize per winning ticket', 'source'],
        table.tiers.map((t) => [
          t.tier,
          t.hits,
          t.winners ?? '-',
          t.published_prize_cents === null ? '-' : formatMoney(t.published_prize_cents, table.currency),
          t.pays ? `${formatMoney(t.prize_cents, table.currency)}${t.estimated ? ' (estimate)' : ''}` : 'not paid',
          t.source,
        ]),
        { align: ['left', 'right', 'right', 'right', 'right', 'left'] },
      );
      for (const [source, rule] of Object.entries(table.rules)) if (source !== 'published') ctx.out.text(`${source}: ${rule}`);
    },
  );

  addFormatOptions(
    finance
      .command('payout-rule [rule]')
      .description(`show or set how a k>5 ticket is paid: ${PAYOUT_RULES.join('|')}`),
    ['json'],
  ).action(async (rule: string | undefined, o: Json) => {
    const { readPayoutRule, writePayoutRule } = await import('../../store/prices-repo.js');
    const db = (await ctx.catalog()).db;
    if (rule !== undefined) {
      if (!isPayoutRule(rule)) throw new LuckyError('E_USAGE', `the payout rule is one of ${PAYOUT_RULES.join(', ')}, got "${rule}"`);
      writePayoutRule(db, rule);
    }
    const current = readPayoutRule(db);
    if (formatOf(o) === 'json') return ctx.out.json({ payout_rule: current });
    ctx.out.text(current);
  });

  registerFinanceAnalysis(finance, ctx);
}
