/** Scoring tickets against a draw, and the money of one contest. Pure. */
import type { Draw } from './draw.js';
import { type PricePeriod, contestPriceOn, ticketCost } from './finance/prices.js';
import { type PayoutRule, inMoneyEra, ticketPrize } from './finance/prizes.js';

/** Number of a ticket's numbers among the drawn balls. */
export function countHits(ticket: ArrayLike<number>, balls: ArrayLike<number>): number {
  let hits = 0;
  for (let i = 0; i < ticket.length; i++) {
    const n = ticket[i]!;
    for (let j = 0; j < balls.length; j++) if (balls[j] === n) hits++;
  }
  return hits;
}

export interface ScoredContest {
  hits: number[];
  /** tickets with 0..5 hits */
  histogram: number[];
  best_hits: number;
  /** first ticket with the most hits (0-based) */
  best_ticket: number;
  cost_cents: number;
  prize_cents: number;
  prize_estimated: boolean;
}

/**
 * Scores `tickets` (each of `k` numbers) against `draw`: hits, histogram, best ticket, and the
 * money: every ticket charged at the base price in force on the draw's date × C(k,5), every
 * ticket's prize paid by the payout rule. Contests before the Real are outside the money era.
 */
export function scoreContest(
  draw: Pick<Draw, 'contest' | 'date' | 'balls' | 'revenue_cents' | 'tiers'>,
  tickets: ReadonlyArray<ArrayLike<number>>,
  k: number,
  prices: readonly PricePeriod[],
  rule: PayoutRule,
): ScoredContest {
  const histogram = [0, 0, 0, 0, 0, 0];
  const hits = tickets.map((t) => countHits(t, draw.balls));
  let best_hits = -1;
  let best_ticket = 0;
  hits.forEach((h, i) => {
    histogram[h]!++;
    if (h > best_hits) {
      best_hits = h;
      best_ticket = i;
    }
  });
  let cost_cents = 0;
  let prize_cents = 0;
  let prize_estimated = false;
  if (inMoneyEra(draw.contest)) {
    cost_cents = tickets.length * ticketCost(contestPriceOn(prices, draw.date), k);
    for (const h of hits) {
      if (h < 2) continue;
      const p = ticketPrize(draw, k, h, rule);
      prize_cents += p.cents;
      prize_estimated ||= p.estimated && p.cents > 0;
    }
  }
  return { hits, histogram, best_hits: Math.max(0, best_hits), best_ticket, cost_cents, prize_cents, prize_estimated };
}
