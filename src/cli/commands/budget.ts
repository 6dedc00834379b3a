import type { Command } from 'commander';
import { budgetJson } from '../../core/finance/books-json.js';
import type { BudgetView } from '../../core/finance/budget.js';
import { LuckyError } from '../../errors.js';
import { parseMoneyFlag, parseTextFlag } from '../books-flags.js';
import { readClock } from '../../clock.js';
import { type CliContext, addFormatOptions, formatOf, parseDateFlag } from '../context.js';
import { formatBRL } from '../output.js';

export function register(program: Command, ctx: CliContext): void {
  const budget = program.command('budget');

  addFormatOptions(
    budget
      .command('create <name>')
      .description('create a budget: bets dated in [--from, --to] may cost at most --amount')
      .requiredOption('--amount <amount>', 'how much may be spent, e.g. 500 or 1.234,56')
      .requiredOption('--from <date>', 'first day (YYYY-MM-DD)')
      .option('--to <date>', 'last day, inclusive (default: open-ended)')
      .option('--note <text>', 'free note'),
    ['json'],
  ).action(async (name: string, o: { amount: string; from: string; to?: string; note?: string; json?: boolean }) => {
    const { checkBudgetInput, buildBudgetView } = await import('../../core/finance/budget.js');
    const amount = parseMoneyFlag('amount', o.amount, { allowZero: false })!;
    const from = parseDateFlag('from', o.from)!;
    const to = parseDateFlag('to', o.to) ?? null;
    checkBudgetInput(name, amount, from, to);
    const clock = readClock();
    const { createBudget, readBetSpend } = await import('../../store/budgets-repo.js');
    const db = (await ctx.catalog()).db;
    const b = createBudget(db, { name, amount_cents: amount, from_date: from, to_date: to, note: parseTextFlag('note', o.note) ?? null, created_at: clock.now });
    const view = buildBudgetView(b, readBetSpend(db, from, to), clock.today);
    if (formatOf(o) === 'json') return ctx.out.json(budgetJson(view));
    ctx.out.text(`created budget ${view.name}: ${formatBRL(view.amount_cents)} from ${view.from_date}${view.to_date ? ` to ${view.to_date}` : ''}; already spent ${formatBRL(view.spent_cents)}, ${view.status}`);
  });

  addFormatOptions(budget.command('list').description('every budget with spent, remaining and status'), ['json', 'csv']).action(async (o: { json?: boolean; csv?: boolean }) => {
    const format = formatOf(o);
    const { readBudgetViews } = await import('../../store/budgets-repo.js');
    const views = readBudgetViews((await ctx.catalog()).db, readClock().today);
    if (format === 'json') return ctx.out.json({ budgets: views.map(budgetJson), count: views.length });
    if (format === 'csv') {
      return ctx.out.csv(
        ['name', 'amount_cents', 'from_date', 'to_date', 'spent_cents', 'remaining_cents', 'status', 'note'],
        views.map((v) => [v.name, v.amount_cents, v.from_date, v.to_date, v.spent_cents, v.remaining_cents, v.status, v.note]),
      );
    }
    if (views.length === 0) return ctx.out.info('no budgets: create one with `luckyfive budget create NAME --amount 500 --from DATE`');
    ctx.out.table(
      ['name', 'window', 'amount', 'spent', 'remaining', 'status'],
      views.map((v) => [v.name, windowText(v), formatBRL(v.amount_cents), formatBRL(v.spent_cents), formatBRL(v.remaining_cents), v.status]),
      { align: ['left', 'left', 'right', 'right', 'right', 'left'] },
    );
  });

  addFormatOptions(budget.command('show <name>').description('one budget with spent, remaining and status'), ['json']).action(async (name: string, o: { json?: boolean }) => {
    const { readBudget, readBetSpend } = await import('../../store/budgets-repo.js');
    const { buildBudgetView } = await import('../../core/finance/budget.js');
    const db = (await ctx.catalog()).db;
    const b = readBudget(db, name);
    if (!b) throw new LuckyError('E_NOT_FOUND', `no budget named "${name}"`, ['list them with `luckyfive budget list`']);
    const v = buildBudgetView(b, readBetSpend(db, b.from_date, b.to_date), readClock().today);
    if (formatOf(o) === 'json') return ctx.out.json(budgetJson(v));
    ctx.out.text(`${v.name}: ${windowText(v)}, ${v.status}`);
    ctx.out.text(`amount ${formatBRL(v.amount_cents)}, spent ${formatBRL(v.spent_cents)}, remaining ${formatBRL(v.remaining_cents)}`);
    if (v.note) ctx.out.text(`note: ${v.note}`);
  });
}

function windowText(v: BudgetView): string {
  return `${v.from_date} .. ${v.to_date ?? '(open)'}`;
}
