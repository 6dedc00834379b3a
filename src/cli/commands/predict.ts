/** `luckyfive predict`: flags -> the recipe part of a run request -> the predict use case -> tickets. */
import { Option, type Command } from 'commander';
import { type CliContext, addFormatOptions, formatOf, parseIntFlag } from '../context.js';

interface PredictOptions {
  recipe?: string;
  preset?: string;
  seed?: string;
  forContest?: string;
  json?: boolean;
}

export function register(program: Command, ctx: CliContext): void {
  addFormatOptions(
    program
      .command('predict')
      .addOption(new Option('--recipe <file>', 'a recipe file (version 2 or a legacy format)').conflicts('preset'))
      .option('--preset <name>', 'a shipped preset (see `luckyfive recipes list`)')
      .option('--seed <n>', "override the recipe's seed (0..4294967295)")
      .option('--for-contest <n>', 'predict this contest using only the draws before it (default: the next contest)'),
    ['json'],
  ).action(async (opts: PredictOptions) => {
    const format = formatOf(opts);
    const seed = parseIntFlag('seed', opts.seed, 0, 4294967295);
    const forContest = parseIntFlag('for-contest', opts.forContest, 1);
    const { runRequestOfFlags } = await import('../simulate-command.js');
    const request = runRequestOfFlags({ recipe_file: opts.recipe, preset: opts.preset, seed });
    const { ensureDraws } = await import('../ensure-draws.js');
    await ensureDraws(ctx);
    const { predictContest } = await import('../../usecases/predict.js');
    const catalog = await ctx.catalog();
    const { prediction: doc, recipe_name, numbers_per_ticket } = predictContest({ catalog }, { request, cwd: ctx.io.cwd, contest: forContest });
    if (format === 'json') return ctx.out.json(doc);

    const { from, to, count } = doc.history_used;
    ctx.out.text(
      `contest ${doc.contest}: ${doc.tickets.length} tickets from "${recipe_name}" (${doc.strategy}, seed ${doc.seed}), learning from ${count} draws ${from}..${to}${doc.synthetic_data ? ' - SYNTHETIC sample data, not official results' : ''}`,
    );
    // a compact numbered table: one line per ticket, aligned, readable at 25+ tickets
    const width = String(doc.tickets.length).length;
    const numbersWidth = numbers_per_ticket * 3 - 1;
    ctx.out.text(`${'#'.padStart(width)}  ${'numbers'.padEnd(numbersWidth)}  score`);
    doc.tickets.forEach((numbers, i) => {
      ctx.out.text(`${String(i + 1).padStart(width)}  ${numbers.map((n) => String(n).padStart(2, '0')).join(' ')}  ${doc.scores[i]!.toFixed(4)}`);
    });
    ctx.out.text(await oddsReminder(numbers_per_ticket));
  });
}

/** The honest baseline next to any prediction: the exact odds, which no strategy changes. */
async function oddsReminder(k: number): Promise<string> {
  const { choose } = await import('../../core/finance/prices.js');
  const oneIn = choose(80, 5) / choose(k, 5);
  const expected = (5 * k) / 80;
  const fmt = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: x < 1000 ? 2 : 0 });
  return `odds: whatever the strategy, each ${k}-number ticket hits the quina with probability 1 in ${fmt(oneIn)} and is expected to match ${expected} of the 5 numbers drawn.`;
}
