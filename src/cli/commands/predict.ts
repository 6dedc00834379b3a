import { resolve } from 'node:path';
import type { Command } from 'commander';
import { LuckyError } from '../../errors.js';
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
      .option('--recipe <file>', 'a recipe file (version 2 or a legacy format)')
      .option('--preset <name>', 'a shipped preset (see `luckyfive recipes list`)')
      .option('--seed <n>', "override the recipe's seed (0..4294967295)")
      .option('--for-contest <n>', 'predict this contest using only the draws before it (default: the next contest)'),
    ['json'],
  ).action(async (opts: PredictOptions) => {
    const format = formatOf(opts);
    if ((opts.recipe === undefined) === (opts.preset === undefined)) throw new LuckyError('E_USAGE', 'choose one of --recipe FILE or --preset NAME');
    const seed = parseIntFlag('seed', opts.seed, 0, 4294967295);
    const forContest = parseIntFlag('for-contest', opts.forContest, 1);
    const { loadPreset, readRecipeFile } = await import('../../core/recipe/load.js');
    const { recipeHash } = await import('../../core/recipe/schema.js');
    const base = opts.recipe !== undefined ? readRecipeFile(resolve(ctx.io.cwd, opts.recipe)) : loadPreset(opts.preset!);
    const recipe = seed === undefined ? base : { ...base, seed };

    const { ensureDraws } = await import('../ensure-draws.js');
    await ensureDraws(ctx);
    const { listDraws, readDrawBounds } = await import('../../store/draws-repo.js');
    const { buildHistory } = await import('../../core/draw.js');
    const { predictTickets } = await import('../../core/predictor/index.js');
    const catalog = await ctx.catalog();
    const last = readDrawBounds(catalog.db).last_contest;
    if (last === null) throw new LuckyError('E_DATA_MISSING', 'the catalog has no draws');
    const contest = forContest ?? last + 1;
    if (contest > last + 1) {
      throw new LuckyError('E_RANGE_INVALID', `contest ${contest} is too far ahead: the last stored contest is ${last}, so the next one (${last + 1}) is as far as a prediction can see`);
    }
    // the last `history` draws strictly before the contest, oldest first
    const draws = listDraws(catalog.db, { to: contest - 1, order: 'desc', limit: recipe.history }).reverse();
    if (draws.length === 0) throw new LuckyError('E_DATA_MISSING', `no draws before contest ${contest} to learn from`);
    const tickets = predictTickets(buildHistory(draws), recipe, contest);
    const from = draws[0]!.contest;
    const to = draws.at(-1)!.contest;
    const synthetic = draws.some((d) => d.synthetic);
    const doc = {
      contest,
      tickets: tickets.map((t) => t.numbers),
      scores: tickets.map((t) => t.score),
      recipe_hash: recipeHash(recipe),
      seed: recipe.seed,
      strategy: recipe.strategy,
      history_used: { from, to, count: draws.length },
      synthetic_data: synthetic,
    };
    if (format === 'json') return ctx.out.json(doc);

    ctx.out.text(
      `contest ${contest}: ${tickets.length} tickets from "${recipe.name}" (${recipe.strategy}, seed ${recipe.seed}), learning from ${draws.length} draws ${from}..${to}${synthetic ? ' - SYNTHETIC sample data, not official results' : ''}`,
    );
    // a compact numbered table: one line per ticket, aligned, readable at 25+ tickets
    const width = String(tickets.length).length;
    const numbersWidth = recipe.numbers_per_ticket * 3 - 1;
    ctx.out.text(`${'#'.padStart(width)}  ${'numbers'.padEnd(numbersWidth)}  score`);
    tickets.forEach((t, i) => {
      ctx.out.text(`${String(i + 1).padStart(width)}  ${t.numbers.map((n) => String(n).padStart(2, '0')).join(' ')}  ${t.score.toFixed(4)}`);
    });
    ctx.out.text(await oddsReminder(recipe.numbers_per_ticket));
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
