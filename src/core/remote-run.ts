/**
 * A run shipped through the queue to another machine: self-describing, so a worker needs no
 * catalog ({@link RemoteRunPayloadSchema}), and the run file it sends back ({@link RemoteRunResultSchema}).
 */
import { z } from 'zod';
import type { Draw, TierHits } from './draw.js';
import { PAYOUT_RULES } from './finance/prizes.js';
import { ResolvedRunRequestSchema } from './run-request.js';

/** Version of {@link RemoteRunPayloadSchema}; bumped when its meaning changes. */
export const REMOTE_RUN_VERSION = 1;

const cents = z.int().nullable();
const HEX64 = /^[0-9a-f]{64}$/;
/** The tiers a compact draw lists, in this order. */
const TIER_ORDER: readonly TierHits[] = [5, 4, 3, 2];

/**
 * One draw as a run needs it, compact: what the predictor sees (contest, balls), what scoring and
 * money read (date, tiers as `[winners, prize_cents]` for 5, 4, 3 and 2 hits, revenue, currency)
 * and what the dataset hash covers (`synthetic`).
 */
export const CompactDrawSchema = z.tuple([
  z.int().min(1), // contest
  z.string().regex(/^\d{4}-\d{2}-\d{2}$/), // date
  z.array(z.int().min(1).max(80)).length(5), // balls
  z.array(z.tuple([cents, cents])).length(4), // tiers 5, 4, 3, 2
  cents, // revenue_cents
  z.union([z.literal(0), z.literal(1)]), // synthetic
  z.enum(['BRL', 'CRR']), // currency
]);
export type CompactDraw = z.infer<typeof CompactDrawSchema>;

export const PricePeriodSchema = z.strictObject({
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  price_cents: z.int().min(0),
  note: z.string().optional(),
});

/**
 * What a coordinator queues for one run: the resolved request (`core/run-request.ts`), the run id
 * it chose, the draws the run may see (its history window and range), the frozen price table and
 * payout rule, the dataset hash of those draws and the engine version the coordinator runs. A
 * worker refuses a payload whose engine version differs from its own or whose draws do not hash
 * to `dataset_hash`: never a silently different result.
 */
export const RemoteRunPayloadSchema = z.strictObject({
  version: z.literal(REMOTE_RUN_VERSION),
  /** the run id the coordinator chose (lowercase letters, digits and dashes, as store/run-file.ts checks) */
  run_id: z.string().regex(/^[a-z0-9][a-z0-9-]{5,63}$/),
  request: ResolvedRunRequestSchema,
  draws: z.array(CompactDrawSchema).min(1),
  prices: z.array(PricePeriodSchema).min(1),
  payout_rule: z.enum(PAYOUT_RULES),
  dataset_hash: z.string().regex(HEX64),
  engine_version: z.string().min(1),
  /**
   * When set (an ISO time), no worker starts the run after it and a running one stops at the
   * next contest boundary when it passes (a sweep's `--deadline`, held on every worker). Workers'
   * clocks are trusted to within a few seconds.
   */
  not_after: z.iso.datetime().optional(),
});
export type RemoteRunPayload = z.infer<typeof RemoteRunPayloadSchema>;

/** What a worker returns: the finished run file, gzip-compressed, in base64. */
export const RemoteRunResultSchema = z.strictObject({
  version: z.literal(REMOTE_RUN_VERSION),
  run_id: z.string(),
  /** the run file (SQLite), gzip, base64 */
  file_gz: z.string().min(1),
  /** bytes of the run file before compression */
  bytes: z.int().min(0),
  contests: z.int().min(0),
});
export type RemoteRunResult = z.infer<typeof RemoteRunResultSchema>;

/** A queued run's progress, as its worker reports it (BullMQ job progress). */
export const RemoteRunProgressSchema = z.strictObject({
  /** contests written so far */
  done: z.int().min(0),
  /** contests the run has */
  total: z.int().min(0),
  /** the last contest written */
  contest: z.int().min(0),
  /** the worker that holds the run */
  worker: z.string(),
});
export type RemoteRunProgress = z.infer<typeof RemoteRunProgressSchema>;

/** A draw in its compact form. */
export function compactDraw(d: Draw): CompactDraw {
  return [
    d.contest,
    d.date,
    [...d.balls],
    TIER_ORDER.map((t) => [d.tiers[t].winners, d.tiers[t].prize_cents] as [number | null, number | null]),
    d.revenue_cents,
    d.synthetic ? 1 : 0,
    d.currency,
  ];
}

/** A compact draw back as a {@link Draw}; what it does not carry (accumulations, notes...) is null. */
export function expandDraw(c: CompactDraw, source: string): Draw {
  const [contest, date, balls, tiers, revenue, synthetic, currency] = c;
  const tier = (i: number) => ({ winners: tiers[i]![0], prize_cents: tiers[i]![1] });
  return {
    contest,
    date,
    balls: [balls[0]!, balls[1]!, balls[2]!, balls[3]!, balls[4]!],
    tiers: { 5: tier(0), 4: tier(1), 3: tier(2), 2: tier(3) },
    accumulated_5_cents: null,
    revenue_cents: revenue,
    estimated_next_cents: null,
    accumulated_sao_joao_cents: null,
    winner_locations: null,
    notes: null,
    currency,
    synthetic: synthetic === 1,
    source,
  };
}
