/** Domain types for Quina draws. Money in integer centavos; `null` where unknown. */

export const BALL_MIN = 1;
export const BALL_MAX = 80;
export const BALLS_PER_DRAW = 5;

export type Balls = readonly [number, number, number, number, number];

/** Hits -> tier name. Duque (2 hits) pays only from contest 4085 (2016-05-16). */
export const TIERS = { 5: 'quina', 4: 'quadra', 3: 'terno', 2: 'duque' } as const;
export type TierHits = 2 | 3 | 4 | 5;
export const FIRST_DUQUE_CONTEST = 4085;
/** Contests up to this one were paid in Cruzeiro Real: excluded from money figures. */
export const LAST_CRUZEIRO_REAL_CONTEST = 28;

export interface TierResult {
  winners: number | null;
  /** net prize per winning ticket, centavos */
  prize_cents: number | null;
}

export interface Draw {
  contest: number;
  /** ISO date YYYY-MM-DD */
  date: string;
  /** sorted ascending */
  balls: Balls;
  tiers: Record<TierHits, TierResult>;
  accumulated_5_cents: number | null;
  revenue_cents: number | null;
  estimated_next_cents: number | null;
  accumulated_sao_joao_cents: number | null;
  winner_locations: string | null;
  notes: string | null;
  currency: 'BRL' | 'CRR';
  synthetic: boolean;
  source: string;
}

/**
 * A compact, chronological view of draws for the predictor: `balls[5*i .. 5*i+4]` are the
 * sorted balls of `contests[i]`. Typed arrays so a window is a zero-copy `subarray`.
 */
export interface History {
  readonly count: number;
  readonly contests: Int32Array;
  readonly balls: Uint8Array;
}

export function buildHistory(draws: ReadonlyArray<Pick<Draw, 'contest' | 'balls'>>): History {
  const contests = new Int32Array(draws.length);
  const balls = new Uint8Array(draws.length * BALLS_PER_DRAW);
  draws.forEach((d, i) => {
    contests[i] = d.contest;
    balls.set(d.balls, i * BALLS_PER_DRAW);
  });
  return { count: draws.length, contests, balls };
}

/** The last `size` draws of `history` strictly before index `end` (zero-copy). */
export function historyWindow(history: History, end: number, size: number): History {
  const start = Math.max(0, end - size);
  return {
    count: end - start,
    contests: history.contests.subarray(start, end),
    balls: history.balls.subarray(start * BALLS_PER_DRAW, end * BALLS_PER_DRAW),
  };
}
