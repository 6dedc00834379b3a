/**
 * The house edge: what a ticket is worth in expectation. Under the pool-share rule (FACTS.md)
 * a tier's pool is price x pool share x tier split per ticket sold; shared among the expected
 * winners it gives every ticket pool_j / tickets, so one 5-number ticket is worth
 * price x share x Σ_j split_j x (1 - tax_j). At R$ 3,00 after contest 6596 that is
 * 3.00 x 0.4379 x 0.55 = R$ 0,7225 (FACTS.md: "about R$ 0,72"), an ROI of about -76 %.
 * A k-number ticket is C(k,5) five-number tickets under the sub-combination payout rule; under
 * the highest-tier rule it is worth less. Pure math; expectations are fractional centavos. The hit
 * probabilities come from the one odds module (src/core/odds.ts).
 */
import type { TierHits } from '../draw.js';
import { hitProbabilities, probExactly } from '../odds.js';
import { choose } from './prices.js';
import {
  DEFAULT_PAYOUT_RULE,
  PRIZE_TAX_RATE,
  type PayoutRule,
  TAX_EXEMPTION_CENTS,
  TIER_SPLIT,
  inMoneyEra,
  poolShare,
  tierPays,
  winningCombinations,
} from './prizes.js';

/** The rule behind every expected value luckyfive prints (shown next to the figures). */
export const EV_RULE =
  'pool-share rule (FACTS.md): each tier pays price x pool share (43.35%, 43.79% from contest 6596) x tier split ' +
  '(quina 35%, quadra 15%, terno 10%, duque 10%, the split in force since 2021-11, applied to every era) per ticket sold, ' +
  '30% income tax where the expected prize per winner is above R$ 2.259,20; duque only from contest 4085';

export interface ExpectedTierPrize {
  tier: TierHits;
  /** probability that a 5-number ticket lands exactly in this tier */
  probability: number;
  /** expected prize per winning 5-number combination, before tax (fractional centavos) */
  gross_cents: number;
  /** after the income tax, when it applies */
  net_cents: number;
  taxed: boolean;
  pays: boolean;
}

/** Expected prize per winning combination at each tier for a contest and base price. */
export function expectedTierPrizes(contest: number, basePriceCents: number): Record<TierHits, ExpectedTierPrize> {
  const out = {} as Record<TierHits, ExpectedTierPrize>;
  for (const tier of [5, 4, 3, 2] as const) {
    const probability = probExactly(5, tier);
    const pays = inMoneyEra(contest) && tierPays(contest, tier);
    const gross = pays ? (basePriceCents * poolShare(contest) * TIER_SPLIT[tier]) / probability : 0;
    const taxed = gross > TAX_EXEMPTION_CENTS;
    out[tier] = { tier, probability, gross_cents: gross, net_cents: taxed ? gross * (1 - PRIZE_TAX_RATE) : gross, taxed, pays };
  }
  return out;
}

export interface TicketExpectation {
  numbers: number;
  rule: PayoutRule;
  cost_cents: number;
  /** expected prize of one ticket (fractional centavos) */
  ev_cents: number;
  /** (ev - cost) / cost x 100 */
  roi_pct: number;
  /** standard deviation of one ticket's prize (fractional centavos): huge, because of the quina */
  sd_cents: number;
}

/**
 * Expected value, ROI and spread of one k-number ticket at `contest` and `basePriceCents`,
 * from the hypergeometric hit law and {@link expectedTierPrizes}.
 */
export function ticketExpectation(contest: number, basePriceCents: number, numbers: number, rule: PayoutRule = DEFAULT_PAYOUT_RULE): TicketExpectation {
  const prizes = expectedTierPrizes(contest, basePriceCents);
  const cost = choose(numbers, 5) * basePriceCents;
  let ev = 0;
  let second = 0;
  const probs = hitProbabilities(numbers);
  for (let h = 0; h <= Math.min(5, numbers); h++) {
    const p = probs[h]!;
    const combos = winningCombinations(numbers, h, rule);
    let prize = 0;
    for (const j of [5, 4, 3, 2] as const) prize += combos[j] * prizes[j].net_cents;
    ev += p * prize;
    second += p * prize * prize;
  }
  return {
    numbers,
    rule,
    cost_cents: cost,
    ev_cents: ev,
    roi_pct: cost > 0 ? ((ev - cost) / cost) * 100 : 0,
    sd_cents: Math.sqrt(Math.max(0, second - ev * ev)),
  };
}
