/**
 * Settling a contest: the prize entries that the recorded tickets of its bets earned, computed
 * from the imported draw with the catalog's payout rule. Each (bet, tier) gets one entry with a
 * deterministic idempotency key, so settling again records nothing new.
 */
import type { Draw, TierHits } from '../draw.js';
import { type LedgerEntry, type NewEntry, tierName } from './ledger.js';
import { type PayoutRule, PRIZE_SOURCE_RULES, type PrizeSource, inMoneyEra, tierPays, tierPrize, winningCombinations } from './prizes.js';
import { countHits } from './tickets.js';

/** The idempotency key of the prize a bet earned at a tier. */
export function settlementKey(betId: number, tier: TierHits): string {
  return `settle:${betId}:${tierName(tier)}`;
}

export interface SettlementLine {
  bet_id: number;
  tier: TierHits;
  /** winning 5-number combinations at this tier, over every ticket of the bet */
  combinations: number;
  prize_per_combination_cents: number;
  amount_cents: number;
  source: PrizeSource;
  entry: NewEntry;
}

/**
 * Prize entries for `bets` (bets of the draw's contest with their tickets; reversed bets must be
 * left out by the caller). Tickets with no winning tier produce nothing.
 */
export function buildSettlement(
  draw: Pick<Draw, 'contest' | 'date' | 'balls' | 'revenue_cents' | 'tiers'>,
  bets: ReadonlyArray<Pick<LedgerEntry, 'id' | 'tickets_json' | 'numbers_per_ticket' | 'run_id' | 'recipe_hash'>>,
  rule: PayoutRule,
): SettlementLine[] {
  const lines: SettlementLine[] = [];
  if (!inMoneyEra(draw.contest)) return lines;
  for (const bet of bets) {
    if (bet.tickets_json === null) continue;
    const tickets = JSON.parse(bet.tickets_json) as number[][];
    const combos: Record<TierHits, number> = { 5: 0, 4: 0, 3: 0, 2: 0 };
    for (const t of tickets) {
      const won = winningCombinations(t.length, countHits(t, draw.balls), rule);
      for (const j of [5, 4, 3, 2] as const) combos[j] += won[j];
    }
    for (const tier of [5, 4, 3, 2] as const) {
      if (combos[tier] === 0 || !tierPays(draw.contest, tier)) continue;
      const prize = tierPrize(draw, tier);
      const amount = combos[tier] * prize.cents;
      if (amount <= 0) continue;
      lines.push({
        bet_id: bet.id,
        tier,
        combinations: combos[tier],
        prize_per_combination_cents: prize.cents,
        amount_cents: amount,
        source: prize.source,
        entry: {
          entry_date: draw.date,
          type: 'prize',
          amount_cents: amount,
          contest: draw.contest,
          tickets: combos[tier],
          numbers_per_ticket: bet.numbers_per_ticket,
          run_id: bet.run_id,
          recipe_hash: bet.recipe_hash,
          tier: tierName(tier),
          idempotency_key: settlementKey(bet.id, tier),
          note:
            `settled bet ${bet.id} against contest ${draw.contest} (payout rule ${rule}): ${combos[tier]} x ${prize.cents} cents` +
            (prize.estimated ? `; ESTIMATED, ${PRIZE_SOURCE_RULES[prize.source]}` : ''),
        },
      });
    }
  }
  return lines;
}
