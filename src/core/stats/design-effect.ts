/**
 * Kish's design effect: how much more (or less) a count over tickets that share one draw varies
 * than the same number of independent tickets would. The exact null variance comes from the
 * tickets themselves (src/core/contest-moments.ts); a share is then judged as if it had been
 * measured on n / design independent tickets, which keeps the exact binomial machinery (its tails,
 * its Wilson interval) while giving the count its true spread.
 */

/** The exact variance over the binomial one n·p·(1-p); undefined when either is unknown or 0. */
export function designEffect(variance: number | undefined, trials: number, p0: number): number | undefined {
  const binomial = trials * p0 * (1 - p0);
  return variance !== undefined && binomial > 0 ? variance / binomial : undefined;
}

/**
 * The trials and successes to test a share on: the effective n/design and count/design (rounded,
 * at least one trial) when the tickets vary together (design > 1); the count itself otherwise,
 * where the binomial test is exact for independent tickets and conservative for tickets that vary
 * less than independent ones.
 */
export function effectiveShare(count: number, trials: number, design: number | undefined): { x: number; n: number } {
  if (design === undefined || !(design > 1)) return { x: count, n: trials };
  const n = Math.max(1, Math.round(trials / design));
  return { n, x: Math.min(n, Math.max(0, Math.round(count / design))) };
}
