/** `luckyfive finance roi` and `finance ev`: flags -> the finance use cases -> printed. */
import type { Command } from 'commander';
import { booksDeps, parseContestFlag, parseMoneyFlag } from '../books-flags.js';
import { type CliContext, addFormatOptions, formatOf, parseIntFlag } from '../context.js';
import { formatBRL } from '../output.js';

type Json = { json?: boolean };
const pct = (v: number | null) => (v === null ? '-' : `${v.toFixed(1)}%`);

/** `finance roi` and `finance ev` (part of the `finance` command). */
export function registerFinanceAnalysis(finance: Command, ctx: CliContext): void {
  const useCases = () => import('../../usecases/finance.js');
  addFormatOptions(
    finance
      .command('roi')
      .description('simulated ROI of each run next to the house-edge expectation and the real money linked to it')
      .option('--run <run_id...>', 'these runs (default: every completed run)'),
    ['json'],
  ).action(async (o: Json & { run?: string[] }) => {
    const { analyzeRoi } = await useCases();
    const doc = analyzeRoi(await booksDeps(ctx), { run_ids: o.run ?? [] });
    if (formatOf(o) === 'json') return ctx.out.json(doc);
    const { runs: rows, ledger, verdict } = doc;
    ctx.out.table(
      ['run', 'contests', 'tickets', 'simulated ROI', 'expected ROI', '± 1 SE', 'z', 'real invested', 'real won', 'real ROI'],
      [
        ...rows.map((r) => [
          `${r.name ?? r.run_id}${r.synthetic ? ' (synthetic)' : ''}`,
          `${r.first_contest}..${r.last_contest}`,
          `${r.tickets}x${r.numbers_per_ticket}`,
          pct(r.simulated.roi_pct),
          pct(r.expected.roi_pct),
          r.expected.roi_se_pct === null ? '-' : `${r.expected.roi_se_pct.toFixed(0)} pts`,
          r.simulated_z === null ? '-' : r.simulated_z.toFixed(2),
          formatBRL(r.real.invested_cents),
          formatBRL(r.real.won_cents),
          pct(r.real.roi_pct),
        ]),
        [
          'ledger (all real bets)',
          '',
          `${ledger.tickets}`,
          '',
          pct(ledger.expected_roi_pct),
          '',
          '',
          formatBRL(ledger.invested_cents),
          formatBRL(ledger.won_cents),
          pct(ledger.roi_pct),
        ],
      ],
      // narrow: the run, simulated and expected ROI, z and the real ROI stay
      { align: ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'], drop: [7, 8, 5, 1, 2] },
    );
    ctx.out.text(verdict);
    ctx.out.text(`Expected values: ${doc.ev_rule}; payout rule ${doc.payout_rule}.`);
  });

  addFormatOptions(
    finance
      .command('ev')
      .description('expected value of one ticket: the house edge, per tier')
      .option('--contest <n>', 'contest (default: the next one after the last imported)')
      .option('--numbers <k>', 'numbers per ticket, 5..15', '5')
      .option('--price <amount>', 'base price of a 5-number bet (default: the price table on the contest date, or today)'),
    ['json'],
  ).action(async (o: Json & { contest?: string; numbers: string; price?: string }) => {
    const numbers = parseIntFlag('numbers', o.numbers, 5, 15)!;
    const price = parseMoneyFlag('price', o.price, { allowZero: false });
    const { estimateTicketValue } = await useCases();
    const doc = estimateTicketValue(await booksDeps(ctx), { contest: parseContestFlag('contest', o.contest), numbers, price_cents: price });
    if (formatOf(o) === 'json') return ctx.out.json(doc);
    ctx.out.text(
      `contest ${doc.contest}, ${numbers}-number ticket at base price ${formatBRL(doc.base_price_cents)}: costs ${formatBRL(doc.cost_cents)}, worth R$ ${(doc.ev_cents / 100).toFixed(4).replace('.', ',')} in expectation (ROI ${doc.roi_pct.toFixed(2)}%)`,
    );
    ctx.out.table(
      ['tier', 'probability (5-number ticket)', 'expected prize per winner', 'taxed'],
      doc.tiers.map((x) => [x.tier, x.probability.toExponential(4), x.pays ? formatBRL(Math.round(x.net_cents)) : 'not paid', x.taxed ? 'yes' : 'no']),
    );
    ctx.out.text(`one ticket's prize has a standard deviation of ${formatBRL(Math.round(doc.sd_cents))}: the quina dominates it`);
    ctx.out.text(`Rule: ${doc.ev_rule}.`);
  });
}
