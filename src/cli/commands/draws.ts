import type { Command } from 'commander';
import type { Draw } from '../../core/draw.js';
import { LuckyError } from '../../errors.js';
import { type CliContext, addFormatOptions, formatOf, parseDateFlag, parseIntFlag, parseRangeFlags } from '../context.js';
import { formatMoney } from '../output.js';

export function register(program: Command, ctx: CliContext): void {
  const draws = program.command('draws');

  addFormatOptions(draws.command('show <contest>').description('one draw with its prizes per tier'), ['json']).action(
    async (contestArg: string, opts: { json?: boolean }) => {
      const contest = parseIntFlag('contest', contestArg)!;
      const { getDraw } = await import('../../store/draws-repo.js');
      const catalog = await ctx.catalog();
      await ensureDraws(ctx);
      const d = getDraw(catalog.db, contest);
      if (!d) throw new LuckyError('E_NOT_FOUND', `contest ${contest} is not in the catalog`);
      if (formatOf(opts) === 'json') return ctx.out.json(drawJson(d));
      ctx.out.text(`contest ${d.contest}  ${d.date}  ${d.balls.join(' ')}${d.synthetic ? '  (SYNTHETIC sample data)' : ''}`);
      ctx.out.table(
        ['tier', 'hits', 'winners', 'prize per ticket'],
        ([5, 4, 3, 2] as const).map((h) => [tierName(h), h, d.tiers[h].winners ?? '-', money(d.tiers[h].prize_cents, d.currency)]),
        { align: ['left', 'right', 'right', 'right'] },
      );
    },
  );

  addFormatOptions(
    draws
      .command('list')
      .description('list draws by contest or date range')
      .option('--from <contest>', 'first contest')
      .option('--to <contest>', 'last contest')
      .option('--since <date>', 'first date (YYYY-MM-DD)')
      .option('--until <date>', 'last date (YYYY-MM-DD)')
      .option('--limit <n>', 'at most this many draws (default 50; 0 for all)', '50')
      .option('--desc', 'newest first'),
    ['json', 'ndjson', 'csv'],
  ).action(async (opts: { from?: string; to?: string; since?: string; until?: string; limit: string; desc?: boolean; json?: boolean; ndjson?: boolean; csv?: boolean }) => {
    const format = formatOf(opts);
    const limit = parseIntFlag('limit', opts.limit, 0);
    const { parseRangeFilter } = await import('../../core/contest-range.js');
    const range = parseRangeFilter(parseRangeFlags(opts)) as { from?: number; to?: number };
    const filter = {
      from: range.from,
      to: range.to,
      since: parseDateFlag('since', opts.since),
      until: parseDateFlag('until', opts.until),
      limit: limit === 0 ? undefined : limit,
      order: opts.desc ? ('desc' as const) : ('asc' as const),
    };
    const { listDraws } = await import('../../store/draws-repo.js');
    const catalog = await ctx.catalog();
    await ensureDraws(ctx);
    const rows = listDraws(catalog.db, filter);
    if (format === 'json') return ctx.out.json({ draws: rows.map(drawJson), count: rows.length });
    if (format === 'ndjson') return rows.forEach((d) => ctx.out.ndjson(drawJson(d)));
    const head = ['contest', 'date', 'b1', 'b2', 'b3', 'b4', 'b5', 'winners_5', 'prize_5_cents', 'winners_4', 'prize_4_cents', 'winners_3', 'prize_3_cents', 'winners_2', 'prize_2_cents', 'synthetic'];
    if (format === 'csv') {
      return ctx.out.csv(
        head,
        rows.map((d) => [d.contest, d.date, ...d.balls, ...([5, 4, 3, 2] as const).flatMap((h) => [d.tiers[h].winners, d.tiers[h].prize_cents]), d.synthetic ? 1 : 0]),
      );
    }
    ctx.out.table(
      ['contest', 'date', 'balls', 'quina', 'quadra', 'terno', 'duque'],
      rows.map((d) => [d.contest, d.date, d.balls.join(' '), ...([5, 4, 3, 2] as const).map((h) => money(d.tiers[h].prize_cents, d.currency))]),
    );
    if (rows.some((d) => d.synthetic)) ctx.out.info('note: these are SYNTHETIC sample draws, not official results');
  });

  addFormatOptions(
    draws
      .command('stats')
      .description('count, range, gaps and per-number frequency with a chi-square uniformity test')
      .option('--from <contest>', 'first contest')
      .option('--to <contest>', 'last contest')
      .option('--last <n>', 'only the last n contests'),
    ['json'],
  ).action(async (opts: { from?: string; to?: string; last?: string; json?: boolean }) => {
    const format = formatOf(opts);
    const { computeDrawStats } = await import('../../core/draw-stats.js');
    const { listDraws, readGaps } = await import('../../store/draws-repo.js');
    const { parseRangeFilter } = await import('../../core/contest-range.js');
    const range = parseRangeFilter(parseRangeFlags(opts));
    const catalog = await ctx.catalog();
    await ensureDraws(ctx);
    const rows = 'last' in range ? listDraws(catalog.db, { order: 'desc', limit: range.last }).reverse() : listDraws(catalog.db, range);
    if (rows.length === 0) throw new LuckyError('E_DATA_MISSING', 'no draws in that range');
    const first = rows[0]!.contest;
    const lastContest = rows.at(-1)!.contest;
    const gaps = readGaps(catalog.db).filter((g) => g.to >= first && g.from <= lastContest);
    const stats = computeDrawStats(rows.map((d) => d.balls));
    const synthetic = rows.some((d) => d.synthetic);
    const doc = {
      count: rows.length,
      first_contest: first,
      last_contest: lastContest,
      first_date: rows[0]!.date,
      last_date: rows.at(-1)!.date,
      synthetic,
      gaps,
      frequency: stats.frequency,
      expected_per_number: stats.expected_per_number,
      chi_square: stats.chi_square,
      verdict: stats.verdict,
    };
    if (format === 'json') return ctx.out.json(doc);
    ctx.out.text(`${doc.count} draws, contests ${first}..${lastContest} (${doc.first_date} .. ${doc.last_date})${synthetic ? ' - SYNTHETIC sample data' : ''}`);
    ctx.out.text(gaps.length ? `gaps: ${gaps.map((g) => (g.from === g.to ? `${g.from}` : `${g.from}-${g.to}`)).join(', ')}` : 'gaps: none');
    const sorted = [...stats.frequency].sort((a, b) => b.count - a.count);
    ctx.out.table(
      ['most drawn', 'count', 'least drawn', 'count'],
      Array.from({ length: 5 }, (_, i) => [sorted[i]!.number, sorted[i]!.count, sorted.at(-1 - i)!.number, sorted.at(-1 - i)!.count]),
    );
    ctx.out.text(
      `expected ${stats.expected_per_number.toFixed(2)} per number; chi-square ${stats.chi_square.statistic.toFixed(2)} on ${stats.chi_square.df} df, p = ${stats.chi_square.p_value.toFixed(3)}`,
    );
    ctx.out.text(stats.verdict);
  });
}

type DrawLike = Draw;

function tierName(h: 2 | 3 | 4 | 5): string {
  return { 5: 'quina', 4: 'quadra', 3: 'terno', 2: 'duque' }[h];
}

function money(cents: number | null, currency: 'BRL' | 'CRR'): string {
  if (cents === null) return '-';
  return currency === 'BRL' ? formatMoney(cents, currency) : `${formatMoney(cents, currency)} (Cruzeiro Real)`;
}

/** The stable JSON shape of one draw (snake_case, money in centavos). */
export function drawJson(d: DrawLike): Record<string, unknown> {
  return {
    contest: d.contest,
    date: d.date,
    balls: d.balls,
    tiers: Object.fromEntries(([5, 4, 3, 2] as const).map((h) => [tierName(h), { hits: h, winners: d.tiers[h].winners, prize_cents: d.tiers[h].prize_cents }])),
    accumulated_5_cents: d.accumulated_5_cents,
    revenue_cents: d.revenue_cents,
    currency: d.currency,
    synthetic: d.synthetic,
    source: d.source,
  };
}

async function ensureDraws(ctx: CliContext): Promise<void> {
  const { ensureDraws: ensure } = await import('../ensure-draws.js');
  await ensure(ctx);
}
