import type { Command } from 'commander';
import { TIERS } from '../../core/draw.js';
import { LuckyError } from '../../errors.js';
import { parseMoneyFlag } from '../books-flags.js';
import { readClock } from '../../clock.js';
import { type CliContext, addFormatOptions, formatOf, parseIntFlag } from '../context.js';
import { formatBRL } from '../output.js';

type Json = { json?: boolean };
const pct = (v: number | null) => (v === null ? '-' : `${v.toFixed(1)}%`);
const round2 = (x: number) => Math.round(x * 100) / 100;

/** `finance roi` and `finance ev` (part of the `finance` command). */
export function registerFinanceAnalysis(finance: Command, ctx: CliContext): void {
  addFormatOptions(
    finance
      .command('roi')
      .description('simulated ROI of each run next to the house-edge expectation and the real money linked to it')
      .option('--run <run_id...>', 'these runs (default: every completed run)'),
    ['json'],
  ).action(async (o: Json & { run?: string[] }) => {
    const { readRoiRuns, readDrawDates } = await import('../../store/roi-repo.js');
    const { readEntries } = await import('../../store/ledger-repo.js');
    const { readPayoutRule, readPriceTable } = await import('../../store/prices-repo.js');
    const { buildRealMoney, buildRoiRow, buildRoiVerdict } = await import('../../core/finance/roi.js');
    const { EV_RULE } = await import('../../core/finance/ev.js');
    const db = (await ctx.catalog()).db;
    const rule = readPayoutRule(db);
    const prices = readPriceTable(db);
    const runs = readRoiRuns(db, o.run ?? []);
    const rows = runs.map((run) => buildRoiRow(run, readEntries(db, { run_id: run.run_id }), readDrawDates(db, run.first_contest, run.last_contest), prices, rule));
    const ledger = buildRealMoney(readEntries(db), rule);
    const verdict = buildRoiVerdict(rows, ledger);
    if (formatOf(o) === 'json') return ctx.out.json({ payout_rule: rule, ev_rule: EV_RULE, runs: rows, ledger, verdict });
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
        ['ledger (all real bets)', '', `${ledger.tickets}`, '', pct(ledger.expected_roi_pct), '', '', formatBRL(ledger.invested_cents), formatBRL(ledger.won_cents), pct(ledger.roi_pct)],
      ],
      { align: ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'] },
    );
    ctx.out.text(verdict);
    ctx.out.text(`Expected values: ${EV_RULE}; payout rule ${rule}.`);
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
    const given = parseMoneyFlag('price', o.price, { allowZero: false });
    const { getDrawDate, readDrawBounds } = await import('../../store/draws-repo.js');
    const { readBasePriceOn, readContestPrice, readPayoutRule } = await import('../../store/prices-repo.js');
    const { EV_RULE, expectedTierPrizes, ticketExpectation } = await import('../../core/finance/ev.js');
    const db = (await ctx.catalog()).db;
    const last = readDrawBounds(db).last_contest;
    const contest = parseIntFlag('contest', o.contest, 1, 1_000_000) ?? (last === null ? undefined : last + 1);
    if (contest === undefined) throw new LuckyError('E_DATA_MISSING', 'no draws are imported, so the next contest is unknown: pass --contest N');
    const drawDate = getDrawDate(db, contest);
    const date = drawDate ?? readClock().today;
    const price = given ?? (drawDate !== undefined ? readContestPrice(db, drawDate) : readBasePriceOn(db, date));
    const rule = readPayoutRule(db);
    const t = ticketExpectation(contest, price, numbers, rule);
    const tiers = Object.values(expectedTierPrizes(contest, price))
      .sort((a, b) => b.tier - a.tier)
      .map((x) => ({ tier: TIERS[x.tier], hits: x.tier, probability: x.probability, pays: x.pays, gross_cents: round2(x.gross_cents), net_cents: round2(x.net_cents), taxed: x.taxed }));
    const doc = {
      contest,
      price_date: given === undefined ? date : null,
      base_price_cents: price,
      numbers,
      payout_rule: rule,
      cost_cents: t.cost_cents,
      ev_cents: round2(t.ev_cents),
      roi_pct: round2(t.roi_pct),
      sd_cents: round2(t.sd_cents),
      tiers,
      ev_rule: EV_RULE,
    };
    if (formatOf(o) === 'json') return ctx.out.json(doc);
    ctx.out.text(`contest ${contest}, ${numbers}-number ticket at base price ${formatBRL(price)}: costs ${formatBRL(t.cost_cents)}, worth R$ ${(t.ev_cents / 100).toFixed(4).replace(".", ",")} in expectation (ROI ${t.roi_pct.toFixed(2)}%)`);
    ctx.out.table(
      ['tier', 'probability (5-number ticket)', 'expected prize per winner', 'taxed'],
      tiers.map((x) => [x.tier, x.probability.toExponential(4), x.pays ? formatBRL(Math.round(x.net_cents)) : 'not paid', x.taxed ? 'yes' : 'no']),
    );
    ctx.out.text(`one ticket's prize has a standard deviation of ${formatBRL(Math.round(t.sd_cents))}: the quina dominates it`);
    ctx.out.text(`Rule: ${EV_RULE}.`);
  });
}
