/**
 * The honesty layer: every figure a backtest produces, next to its exact expectation under
 * uniform draws, with a p-value, a confidence interval, the smallest effect the run could have
 * revealed, and a plain sentence. The sentences never claim skill: a figure above the baseline is
 * what chance alone produces in 1 of 20 comparisons, so the most they say is "confirm on a
 * holdout range".
 *
 * The null hypothesis is "the draw is uniform". Per-ticket figures have the exact hypergeometric
 * expectations below. A strategy's tickets in one contest share the draw and often share numbers,
 * so their hits move together: with the run's tickets known (`BestOfLaws.moments`), every
 * per-ticket figure is tested against the exact null variance of ITS tickets, summed over the
 * independent contests (src/core/contest-moments.ts): the mean by a z-test on the total, the
 * shares by an exact binomial test on the effective number of tickets (Kish's design effect: the
 * exact variance over the binomial one) when the tickets vary together more than independent ones,
 * and on the tickets themselves otherwise (disjoint tickets vary less: the binomial test is then
 * conservative). Without the tickets (hand-made counts) the tickets are taken as independent and
 * the figures say so (`design_effect` absent). The per-contest (best-of) figures are exact: each
 * contest's probability is the law of a uniform draw for its actual tickets (src/core/best-of.ts),
 * and the count over independent contests is Poisson-binomial.
 */
import { LuckyError } from '../errors.js';
import { type ContestMoments, ticketThirdMoment } from './contest-moments.js';
import { validateHitCounts, type HitCounts } from './hit-counts.js';
import { expectedHitCounts, expectedHits, hitProbabilities, hitsSd, probAtLeast, probBestAtLeast } from './odds.js';
import { designEffect, effectiveShare } from './stats/design-effect.js';
import { skewedTotalTest } from './stats/edgeworth.js';
import { poissonBinomialNormalTest, poissonBinomialTest } from './stats/poisson-binomial.js';
import {
  binomialTest,
  formatCount,
  formatInteger,
  formatNumber,
  formatPValue,
  formatRate,
  holm,
  meanInterval,
  minDetectableLift,
  minDetectableLiftMean,
  roundUp2,
  trialsToDetect,
  trialsToDetectMean,
  wilsonInterval,
} from './stats.js';

export type { HitCounts } from './hit-counts.js';

export type BaselineFigureName = 'mean_hits' | 'tickets_2plus' | 'tickets_3plus' | 'tickets_4plus' | 'tickets_5' | 'best_2plus' | 'best_3plus' | 'best_4plus';

export interface BaselineFigure {
  /** what is counted, for tables: "tickets with 2+ hits" */
  label: string;
  /** tickets or contests the figure is measured over */
  trials: number;
  observed: number;
  /** exact expectation under uniform draws */
  expected: number;
  /** events counted (null for the mean) */
  observed_count: number | null;
  expected_count: number | null;
  /** 95% interval of the observed figure (Wilson for rates, normal for the mean) */
  ci95: [number, number];
  /** two-sided: exact binomial for rates, z-test with the exact hypergeometric sd for the mean */
  p_value: number;
  /** Holm-adjusted over the figures that are not too short (null for those that are) */
  p_adjusted: number | null;
  /** smallest relative lift (0.2 = +20%) this run could detect (5% two-sided, 80% power); null = not even a doubling */
  min_detectable_lift: number | null;
  /** fewer than 5 expected events (or non-events): the figure cannot be judged */
  too_short: boolean;
  sentence: string;
  /**
   * best-of figures only: how the expectation was obtained. `tickets-exact`: counted exactly for
   * each contest's actual tickets (p-value from the exact Poisson-binomial); `tickets-monte-carlo`:
   * some contests sampled (their sampling error is in the p-value, see `expected_mc_sd`);
   * `independent-tickets`: 1 - (1 - P(>= h))^T, only when the tickets are unknown.
   */
  null_model?: BestOfNullModel;
  /** standard deviation of the expected count due to Monte Carlo sampling (0 when exact) */
  expected_mc_sd?: number;
  /**
   * per-ticket figures, when the run's tickets are known: the exact null variance of the count (or
   * of the total hits) for these tickets over the variance independent tickets would have. Above 1
   * the tickets share numbers and their hits move together (the test then counts trials / effect);
   * below 1 they compete for the same balls. Absent: the tickets were taken as independent.
   */
  design_effect?: number;
}

export type BestOfNullModel = 'tickets-exact' | 'tickets-monte-carlo' | 'independent-tickets';

/**
 * The per-contest null law of the best-of figures: for each contest (in any order, one entry
 * per contest counted), P(best ticket >= h) under a uniform draw for ITS tickets, and the Monte
 * Carlo variance of that probability (0 when counted exactly). See src/core/best-of.ts.
 */
export interface BestOfLaws {
  p: { 2: ArrayLike<number>; 3: ArrayLike<number>; 4: ArrayLike<number> };
  mc_variance: { 2: number; 3: number; 4: number };
  /** the per-ticket counts' exact null variances for the actual tickets, summed over the contests (absent when some contest's are unknown) */
  moments?: ContestMoments;
}

/** The exact null variances a run's index keeps for its p-values (src/core/metrics.ts metricPValue). */
export interface NullVariances {
  /** of the total hits over all tickets */
  total_hits: number;
  /** the third central moment of the total hits (its skew) */
  total_hits_k3: number;
  /** of the number of tickets with exactly h hits */
  exactly: { 2: number; 3: number; 4: number; 5: number };
}

export interface BaselineReport {
  numbers_per_ticket: number;
  tickets: number;
  contests: number;
  tickets_per_contest: number;
  /** observed and expected tickets per hit count 0..5 */
  distribution: Array<{ hits: number; observed: number; expected: number; probability: number }>;
  figures: Record<BaselineFigureName, BaselineFigure>;
  /** exact null variances for the run's actual tickets (absent when the tickets are unknown) */
  null_variances?: NullVariances;
  /** true when even the commonest prize tier (2+ hits per ticket) is expected fewer than 5 times */
  too_short: boolean;
  verdict: string;
}

/** The minimum expected count (events and non-events) for a figure to be judged at all. */
export const MIN_EXPECTED_EVENTS = 5;

type Unit = 'tickets' | 'contests';

interface RateSpec {
  label: string;
  unit: Unit;
  trials: number;
  count: number;
  p0: number;
  /** "3.1% of tickets hit 2+" / "0 tickets hit 4+" */
  describeRate: (rate: string) => string;
  describeCount: (count: string) => string;
  /** p-value override (Poisson-binomial for best-of figures) */
  test?: (count: number) => number;
  /** the exact null variance of the count for the actual tickets (per-ticket figures) */
  variance?: number | undefined;
  extra?: Pick<BaselineFigure, 'null_model' | 'expected_mc_sd'>;
}

/**
 * Trials at which a doubling would be detected (5%, 80% power) and 5 events are expected, for
 * trials whose count has `design` times the variance of independent ones (tickets sharing numbers);
 * rounded to two significant digits after the design effect, never before it.
 */
function trialsNeeded(p0: number, design = 1): number {
  const floor = Math.ceil(MIN_EXPECTED_EVENTS / Math.min(p0, 1 - p0));
  return roundUp2((p0 < 0.5 ? Math.max(floor, trialsToDetect(p0, 1)) : floor) * Math.max(1, design));
}

function judge(observed: number, expected: number, p: number): string {
  const ps = formatPValue(p);
  if (p >= 0.05) return `, p = ${ps}: no evidence of skill`;
  if (observed > expected) return `: above the baseline (p = ${ps}), which is what chance alone does in 1 of 20 comparisons; confirm on a holdout range`;
  return `: below the baseline (p = ${ps}), which chance alone also does in 1 of 20 comparisons`;
}

/** " (...: 13.9x the variance of independent tickets, counted in p)" when the tickets vary together noticeably. */
function overlapNote(design: number | undefined): string {
  if (design === undefined || design < 1.1) return '';
  return ` (the tickets share numbers, so their hits move together: ${formatNumber(design)}x the variance of independent tickets, counted in p)`;
}

function rateFigure(s: RateSpec): BaselineFigure {
  const observed = s.count / s.trials;
  const expectedCount = s.p0 * s.trials;
  const design = designEffect(s.variance, s.trials, s.p0);
  // Tickets that vary together: the exact test on the effective number of tickets; otherwise on the tickets (conservative when they vary less).
  const eff = effectiveShare(s.count, s.trials, design);
  const tooShort = Math.min(s.p0 * eff.n, (1 - s.p0) * eff.n) < MIN_EXPECTED_EVENTS;
  const p = s.test ? s.test(s.count) : binomialTest(eff.x, eff.n, s.p0);
  const mdl = s.p0 < 1 ? minDetectableLift(s.p0, eff.n) : { lift: Number.POSITIVE_INFINITY, detectable: false };
  const ci = eff.n === s.trials ? wilsonInterval(s.count, s.trials) : wilsonInterval(eff.x, eff.n);
  const sentence = tooShort
    ? `${s.describeCount(formatInteger(s.count))}, expected ${formatCount(expectedCount)}: far too few ${s.unit} to tell (this needs ~${formatInteger(trialsNeeded(s.p0, design ?? 1))} ${s.unit})`
    : `${s.describeRate(formatRate(observed))}, expected ${formatRate(s.p0)}${judge(observed, s.p0, p)}${overlapNote(design)}`;
  return {
    label: s.label,
    trials: s.trials,
    observed,
    expected: s.p0,
    observed_count: s.count,
    expected_count: expectedCount,
    ci95: ci,
    p_value: p,
    p_adjusted: null,
    min_detectable_lift: mdl.detectable ? mdl.lift : null,
    too_short: tooShort,
    sentence,
    ...s.extra,
    ...(design === undefined ? {} : { design_effect: design }),
  };
}

/**
 * Mean hits per ticket, tested on the total hits with its exact variance and skew (Edgeworth,
 * src/core/stats/edgeworth.ts): those of the actual tickets when `moments` is given (summed over
 * the contests), else of independent tickets.
 */
function meanFigure(c: HitCounts, moments?: Pick<ContestMoments, 'total' | 'total_k3'>): BaselineFigure {
  const k = c.numbers_per_ticket;
  const n = c.tickets;
  const mean0 = expectedHits(k);
  const sd0 = hitsSd(k);
  let total = 0;
  let squares = 0;
  c.distribution.forEach((count, h) => {
    total += count * h;
    squares += count * h * h;
  });
  const observed = total / n;
  const design = moments === undefined ? undefined : moments.total / (n * sd0 * sd0);
  // the per-ticket sd that gives the total its exact null spread
  const sdEff = sd0 * Math.sqrt(design ?? 1);
  const p = skewedTotalTest(total, n * mean0, moments?.total ?? n * sd0 * sd0, moments?.total_k3 ?? n * ticketThirdMoment(k));
  // Without the tickets, the interval uses the observed spread (sample sd); with them, the exact
  // null spread for these tickets, which IS the figure's spread since draws are uniform.
  const sampleSd = n > 1 ? Math.sqrt(Math.max(0, (squares - n * observed * observed) / (n - 1))) : sd0;
  const ci = meanInterval(observed, design === undefined ? sampleSd : sdEff, n);
  const tooShort = n * mean0 < MIN_EXPECTED_EVENTS;
  const mdl = minDetectableLiftMean(mean0, sdEff > 0 ? sdEff : sd0, n);
  const needed = roundUp2(Math.max(Math.ceil(MIN_EXPECTED_EVENTS / mean0), trialsToDetectMean(mean0, sdEff > 0 ? sdEff : sd0, 1)));
  const sentence = tooShort
    ? `${formatInteger(n)} ${n === 1 ? 'ticket' : 'tickets'} with ${formatInteger(total)} hits in all, expected ${formatCount(n * mean0)}: far too few tickets to tell (this needs ~${formatInteger(needed)} tickets)`
    : `${formatNumber(observed)} hits per ticket on average, expected ${formatNumber(mean0)}${judge(observed, mean0, p)}${overlapNote(design)}`;
  return {
    label: 'hits per ticket (mean)',
    trials: n,
    observed,
    expected: mean0,
    observed_count: null,
    expected_count: null,
    ci95: ci,
    p_value: p,
    p_adjusted: null,
    min_detectable_lift: mdl.detectable ? mdl.lift : null,
    too_short: tooShort,
    sentence,
    ...(design === undefined ? {} : { design_effect: design }),
  };
}

const plural = (n: string, one: string, many: string): string => `${n} ${n === '1' ? one : many}`;

function buildVerdict(figures: Record<BaselineFigureName, BaselineFigure>, reportTooShort: boolean): string {
  if (reportTooShort) {
    const f = figures.tickets_2plus;
    return `Far too few tickets to tell anything: even 2+ hits, the commonest prize tier, is expected only ${formatCount(f.expected_count ?? 0)} times (this needs ~${formatInteger(trialsNeeded(f.expected))} tickets).`;
  }
  const tested = Object.values(figures).filter((f) => !f.too_short);
  const m = tested.length;
  const sig = tested.filter((f) => f.p_value < 0.05);
  const minP = Math.min(...tested.map((f) => f.p_value));
  const minAdj = Math.min(...tested.map((f) => f.p_adjusted ?? 1));
  if (sig.length === 0) {
    return `No figure differs from the exact baseline beyond chance (smallest p = ${formatPValue(minP)} over ${m} figures): no evidence of skill, as expected when draws are uniform.`;
  }
  const above = sig.filter((f) => f.observed > f.expected).length;
  const below = sig.length - above;
  const verb = (n: number): string => (n === 1 ? 'is' : 'are');
  const lead =
    above && below
      ? `${above} of ${m} figures ${verb(above)} above and ${below} below`
      : `${sig.length} of ${m} figures ${verb(sig.length)} ${above ? 'above' : 'below'}`;
  const adj = `smallest p = ${formatPValue(minP)}, ${formatPValue(minAdj)} after Holm's correction for ${m} figures`;
  const tail = above
    ? 'which is what chance alone does in 1 of 20 comparisons per figure; confirm on a holdout range before reading anything into it.'
    : 'which chance alone also does in 1 of 20 comparisons per figure; on uniform draws no strategy can lower the odds either.';
  return `${lead} the baseline at p < 0.05 (${adj}), ${tail}`;
}

/**
 * Compares a run's hit counts with the exact odds. Figures: mean hits per ticket; share of
 * tickets with 2+, 3+, 4+ and exactly 5 hits; share of contests whose best ticket reached 2+, 3+,
 * 4+. The best-of expectations come from `bestOf`, the law of a uniform draw applied to each
 * contest's actual tickets (their sum is the expected count, and the count follows a
 * Poisson-binomial law); without it (tickets unknown) they fall back to 1 - (1 - P(>=h))^T, which
 * holds only for tickets that share no numbers, and say so (`null_model`). With `bestOf.moments`
 * the per-ticket figures are tested against the exact null variance of the actual tickets
 * (`design_effect`); without, as independent tickets. Throws E_INPUT_INVALID on inconsistent counts.
 */
export function compareToBaseline(c: HitCounts, bestOf?: BestOfLaws): BaselineReport {
  validateHitCounts(c);
  if (bestOf) {
    for (const h of [2, 3, 4] as const) {
      if (bestOf.p[h].length !== c.contests)
        throw new LuckyError('E_INPUT_INVALID', 'invalid best-of law', [`best_of.p.${h}: ${bestOf.p[h].length} contests, expected ${c.contests}`]);
    }
  }
  const k = c.numbers_per_ticket;
  const probs = hitProbabilities(k);
  const atLeast = (h: number): number => c.distribution.slice(h).reduce((s, d) => s + d, 0);
  const moments = bestOf?.moments;
  const ticketRate = (h: 2 | 3 | 4): BaselineFigure =>
    rateFigure({
      label: `tickets with ${h}+ hits`,
      unit: 'tickets',
      trials: c.tickets,
      count: atLeast(h),
      p0: probAtLeast(k, h),
      variance: moments?.at_least[h],
      describeRate: (r) => `${r} of tickets hit ${h}+`,
      describeCount: (n) => `${plural(n, 'ticket', 'tickets')} hit ${h}+`,
    });
  const bestRate = (h: 2 | 3 | 4): BaselineFigure => {
    const spec = {
      label: `contests whose best ticket hit ${h}+`,
      unit: 'contests' as const,
      trials: c.contests,
      count: c.best_at_least[h],
      describeRate: (r: string) => `${r} of contests had a ticket with ${h}+ hits`,
      describeCount: (n: string) => `${plural(n, 'contest', 'contests')} had a ticket with ${h}+ hits`,
    };
    if (!bestOf) return rateFigure({ ...spec, p0: probBestAtLeast(k, h, c.tickets_per_contest), extra: { null_model: 'independent-tickets' } });
    const ps = bestOf.p[h];
    let sum = 0;
    let variance = 0;
    for (let i = 0; i < ps.length; i++) {
      sum += ps[i]!;
      variance += ps[i]! * (1 - ps[i]!);
    }
    const mcVar = bestOf.mc_variance[h];
    const fig = rateFigure({
      ...spec,
      p0: sum / c.contests,
      test: (count) => (mcVar > 0 ? poissonBinomialNormalTest(count, sum, variance, mcVar) : poissonBinomialTest(count, ps)),
      extra: { null_model: mcVar > 0 ? 'tickets-monte-carlo' : 'tickets-exact', expected_mc_sd: Math.sqrt(mcVar) },
    });
    if (mcVar > 0 && !fig.too_short) fig.sentence += ` (expected count sampled: ${formatCount(sum)} ± ${formatCount(Math.sqrt(mcVar))}, included in p)`;
    return fig;
  };
  const figures: Record<BaselineFigureName, BaselineFigure> = {
    mean_hits: meanFigure(c, moments),
    tickets_2plus: ticketRate(2),
    tickets_3plus: ticketRate(3),
    tickets_4plus: ticketRate(4),
    tickets_5: rateFigure({
      label: 'tickets with all 5 hits',
      unit: 'tickets',
      trials: c.tickets,
      count: c.distribution[5]!,
      p0: probs[5]!,
      variance: moments?.exactly[5],
      describeRate: (r) => `${r} of tickets hit all 5`,
      describeCount: (n) => `${plural(n, 'ticket', 'tickets')} hit all 5`,
    }),
    best_2plus: bestRate(2),
    best_3plus: bestRate(3),
    best_4plus: bestRate(4),
  };
  // Holm over the figures that can be judged: valid under any dependence (2+ contains 3+, ...).
  const tested = Object.values(figures).filter((f) => !f.too_short);
  holm(tested.map((f) => f.p_value)).forEach((adj, i) => {
    tested[i]!.p_adjusted = adj;
  });
  const tooShort = figures.tickets_2plus.too_short;
  return {
    numbers_per_ticket: k,
    tickets: c.tickets,
    contests: c.contests,
    tickets_per_contest: c.tickets_per_contest,
    distribution: expectedHitCounts(k, c.tickets).map((expected, hits) => ({ hits, observed: c.distribution[hits]!, expected, probability: probs[hits]! })),
    figures,
    ...(moments ? { null_variances: { total_hits: moments.total, total_hits_k3: moments.total_k3, exactly: { ...moments.exactly } } } : {}),
    too_short: tooShort,
    verdict: buildVerdict(figures, tooShort),
  };
}
