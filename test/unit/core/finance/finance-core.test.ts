import { describe, expect, it } from 'vitest';
import { buildBudgetView, budgetStatus, checkBudgets } from '../../../../src/core/finance/budget.js';
import { buildBetEntry } from '../../../../src/core/finance/bet.js';
import { expectedTierPrizes, ticketExpectation } from '../../../../src/core/finance/ev.js';
import { MEDIAN_PRIZE_CENTS, inMoneyEra, tierPays } from '../../../../src/core/finance/prizes.js';
import { probExactly } from '../../../../src/core/odds.js';

/** The expectation from the FACTS.md two-year medians of the net prize per winner (about R$ 0,71 per 5-number ticket): the oracle the pool-share rule is checked against. */
function medianTicketEv(contest: number): number {
  let ev = 0;
  for (const j of [5, 4, 3, 2] as const) if (inMoneyEra(contest) && tierPays(contest, j)) ev += probExactly(5, j) * MEDIAN_PRIZE_CENTS[j];
  return ev;
}
import { probExactly as hitProbability } from '../../../../src/core/odds.js';
import { DEFAULT_PRICE_TABLE } from '../../../../src/core/finance/prices.js';
import { buildPrizeTable } from '../../../../src/core/finance/prize-table.js';
import { buildExpectation } from '../../../../src/core/finance/roi.js';
import { buildSettlement } from '../../../../src/core/finance/settle.js';
import { parseTicketList } from '../../../../src/core/finance/tickets.js';
import { makeDraw } from '../../../helpers/books.js';

describe('expected value (house edge)', () => {
  it('hit probabilities are the FACTS.md hypergeometric law', () => {
    expect(hitProbability(5, 2)).toBeCloseTo(0.028089, 6);
    expect(hitProbability(5, 5) * 24_040_016).toBeCloseTo(1, 9);
    const total = [0, 1, 2, 3, 4, 5].reduce((s, h) => s + hitProbability(7, h), 0);
    expect(total).toBeCloseTo(1, 12);
  });

  it('R$ 3,00 after contest 6596: EV = 3.00 x 43.79% x 55% = R$ 0,7225, ROI -75.92% (FACTS.md: about R$ 0,72)', () => {
    const t = ticketExpectation(6800, 300, 5);
    expect(t.ev_cents).toBeCloseTo(300 * 0.4379 * 0.55, 9);
    expect(t.ev_cents).toBeCloseTo(72.2535, 4);
    expect(t.roi_pct).toBeCloseTo(-75.9155, 4);
  });

  it('R$ 2,50 before contest 6596: EV = 2.50 x 43.35% x 55% = R$ 0,5961, ROI -76.16%', () => {
    const t = ticketExpectation(6500, 250, 5);
    expect(t.ev_cents).toBeCloseTo(250 * 0.4335 * 0.55, 9);
    expect(t.roi_pct).toBeCloseTo(-76.1575, 4);
  });

  it('quina and quadra are taxed, terno and duque are not; duque pays only from 4085', () => {
    const p = expectedTierPrizes(6800, 300);
    expect([p[5].taxed, p[4].taxed, p[3].taxed, p[2].taxed]).toEqual([true, true, false, false]);
    expect(p[3].net_cents).toBeCloseTo((300 * 0.4379 * 0.1) / hitProbability(5, 3), 6);
    expect(expectedTierPrizes(4084, 150)[2].pays).toBe(false);
    expect(ticketExpectation(4084, 150, 5).ev_cents).toBeCloseTo(150 * 0.4335 * 0.45, 9);
    expect(ticketExpectation(28, 50, 5).ev_cents).toBe(0);
  });

  it('the FACTS.md medians give nearly the same EV (a cross-check of the rule)', () => {
    expect(medianTicketEv(6800)).toBeCloseTo(71.07, 1);
    expect(Math.abs(medianTicketEv(6800) - ticketExpectation(6800, 300, 5).ev_cents)).toBeLessThan(2);
  });

  it('a 7-number ticket is 21 five-number tickets under sub-combinations, worth less under highest-tier', () => {
    const five = ticketExpectation(6800, 300, 5);
    const sub = ticketExpectation(6800, 300, 7, 'subcombinations');
    expect(sub.cost_cents).toBe(21 * 300);
    expect(sub.ev_cents).toBeCloseTo(21 * five.ev_cents, 6);
    expect(ticketExpectation(6800, 300, 7, 'highest-tier').ev_cents).toBeLessThan(sub.ev_cents);
  });

  it('[12.5.4] expected ROI over a run range is cost-weighted, and the cost per ticket is the average over its contests, not the last price', () => {
    const dates = new Map([
      [6500, '2024-06-01'],
      [6800, '2025-08-15'],
    ]);
    const e = buildExpectation(
      { first_contest: 6500, last_contest: 6800, numbers_per_ticket: 5, tickets: 1000 },
      dates,
      DEFAULT_PRICE_TABLE,
      'subcombinations',
    );
    const ev = 250 * 0.4335 * 0.55 + 300 * 0.4379 * 0.55;
    expect(e.roi_pct).toBeCloseTo(Math.round((ev / 550 - 1) * 10_000) / 100, 9);
    expect(e.roi_pct).toBe(-76.03);
    // R$ 2,50 and R$ 3,00 contests: R$ 2,75 per ticket on average (the last price, R$ 3,00, was printed before)
    expect(e.cost_per_ticket_cents).toBe(275);
    expect(e.ev_per_ticket_cents).toBe(Math.round(ev / 2));
    // 500 tickets per contest; sd of one ticket at each price, computed independently from the tier prizes
    const sdOf = (contest: number, price: number): number => {
      const p = expectedTierPrizes(contest, price);
      const mean = ([5, 4, 3, 2] as const).reduce((s, j) => s + hitProbability(5, j) * p[j].net_cents, 0);
      return Math.sqrt(([5, 4, 3, 2] as const).reduce((s, j) => s + hitProbability(5, j) * p[j].net_cents ** 2, 0) - mean ** 2);
    };
    const se = (Math.sqrt(500 * (sdOf(6500, 250) ** 2 + sdOf(6800, 300) ** 2)) / (500 * 550)) * 100;
    expect(e.roi_se_pct).toBeCloseTo(Math.round(se * 100) / 100, 9);
  });
});

describe('bets, budgets, tickets, settlement', () => {
  const ctx = { draw_date: '2025-08-15', last_contest: 6882, prices: DEFAULT_PRICE_TABLE, today: '2025-11-20' };

  it('auto cost: price on the draw date x C(k,5) x tickets; future contests priced on the booking date', () => {
    expect(buildBetEntry({ contest: 6800, tickets: 10 }, ctx).entry.amount_cents).toBe(-3000);
    expect(buildBetEntry({ contest: 6500, tickets: 2, numbers: 6 }, { ...ctx, draw_date: '2024-06-01' }).entry.amount_cents).toBe(-2 * 6 * 250);
    const future = buildBetEntry({ contest: 6883, tickets: 1 }, { ...ctx, draw_date: null });
    expect(future.entry.entry_date).toBe('2025-11-20');
    expect(future.price_date).toBe('2025-11-20');
    expect(() => buildBetEntry({ contest: 6000, tickets: 1 }, { ...ctx, draw_date: null })).toThrow(/not imported/);
    expect(buildBetEntry({ contest: 6000, tickets: 1, cost_cents: 250 }, { ...ctx, draw_date: null }).entry.amount_cents).toBe(-250);
    expect(() => buildBetEntry({ contest: 6800, tickets: 2, ticket_list: [[1, 2, 3, 4, 5]] }, ctx)).toThrow(/holds 1 tickets/);
  });

  it('tickets are validated strictly', () => {
    expect(parseTicketList([[5, 4, 3, 2, 1]])).toEqual([[1, 2, 3, 4, 5]]);
    expect(() => parseTicketList([[1, 2, 3, 4]])).toThrow(/bad ticket/);
    expect(() => parseTicketList([[1, 2, 3, 4, 81]])).toThrow(/bad ticket/);
    expect(() => parseTicketList([[1, 1, 2, 3, 4]])).toThrow(/bad ticket/);
    expect(() =>
      parseTicketList([
        [1, 2, 3, 4, 5],
        [1, 2, 3, 4, 5, 6],
      ]),
    ).toThrow(/same count/);
    expect(() => parseTicketList({})).toThrow(/JSON array/);
  });

  it('budget status is derived from the window, today and what is left', () => {
    const b = { amount_cents: 1000, from_date: '2025-11-01', to_date: '2025-11-30' };
    expect(budgetStatus(b, 0, '2025-10-31')).toBe('upcoming');
    expect(budgetStatus(b, 999, '2025-11-15')).toBe('active');
    expect(budgetStatus(b, 1000, '2025-11-15')).toBe('exhausted');
    expect(budgetStatus(b, 0, '2025-12-01')).toBe('expired');
    const view = buildBudgetView({ id: 1, name: 'nov', note: null, created_at: '', ...b }, 400, '2025-11-15');
    expect(view.remaining_cents).toBe(600);
    const spends = [{ budget: { id: 1, name: 'nov', note: null, created_at: '', ...b }, spent_cents: 400 }];
    expect(() => checkBudgets(spends, '2025-11-10', 601, false)).toThrow(/overspend budget "nov"/);
    expect(() => checkBudgets(spends, '2025-11-10', 600, false)).not.toThrow();
    expect(() => checkBudgets(spends, '2025-12-10', 10_000, false)).not.toThrow();
    expect(() => checkBudgets(spends, '2025-11-10', 10_000, true)).not.toThrow();
  });

  it('settlement pays sub-combinations or the highest tier, with deterministic keys', () => {
    const draw = makeDraw(6800, '2025-08-15', [1, 2, 3, 4, 50], {
      4: { winners: 10, prize_cents: 800_000 },
      3: { winners: 200, prize_cents: 11_000 },
      2: { winners: 5000, prize_cents: 400 },
    });
    const bet = { id: 7, tickets_json: JSON.stringify([[1, 2, 3, 4, 60, 61]]), numbers_per_ticket: 6, run_id: null, recipe_hash: null };
    const sub = buildSettlement(draw, [bet], 'subcombinations');
    expect(sub.map((l) => [l.tier, l.combinations, l.amount_cents, l.entry.idempotency_key])).toEqual([
      [4, 2, 1_600_000, 'settle:7:quadra'],
      [3, 4, 44_000, 'settle:7:terno'],
    ]);
    const top = buildSettlement(draw, [bet], 'highest-tier');
    expect(top.map((l) => [l.tier, l.amount_cents])).toEqual([[4, 800_000]]);
  });

  it('the prize table marks estimates and the rule behind them', () => {
    const draw = {
      ...makeDraw(6800, '2025-08-15', [1, 2, 3, 4, 5], { 5: { winners: 0, prize_cents: 0 }, 4: { winners: 10, prize_cents: 800_000 } }, 1_000_000_000),
    };
    const t = buildPrizeTable(6800, draw);
    expect(t.tiers[0]).toMatchObject({ tier: 'quina', estimated: true, source: 'pool-share' });
    expect(t.tiers[1]).toMatchObject({ tier: 'quadra', estimated: false, source: 'published', prize_cents: 800_000 });
    expect(t.rules['pool-share']).toMatch(/winners \+ 1/);
    const future = buildPrizeTable(6900, null);
    expect(future.status).toBe('future');
    expect(future.tiers.every((x) => x.estimated && x.source === 'median')).toBe(true);
    expect(buildPrizeTable(4000, makeDraw(4000, '2016-01-01', [1, 2, 3, 4, 5])).tiers[3]).toMatchObject({ tier: 'duque', pays: false });
  });
});
