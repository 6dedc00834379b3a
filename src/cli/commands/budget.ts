/** `luckyfive budget create|list|show`: flags -> the budget use cases (`src/usecases/budgets.ts`) -> printed. */
import type { Command } from 'commander';
import type { BudgetJson } from '../../core/finance/books-json.js';
import { isLuckyError, LuckyError } from '../../errors.js';
import { booksDeps, parseMoneyFlag, parseTextFlag } from '../books-flags.js';
import { type CliContext, addFormatOptions, formatOf, parseDateFlag } from '../context.js';
import { formatBRL } from '../output.js';

export function register(program: Command, ctx: CliContext): void {
  const budget = program.command('budget');
  const useCases = () => import('../../usecases/budgets.js');

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
    const input = {
      name,
      amount_cents: parseMoneyFlag('amount', o.amount, { allowZero: false })!,
      from: parseDateFlag('from', o.from)!,
      to: parseDateFlag('to', o.to) ?? null,
      note: parseTextFlag('note', o.note),
    };
    // every refusal before the catalog is opened (or created, on a fresh data dir): the use case checks again
    const { checkBudgetInput } = await import('../../core/finance/budget.js');
    checkBudgetInput(input.name, input.amount_cents, input.from, input.to);
    const { createBudget } = await useCases();
    const view = createBudget(await booksDeps(ctx), input);
    if (formatOf(o) === 'json') return ctx.out.json(view);
    ctx.out.text(
      `created budget ${view.name}: ${formatBRL(view.amount_cents)} from ${view.from_date}${view.to_date ? ` to ${view.to_date}` : ''}; already spent ${formatBRL(view.spent_cents)}, ${view.status}`,
    );
  });

  addFormatOptions(budget.command('list').description('every budget with spent, remaining and status'), ['json', 'csv']).action(
    async (o: { json?: boolean; csv?: boolean }) => {
      const format = formatOf(o);
      const { listBudgets } = await useCases();
      const { budgets: views } = listBudgets(await booksDeps(ctx));
      if (format === 'json') return ctx.out.json({ budgets: views, count: views.length });
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
    },
  );

  addFormatOptions(budget.command('show <name>').description('one budget with spent, remaining and status'), ['json']).action(
    async (name: string, o: { json?: boolean }) => {
      const { showBudget } = await useCases();
      let v: BudgetJson;
      try {
        v = showBudget(await booksDeps(ctx), { name });
      } catch (e) {
        // the hint names a command, so it is the CLI's to add
        if (isLuckyError(e) && e.code === 'E_NOT_FOUND')
          throw new LuckyError(e.code, e.message, [...e.details, 'list them with `luckyfive budget list`'], { cause: e });
        throw e;
      }
      if (formatOf(o) === 'json') return ctx.out.json(v);
      ctx.out.text(`${v.name}: ${windowText(v)}, ${v.status}`);
      ctx.out.text(`amount ${formatBRL(v.amount_cents)}, spent ${formatBRL(v.spent_cents)}, remaining ${formatBRL(v.remaining_cents)}`);
      if (v.note) ctx.out.text(`note: ${v.note}`);
    },
  );
}

function windowText(v: Pick<BudgetJson, 'from_date' | 'to_date'>): string {
  return `${v.from_date} .. ${v.to_date ?? '(open)'}`;
}
