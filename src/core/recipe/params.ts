/**
 * The knobs of each strategy, with their ranges and defaults. Defaults for the advanced strategy
 * come from the legacy loader (`old/tools/loader/loader.go`), the reference implementation; the
 * presets in `recipes/` override the expensive ones so a backtest stays fast.
 *
 * Every knob here changes the tickets it is said to change (a test moves each one with the rest
 * fixed). The old system accepted most of them and ignored them; this one rejects what it would
 * ignore: a key that does not belong to the recipe's strategy is an error, not a no-op.
 */
import { z } from 'zod';

/** A finite number in [min, max] with messages a person can act on. */
export function num(min: number, max: number) {
  return z
    .number({ error: (iss) => (iss.input === undefined ? 'required' : `must be a number, got ${describeValue(iss.input)}`) })
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);
}

/** A whole number in [min, max]. */
export function int(min: number, max: number) {
  return num(min, max).int('must be a whole number');
}

export function bool() {
  return z.boolean({ error: (iss) => (iss.input === undefined ? 'required' : `must be true or false, got ${describeValue(iss.input)}`) });
}

export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `"${v.length > 40 ? `${v.slice(0, 40)}...` : v}"`;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return typeof v === 'undefined' ? 'nothing' : `a ${typeof v}`;
}

/** The legacy filters' settings (`smart_filters: true`). */
export const SMART_FILTER_DEFAULTS: Readonly<{
  enabled: boolean;
  mean_min: number;
  mean_max: number;
  min_odd: number;
  min_even: number;
  max_consecutive: number;
}> = { enabled: true, mean_min: 24, mean_max: 56, min_odd: 1, min_even: 1, max_consecutive: 2 };

/**
 * The legacy "topological" filters, generalized to k numbers: the legacy bounds on the sum
 * (120..280 for 5 numbers) are bounds on the mean (24..56), the legacy "not all odd, not all
 * even" is one odd and one even at least, and at most 2 pairs of consecutive numbers. When
 * enabled, the advanced strategy generates 5x the candidates (as the legacy tool did) and the
 * final selection skips candidates that fail. `true`/`false` is shorthand for the defaults,
 * enabled or not.
 */
export const SmartFiltersSchema = z
  .union([
    bool(),
    z.strictObject({
      enabled: bool().default(true).describe('apply the filters to the final selection (and generate 5x the candidates)'),
      mean_min: num(1, 80).default(24).describe("lowest allowed mean of a ticket's numbers (legacy: sum >= 120 for 5 numbers)"),
      mean_max: num(1, 80).default(56).describe("highest allowed mean of a ticket's numbers (legacy: sum <= 280 for 5 numbers)"),
      min_odd: int(0, 15).default(1).describe('at least this many odd numbers (legacy: not all even)'),
      min_even: int(0, 15).default(1).describe('at least this many even numbers (legacy: not all odd)'),
      max_consecutive: int(0, 14).default(2).describe('at most this many pairs of consecutive numbers, e.g. 7 8 (legacy: 2)'),
    }),
  ])
  .default(true)
  .transform((v) => (typeof v === 'boolean' ? { ...SMART_FILTER_DEFAULTS, enabled: v } : v))
  .describe('sum/odd-even/run filters on the final tickets: true, false, or an object of bounds');

export type SmartFilters = z.output<typeof SmartFiltersSchema>;

/** The legacy generator's knobs (§5.2 of the reference). */
export const AdvancedParamsSchema = z.strictObject({
  lambda: num(0, 2).default(0.08).describe('recency decay per draw in the number weights and in the marginal probabilities of the final selection'),
  hot_cold_boost: num(0, 100).default(1.5).describe('weight multiplier for "cold" numbers (absent from the last hot_window draws)'),
  hot_window: int(1, 10000).default(15).describe('how many recent draws define the "hot" numbers'),
  coocc_window: int(0, 10000).default(100).describe('last N draws used for the pair (co-occurrence) statistics; 0 = the whole history'),
  cands_mult: int(1, 1000).default(100).describe('candidates generated = tickets x cands_mult (x5 with smart filters)'),
  hill_iter: int(0, 10000).default(100).describe('hill-climb steps per candidate'),
  alpha: num(0, 1000).default(1.5).describe('weight of the pair (co-occurrence) score'),
  beta: num(0, 1000).default(0.5).describe('weight of the marginal frequency score'),
  gamma: num(0, 1000).default(1.0).describe('weight of the positional score (how often each number falls at its sorted position)'),
  cluster_penalty: num(0, 1000).default(2.0).describe('penalty per extra number in the same decade (legacy "delta")'),
  smart_filters: SmartFiltersSchema,
  evolutionary: bool()
    .default(true)
    .describe(
      'run the genetic search over the best candidates; its cards join the coverage selection, where they win once the tickets cover all 80 numbers and the score decides',
    ),
  generations: int(1, 1000).default(40).describe('genetic search generations'),
  mutation_rate: num(0, 1).default(0.15).describe('probability that a child swaps one number for a random one'),
  population_size: int(2, 10000).default(100).describe('genetic population, seeded with the best-ranked candidates; must exceed elites'),
  elites: int(0, 1000).default(10).describe('best individuals copied unchanged into each generation'),
});

export type AdvancedParams = z.output<typeof AdvancedParamsSchema>;

/** Hot or cold numbers by recency-weighted frequency. */
export const FrequencyParamsSchema = z.strictObject({
  mode: z
    .enum(['hot', 'cold'], { error: (iss) => (iss.input === undefined ? 'required' : `must be "hot" or "cold", got ${describeValue(iss.input)}`) })
    .default('hot')
    .describe('"hot" favours the most frequent numbers, "cold" the least frequent'),
  window: int(0, 10000).default(0).describe('count only the last N draws of the history; 0 = the whole history'),
  lambda: num(0, 2).default(0.08).describe('recency decay per draw: a draw d draws ago counts exp(-lambda*d); 0 = plain counts'),
  pool: int(5, 80)
    .default(20)
    .describe('tickets are drawn from the pool best-ranked numbers (grown automatically if it cannot supply enough distinct tickets)'),
});

export type FrequencyParams = z.output<typeof FrequencyParamsSchema>;

/** The random baseline has no knobs. */
export const RandomParamsSchema = z.strictObject({});

/** Hard cap on generated candidates per contest (memory: each candidate is k bytes + a score). */
export const MAX_CANDIDATES = 200_000;

/** Candidates the advanced strategy generates per contest. */
export function candidateCount(tickets: number, p: Pick<AdvancedParams, 'cands_mult' | 'smart_filters'>): number {
  return tickets * p.cands_mult * (p.smart_filters.enabled ? 5 : 1);
}
