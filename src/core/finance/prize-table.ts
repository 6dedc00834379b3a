/**
 * A contest's prize table as `finance prizes` shows it: per tier, the published winners and net
 * prize per winning ticket, the amount luckyfive pays a winning combination in replays and
 * settlements, and whether (and by which rule) that amount is an estimate.
 */
import { type Draw, TIERS, type TierHits } from '../draw.js';
import { PRIZE_SOURCE_RULES, type PrizeSource, inMoneyEra, tierPays, tierPrize } from './prizes.js';

export interface PrizeTierRow {
  tier: (typeof TIERS)[TierHits];
  hits: TierHits;
  /** false for duque before contest 4085 and for every tier of a Cruzeiro Real contest */
  pays: boolean;
  winners: number | null;
  published_prize_cents: number | null;
  /** the net prize per winning ticket luckyfive uses (0 when the tier does not pay) */
  prize_cents: number;
  estimated: boolean;
  source: PrizeSource | 'not-paid';
}

export interface PrizeTable {
  contest: number;
  /** null for a contest not drawn yet */
  date: string | null;
  status: 'drawn' | 'future';
  currency: 'BRL' | 'CRR';
  in_money_era: boolean;
  tiers: PrizeTierRow[];
  /** the sentence behind each source used */
  rules: Partial<Record<PrizeSource, string>>;
}

type DrawPrizes = Pick<Draw, 'contest' | 'revenue_cents' | 'tiers'> & { date: string | null; currency: 'BRL' | 'CRR' };

/**
 * The prize table of an imported draw, or of a future contest (`draw` null), whose every tier is an
 * estimate from the two-year medians since its revenue is unknown.
 */
export function buildPrizeTable(contest: number, draw: DrawPrizes | null): PrizeTable {
  const unknown = { winners: null, prize_cents: null };
  const d: DrawPrizes = draw ?? { contest, date: null, currency: 'BRL', revenue_cents: null, tiers: { 5: unknown, 4: unknown, 3: unknown, 2: unknown } };
  const money = inMoneyEra(contest);
  const rules: PrizeTable['rules'] = {};
  const tiers = ([5, 4, 3, 2] as const).map((hits): PrizeTierRow => {
    const t = d.tiers[hits];
    const base = { tier: TIERS[hits], hits, winners: t.winners, published_prize_cents: t.prize_cents };
    if (!money || !tierPays(contest, hits)) return { ...base, pays: false, prize_cents: 0, estimated: false, source: 'not-paid' };
    const p = tierPrize(d, hits);
    rules[p.source] = PRIZE_SOURCE_RULES[p.source];
    return { ...base, pays: true, prize_cents: p.cents, estimated: p.estimated, source: p.source };
  });
  return { contest, date: d.date, status: draw ? 'drawn' : 'future', currency: d.currency, in_money_era: money, tiers, rules };
}
