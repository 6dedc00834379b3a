/** `luckyfive finance ...`: flags -> the finance use cases (`src/usecases/finance.ts`) -> printed. */
import { Argument, type Command } from 'commander';
import { PAYOUT_RULES, type PayoutRule } from '../../core/finance/prizes.js';
import { booksDeps, parseContestFlag, parseMoneyFlag, parseTextFlag } from '../books-flags.js';
import { type CliContext, addFormatOptions, formatOf, parseDateFlag } from '../context.js';
import { formatBRL, formatMoney } from '../output.js';
import { registerFinanceAnalysis } from './finance-analysis.js';

type Json = { json?: boolean };

export function register(program: Command, ctx: CliContext): void {
  const finance = program.command('finance');
  const useCases = () => import('../../usecases/finance.js');
  const prices = finance.command('prices').description('the base price of a 5-number bet over time (editable, every change audited)');

  addFormatOptions(prices.command('list').description('price periods with their first imported contest'), ['json', 'csv']).action(
    async (o: Json & { csv?: boolean }) => {
      const format = formatOf(o);
      const { listPrices } = await useCases();
      const doc = listPrices(await booksDeps(ctx));
      if (format === 'json') return ctx.out.json(doc);
      const rows = doc.prices;
      if (format === 'csv')
        return ctx.out.csv(
          ['from', 'to', 'price_cents', 'first_contest', 'note'],
          rows.map((r) => [r.from, r.to, r.price_cents, r.first_contest, r.note]),
        );
      ctx.out.table(
        ['from', 'to', 'price', 'first contest', 'note'],
        rows.map((r) => [r.from, r.to ?? '(current)', formatBRL(r.price_cents), r.first_contest ?? '-', r.note ?? '']),
        { align: ['left', 'left', 'right', 'right', 'left'] },
      );
    },
  );

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
    const note = parseTextFlag('note', o.note);
    const { setPrice } = await useCases();
    const doc = setPrice(await booksDeps(ctx), { from, price_cents: price, note });
    if (formatOf(o) === 'json') return ctx.out.json(doc);
    const { change } = doc;
    ctx.out.text(
      change.old_price_cents === null
        ? `added price ${formatBRL(price)} from ${from}`
        : `price from ${from}: ${formatBRL(change.old_price_cents)} -> ${formatBRL(price)}`,
    );
  });

  addFormatOptions(prices.command('history').description('every change to the price table, oldest first (append-only audit)'), ['json']).action(
    async (o: Json) => {
      const { listPriceChanges } = await useCases();
      const doc = listPriceChanges(await booksDeps(ctx));
      if (formatOf(o) === 'json') return ctx.out.json(doc);
      ctx.out.table(
        ['#', 'changed at', 'from', 'old', 'new', 'note'],
        doc.changes.map((c) => [
          c.id,
          c.changed_at,
          c.from_date,
          c.old_price_cents === null ? '-' : formatBRL(c.old_price_cents),
          formatBRL(c.new_price_cents),
          c.note ?? '',
        ]),
      );
    },
  );

  addFormatOptions(finance.command('prizes <contest>').description('per-tier winners and net prize per winning ticket, estimates marked'), ['json']).action(
    async (contestArg: string, o: Json) => {
      const contest = parseContestFlag('contest', contestArg)!;
      const { showPrizeTable } = await useCases();
      const doc = showPrizeTable(await booksDeps(ctx), { contest });
      if (formatOf(o) === 'json') return ctx.out.json(doc);
      ctx.out.text(
        `contest ${contest}  ${doc.date ?? '(not drawn yet: every prize is an estimate)'}  base price ${doc.in_money_era ? formatBRL(doc.base_price_cents) : '- (before the Real)'}  payout rule ${doc.payout_rule}`,
      );
      if (!doc.in_money_era) ctx.out.text('Cruzeiro Real contest: its money is not comparable and is excluded from every money figure');
      ctx.out.table(
        ['tier', 'hits', 'winners', 'published', 'prize per winning ticket', 'source'],
        doc.tiers.map((t) => [
          t.tier,
          t.hits,
          t.winners ?? '-',
          t.published_prize_cents === null ? '-' : formatMoney(t.published_prize_cents, doc.currency),
          t.pays ? `${formatMoney(t.prize_cents, doc.currency)}${t.estimated ? ' (estimate)' : ''}` : 'not paid',
          t.source,
        ]),
        { align: ['left', 'right', 'right', 'right', 'right', 'left'] },
      );
      for (const [source, rule] of Object.entries(doc.rules)) if (source !== 'published') ctx.out.text(`${source}: ${rule}`);
    },
  );

  addFormatOptions(
    finance
      .command('payout-rule')
      .description(`show or set how a k>5 ticket is paid: ${PAYOUT_RULES.join('|')}`)
      .addArgument(new Argument('[rule]', 'the rule to set').choices(PAYOUT_RULES)),
    ['json'],
  ).action(async (rule: PayoutRule | undefined, o: Json) => {
    const { setPayoutRule, showPayoutRule } = await useCases();
    const deps = await booksDeps(ctx);
    const doc = rule === undefined ? showPayoutRule(deps) : setPayoutRule(deps, { rule });
    if (formatOf(o) === 'json') return ctx.out.json(doc);
    ctx.out.text(doc.payout_rule);
  });

  registerFinanceAnalysis(finance, ctx);
}
