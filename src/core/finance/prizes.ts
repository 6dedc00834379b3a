/**
 * What a ticket wins. Replaying history, a winning ticket receives the contest's own published
 * net prize per winning ticket for its tier. Rules:
 * - duque (2 hits) pays only from contest 4085;
 * - contests 1..28 (Cruzeiro Real) are excluded from money figures;
 * - a k>5 ticket with h hits is paid by the configurable {@link PayoutRule}: by default as the
 *   C(h,j)·C(k-h,5-j) five-number sub-combinations at each tier j, or only its highest tier;
 * - where the tier had no winner (published value 0) or no value at all, the prize is an
 *   estimate ({@link estimateTierPrize}) and is marked as such.
 */
import { type Draw, FIRST_DUQUE_CONTEST, LAST_CRUZEIRO_REAL_CONTEST, type TierHits } from '../draw.js';
import { choose } from './prices.js';

export const PAYOUT_RULES = ['subcombinations', 'highest-tier'] as const;
/**
 * How a k>5 ticket with h hits is paid: `subcombinations` counts every winning 5-number
 * sub-combination, C(h,j)·C(k-h,5-j) at each tier j; `highest-tier` pays one prize at its best tier.
 */
export type PayoutRule = (typeof PAYOUT_RULES)[number];
export const DEFAULT_PAYOUT_RULE: PayoutRule = 'subcombinations';

export function isPayoutRule(value: unknown): value is PayoutRule {
  return typeof value === 'string' && (PAYOUT_RULES as readonly string[]).includes(value);
}

/** Share of revenue that goes to the prize pool (FACTS.md). */
export function poolShare(contest: number): number {
  return contest >= 6596 ? 0.4379 : 0.4335;
}

/** Share of the prize pool per tier since 2021-11 (FACTS.md); used for estimates only. */
export const TIER_SPLIT: Record<TierHits, number> = { 5: 0.35, 4: 0.15, 3: 0.1, 2: 0.1 };

/** Income tax withheld on prizes above the exemption limit (assumption, documented in the README). */
export const PRIZE_TAX_RATE = 0.3;
export const TAX_EXEMPTION_CENTS = 225_920;

/** Median net prize per winning ticket over the last two years (FACTS.md), the fallback estimate. */
export const MEDIAN_PRIZE_CENTS: Record<TierHits, number> = { 5: 839_000_000, 4: 836_400, 3: 10_200, 2: 404 };

export function tierPays(contest: number, tier: TierHits): boolean {
  return tier !== 2 || contest >= FIRST_DUQUE_CONTEST;
}

/** True when the contest's money is comparable (Real era). */
export function inMoneyEra(contest: number): boolean {
  return contest > LAST_CRUZEIRO_REAL_CONTEST;
}

/**
 * Estimated net prize per winning ticket when the published value is missing or 0 (no winner):
 * the tier's pool share of the contest's revenue split among (winners + 1) tickets, net of tax
 * above the exemption; without revenue, the two-year median.
 */
export function estimateTierPrize(draw: Pick<Draw, 'contest' | 'revenue_cents' | 'tiers'>, tier: TierHits): number {
  const revenue = draw.revenue_cents;
  if (revenue === null || revenue <= 0) return MEDIAN_PRIZE_CENTS[tier];
  const winners = draw.tiers[tier].winners ?? 0;
  // Exact integer arithmetic (basis points, BigInt): a float product such as 121379999.99999999
  // would otherwise floor one centavo short.
  const shareBp = BigInt(Math.round(poolShare(draw.contest) * 10_000));
  const splitPct = BigInt(Math.round(TIER_SPLIT[tier] * 100));
  const gross = Number((BigInt(revenue) * shareBp * splitPct) / (1_000_000n * BigInt(winners + 1)));
  return gross > TAX_EXEMPTION_CENTS ? afterTax(gross) : gross;
}

/** A gross prize less the income tax, rounded down to the centavo (exact: integer percent). */
export function afterTax(grossCents: number): number {
  return Math.floor((grossCents * Math.round((1 - PRIZE_TAX_RATE) * 100)) / 100);
}

/** Where a tier's prize came from: the draw's published value, or which estimate. */
export type PrizeSource = 'published' | 'pool-share' | 'median';

/** One sentence per {@link PrizeSource}, printed next to estimated figures. */
export const PRIZE_SOURCE_RULES: Record<PrizeSource, string> = {
  published: 'the net prize per winning ticket published for this contest',
  'pool-share': "estimate: the tier's share of the pool (revenue x pool share x tier split) divided among winners + 1, less 30% income tax above R$ 2.259,20",
  median: 'estimate: the median net prize per winning ticket over the last two years (FACTS.md), because the contest has no revenue figure',
};

export interface TierPrize {
  /** centavos per winning 5-number combination */
  cents: number;
  estimated: boolean;
  /** published, or the estimate rule used */
  source: PrizeSource;
}

/** Prize per winning ticket at `tier` for this draw: published when there were winners, else estimated. */
export function tierPrize(draw: Pick<Draw, 'contest' | 'revenue_cents' | 'tiers'>, tier: TierHits): TierPrize {
  const t = draw.tiers[tier];
  if (t.prize_cents !== null && t.prize_cents > 0 && (t.winners ?? 1) > 0) return { cents: t.prize_cents, estimated: false, source: 'published' };
  const source: PrizeSource = draw.revenue_cents !== null && draw.revenue_cents > 0 ? 'pool-share' : 'median';
  return { cents: estimateTierPrize(draw, tier), estimated: true, source };
}

/** How many winning 5-number combinations a k-number ticket with h hits holds at each tier. */
export function winningCombinations(numbers: number, hits: number, rule: PayoutRule): Record<TierHits, number> {
  const out: Record<TierHits, number> = { 5: 0, 4: 0, 3: 0, 2: 0 };
  if (rule === 'highest-tier') {
    const top = Math.min(hits, 5);
    if (top >= 2) out[top as TierHits] = 1;
    return out;
  }
  for (const j of [5, 4, 3, 2] as const) out[j] = choose(hits, j) * choose(numbers - hits, 5 - j);
  return out;
}

export interface TicketPrize {
  cents: number;
  /** true when any part of the amount is an estimate */
  estimated: boolean;
  /** winning combinations per tier that paid */
  tiers: Record<TierHits, number>;
}

/** The prize of one ticket of `numbers` numbers with `hits` hits in `draw` (0 outside the money era). */
export function ticketPrize(
  draw: Pick<Draw, 'contest' | 'revenue_cents' | 'tiers'>,
  numbers: number,
  hits: number,
  rule: PayoutRule = DEFAULT_PAYOUT_RULE,
): TicketPrize {
  const tiers = winningCombinations(numbers, hits, rule);
  let cents = 0;
  let estimated = false;
  if (!inMoneyEra(draw.contest)) return { cents: 0, estimated: false, tiers: { 5: 0, 4: 0, 3: 0, 2: 0 } };
  for (const j of [5, 4, 3, 2] as const) {
    if (!tiers[j]) continue;
    if (!tierPays(draw.contest, j)) {
      tiers[j] = 0;
      continue;
    }
    const p = tierPrize(draw, j);
    cents += tiers[j] * p.cents;
    estimated ||= p.estimated;
  }
  return { cents, estimated, tiers };
}
