/** `luckyfive draws show|list|stats`: flags -> the draws use cases (`usecases/draws.ts`) -> table, JSON, NDJSON or CSV. */
import type { Command } from 'commander';
import { type CliContext, addFormatOptions, formatOf, parseDateFlag, parseIntFlag, parseRangeFlags } from '../context.js';
import { formatMoney } from '../output.js';

export function register(program: Command, ctx: CliContext): void {
  const draws = program.command('draws');

  addFormatOptions(draws.command('show <contest>').description('one draw with its prizes per tier'), ['json']).action(
    async (contestArg: string, opts: { json?: boolean }) => {
      const contest = parseIntFlag('contest', contestArg)!;
      const { getDraw } = await import('../../usecases/draws.js');
      const catalog = await ctx.catalog();
      await ensureDraws(ctx);
      const d = getDraw({ catalog }, contest);
      if (formatOf(opts) === 'json') return ctx.out.json(d);
      ctx.out.text(`contest ${d.contest}  ${d.date}  ${d.balls.join(' ')}${d.synthetic ? '  (SYNTHETIC sample data)' : ''}`);
      ctx.out.table(
        ['tier', 'hits', 'winners', 'prize per ticket'],
        TIERS.map((t) => [t, d.tiers[t].hits, d.tiers[t].winners ?? '-', money(d.tiers[t].prize_cents, d.currency)]),
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
  ).action(
    async (opts: {
      from?: string;
      to?: string;
      since?: string;
      until?: string;
      limit: string;
      desc?: boolean;
      json?: boolean;
      ndjson?: boolean;
      csv?: boolean;
    }) => {
      const format = formatOf(opts);
      const limit = parseIntFlag('limit', opts.limit, 0);
      const { parseRangeFilter } = await import('../../core/contest-range.js');
      const range = parseRangeFilter(parseRangeFlags(opts)) as { from?: number; to?: number };
      const query = {
        from: range.from,
        to: range.to,
        since: parseDateFlag('since', opts.since),
        until: parseDateFlag('until', opts.until),
        limit: limit === 0 ? undefined : limit,
        order: opts.desc ? ('desc' as const) : ('asc' as const),
      };
      const { listDraws } = await import('../../usecases/draws.js');
      const catalog = await ctx.catalog();
      await ensureDraws(ctx);
      const page = listDraws({ catalog }, query);
      const rows = page.items;
      if (format === 'json') return ctx.out.json({ draws: rows, count: rows.length });
      if (format === 'ndjson') return rows.forEach((d) => ctx.out.ndjson(d));
      const head = [
        'contest',
        'date',
        'b1',
        'b2',
        'b3',
        'b4',
        'b5',
        'winners_5',
        'prize_5_cents',
        'winners_4',
        'prize_4_cents',
        'winners_3',
        'prize_3_cents',
        'winners_2',
        'prize_2_cents',
        'synthetic',
      ];
      if (format === 'csv') {
        return ctx.out.csv(
          head,
          rows.map((d) => [d.contest, d.date, ...d.balls, ...TIERS.flatMap((t) => [d.tiers[t].winners, d.tiers[t].prize_cents]), d.synthetic ? 1 : 0]),
        );
      }
      ctx.out.table(
        ['contest', 'date', 'balls', 'quina', 'quadra', 'terno', 'duque'],
        rows.map((d) => [d.contest, d.date, d.balls.join(' '), ...TIERS.map((t) => money(d.tiers[t].prize_cents, d.currency))]),
        // narrow: contest, date, numbers and the top prize stay
        { drop: [6, 5, 4] },
      );
      if (page.next_after !== null) ctx.out.limited(rows.length, 'draws');
      if (rows.some((d) => d.synthetic)) ctx.out.info('note: these are SYNTHETIC sample draws, not official results');
    },
  );

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
    const { readDrawStats } = await import('../../usecases/draws.js');
    const { parseRangeFilter } = await import('../../core/contest-range.js');
    const range = parseRangeFilter(parseRangeFlags(opts));
    const catalog = await ctx.catalog();
    await ensureDraws(ctx);
    const doc = readDrawStats({ catalog }, range);
    const { first_contest: first, last_contest: lastContest, synthetic, gaps } = doc;
    if (format === 'json') return ctx.out.json(doc);
    ctx.out.text(`${doc.count} draws, contests ${first}..${lastContest} (${doc.first_date} .. ${doc.last_date})${synthetic ? ' - SYNTHETIC sample data' : ''}`);
    ctx.out.text(gaps.length ? `gaps: ${gaps.map((g) => (g.from === g.to ? `${g.from}` : `${g.from}-${g.to}`)).join(', ')}` : 'gaps: none');
    const sorted = [...doc.frequency].sort((a, b) => b.count - a.count);
    ctx.out.table(
      ['most drawn', 'count', 'least drawn', 'count'],
      Array.from({ length: 5 }, (_, i) => [sorted[i]!.number, sorted[i]!.count, sorted.at(-1 - i)!.number, sorted.at(-1 - i)!.count]),
    );
    ctx.out.text(
      `expected ${doc.expected_per_number.toFixed(2)} per number; chi-square ${doc.chi_square.statistic.toFixed(2)} on ${doc.chi_square.df} df, p = ${doc.chi_square.p_value.toFixed(3)}`,
    );
    ctx.out.text(doc.verdict);
  });
}

/** Tiers in the order tables show them (the JSON's `tiers` keys). */
const TIERS = ['quina', 'quadra', 'terno', 'duque'] as const;

function money(cents: number | null, currency: 'BRL' | 'CRR'): string {
  if (cents === null) return '-';
  return currency === 'BRL' ? formatMoney(cents, currency) : `${formatMoney(cents, currency)} (Cruzeiro Real)`;
}

async function ensureDraws(ctx: CliContext): Promise<void> {
  const { ensureDraws: ensure } = await import('../ensure-draws.js');
  await ensure(ctx);
}
