/**
 * The verdict of an optimize study, counting every trial. The winner's train figure is put beside
 * what the best of N trials reaches by luck alone (the expected maximum of N standard normals and
 * its 95th percentile) and its p-value is Holm-adjusted over all N trials; the train range never
 * supports a claim of skill, since the search chose the winner there. Only the holdout figures can:
 * each is tested one-sided in the metric's better direction and Holm-adjusted over every holdout
 * figure of every look, so a second look at the holdout costs power instead of going unnoticed.
 *
 * The trials of one study share their draws, so their figures are positively correlated: the
 * best-of-N law of independent trials and Holm are both conservative for them (they overstate
 * what luck reaches), which errs on the side of never crediting luck as skill.
 *
 * Money metrics (net, ROI, drawdown, win rate) have no exact baseline, so their train figure cannot
 * be judged against luck; the caller then passes the holdout trials' mean_hits figures, and those
 * decide (`holdout_metric` says which metric the holdout figures are).
 */
import { METRIC_DOCS, type MetricName } from '../metrics.js';
import { formatNumber, formatPValue } from '../stats/format.js';
import { holm } from '../stats/multiple-testing.js';
import { normalCdf, normalQuantile } from '../stats/normal.js';

/** One trial's train figure of the study metric: value, exact baseline (null for money metrics), two-sided p-value vs the baseline. */
export interface TrialFigure {
  trial: number;
  value: number | null;
  baseline: number | null;
  p_value: number | null;
}

/** One holdout run's figure; `look` numbers the looks at the holdout (each look's figures are all counted). */
export interface HoldoutFigure {
  trial: number;
  look: number;
  value: number | null;
  baseline: number | null;
  p_value: number | null;
}

export interface StudyVerdictInput {
  metric: MetricName;
  trials: readonly TrialFigure[];
  /** the study metric's figures, or mean_hits figures when the study metric has no baseline */
  holdout: readonly HoldoutFigure[];
  /** how many times the holdout was looked at */
  looks: number;
}

export interface BestOfNull {
  /** E[max of N iid N(0,1)] */
  expected_z: number;
  /** the 95th percentile of that maximum: Φ^-1(0.95^(1/N)) */
  z95: number;
  /** the same in metric units, using the winner's sd (null when it is unknown) */
  expected_value: number | null;
  value95: number | null;
}

export interface StudyVerdict {
  metric: MetricName;
  /** the metric of the holdout figures: the study metric, or mean_hits when it has no baseline */
  holdout_metric: MetricName;
  /** trials with a value */
  trials_counted: number;
  /** the trial with the best train figure (ties: the earlier trial) */
  winner: number | null;
  train: {
    value: number | null;
    baseline: number | null;
    /** signed in the direction value - baseline */
    z: number | null;
    p_value: number | null;
    /** Holm-adjusted over every counted trial's p-value */
    p_adjusted: number | null;
    best_of_n_null: BestOfNull | null;
  };
  holdout: Array<{
    trial: number;
    look: number;
    value: number | null;
    baseline: number | null;
    p_value: number | null;
    /** one-sided, in the metric's better direction */
    p_one_sided: number | null;
    /** Holm-adjusted over every holdout figure of every look */
    p_adjusted: number | null;
  }>;
  looks: number;
  /** true only when some holdout figure's Holm-adjusted one-sided p is below 0.05 in the better direction */
  claims_skill: boolean;
  /** no holdout figure has a p-value */
  too_short: boolean;
  sentence: string;
}

const ALPHA = 0.05;
/** E[max of n normals] by n: a study's verdict is recomputed as trials arrive (at most 1000 entries). */
const expectedMaxCache = new Map<number, number>();

/**
 * E[max of n iid standard normals]: ∫ x · n φ(x) Φ(x)^(n-1) dx by Simpson's rule over [-10, 10]
 * (0 for n = 1, 1/√π for n = 2, 1.5388 for n = 10, 2.5076 for n = 100).
 */
export function expectedMaxNormal(n: number): number {
  if (!(n >= 1) || !Number.isInteger(n)) throw new RangeError(`expectedMaxNormal: bad n ${n}`);
  if (n === 1) return 0;
  const known = expectedMaxCache.get(n);
  if (known !== undefined) return known;
  const steps = 8000;
  const lo = -10;
  const h = 20 / steps;
  let sum = 0;
  for (let k = 0; k <= steps; k++) {
    const x = lo + k * h;
    const phi = Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI);
    const cdf = normalCdf(x);
    const f = cdf > 0 ? x * n * phi * Math.exp((n - 1) * Math.log(cdf)) : 0;
    sum += f * (k === 0 || k === steps ? 1 : k % 2 === 1 ? 4 : 2);
  }
  const e = (sum * h) / 3;
  if (expectedMaxCache.size < 1000) expectedMaxCache.set(n, e);
  return e;
}

/** The 95th percentile of the max of n iid standard normals: Φ^-1(0.95^(1/n)). */
function max95(n: number): number {
  return normalQuantile(Math.exp(Math.log(0.95) / n));
}

/** |z| from a two-sided p, signed by value - baseline; null when not finite. */
function zOf(value: number, baseline: number, p: number): number {
  const abs = -normalQuantile(p / 2);
  const z = value > baseline ? abs : value < baseline ? -abs : 0;
  return Number.isFinite(z) ? z : Math.sign(value - baseline) * 38;
}

function oneSided(value: number | null, baseline: number | null, p: number | null, higherIsBetter: boolean): number | null {
  if (value === null || baseline === null || p === null) return null;
  const towardBetter = higherIsBetter ? value > baseline : value < baseline;
  return towardBetter ? p / 2 : 1 - p / 2;
}

const fmt = (x: number): string => formatNumber(x);
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The verdict of a study from its trials' train figures and its holdout figures; see the module comment. */
export function studyVerdict(input: StudyVerdictInput): StudyVerdict {
  const { metric, looks } = input;
  const doc = METRIC_DOCS[metric];
  const holdoutMetric: MetricName = doc.has_baseline ? metric : 'mean_hits';
  const holdoutHigher = METRIC_DOCS[holdoutMetric].higher_is_better;
  const counted = input.trials.filter((t) => t.value !== null);
  const n = counted.length;

  let win: TrialFigure | null = null;
  for (const t of counted) {
    if (win === null) win = t;
    else {
      const better = doc.higher_is_better ? t.value! > win.value! : t.value! < win.value!;
      if (better || (t.value === win.value && t.trial < win.trial)) win = t;
    }
  }

  const withP = counted.filter((t) => t.p_value !== null);
  const adjusted = holm(withP.map((t) => t.p_value!));
  const winnerAdjusted = win === null ? -1 : withP.indexOf(win);
  const z = win && win.baseline !== null && win.p_value !== null ? zOf(win.value!, win.baseline, win.p_value) : null;
  let bestOfN: BestOfNull | null = null;
  if (win && win.baseline !== null) {
    const ez = expectedMaxNormal(n);
    const z95 = max95(n);
    const sd = z !== null && z !== 0 ? Math.abs(win.value! - win.baseline) / Math.abs(z) : null;
    const dir = doc.higher_is_better ? 1 : -1;
    bestOfN = {
      expected_z: ez,
      z95,
      expected_value: sd === null ? null : win.baseline + dir * ez * sd,
      value95: sd === null ? null : win.baseline + dir * z95 * sd,
    };
  }
  const train: StudyVerdict['train'] = {
    value: win?.value ?? null,
    baseline: win?.baseline ?? null,
    z,
    p_value: win?.p_value ?? null,
    p_adjusted: winnerAdjusted >= 0 ? adjusted[winnerAdjusted]! : null,
    best_of_n_null: bestOfN,
  };

  const oneSidedPs = input.holdout.map((h) => oneSided(h.value, h.baseline, h.p_value, holdoutHigher));
  const testable = oneSidedPs.map((p, i) => (p === null ? -1 : i)).filter((i) => i >= 0);
  const holdoutAdjusted = holm(testable.map((i) => oneSidedPs[i]!));
  const holdout: StudyVerdict['holdout'] = input.holdout.map((h, i) => {
    const at = testable.indexOf(i);
    return {
      trial: h.trial,
      look: h.look,
      value: h.value,
      baseline: h.baseline,
      p_value: h.p_value,
      p_one_sided: oneSidedPs[i]!,
      p_adjusted: at >= 0 ? holdoutAdjusted[at]! : null,
    };
  });
  const claimsSkill = holdout.some((h) => h.p_adjusted !== null && h.p_adjusted < ALPHA);
  const tooShort = testable.length === 0;

  const verdict: StudyVerdict = {
    metric,
    holdout_metric: holdoutMetric,
    trials_counted: n,
    winner: win?.trial ?? null,
    train,
    holdout,
    looks,
    claims_skill: claimsSkill,
    too_short: tooShort,
    sentence: '',
  };
  verdict.sentence = sentenceOf(verdict, input.holdout.length);
  return verdict;
}

function trainSentence(v: StudyVerdict): string {
  const n = v.trials_counted;
  const t = v.train;
  const best = `The best of ${plural(n, 'trial')} reached ${v.metric} ${fmt(t.value!)} on the train range`;
  if (t.baseline === null) {
    return `${best}; a money figure has no exact baseline, so it cannot be judged against luck: the holdout's ${v.holdout_metric} figures decide.`;
  }
  if (t.p_value === null || t.p_adjusted === null) return `${best} (expected ${fmt(t.baseline)}).`;
  const parts = [`${best} (expected ${fmt(t.baseline)}; p = ${formatPValue(t.p_value)} alone, ${formatPValue(t.p_adjusted)} after counting all ${n} trials)`];
  const b = t.best_of_n_null!;
  if (n > 1) {
    if (b.expected_value !== null && b.value95 !== null) {
      parts.push(`luck alone makes the best of ${n} reach about ${fmt(b.expected_value)}, and below ${fmt(b.value95)} 95% of the time`);
    } else {
      parts.push(`luck alone puts the best of ${n} about ${b.expected_z.toFixed(2)} standard deviations beyond its expectation`);
    }
  }
  const sentence = parts.join('; ') + '.';
  const better = METRIC_DOCS[v.metric].higher_is_better ? 1 : -1;
  const zBetter = (t.z ?? 0) * better;
  if (zBetter <= b.z95) return `${sentence} On the train range the winner is what luck alone produces for the best of ${n}.`;
  return `${sentence} That is beyond what the best of ${n} reaches by luck 95% of the time, but it was chosen on these draws: only the holdout can tell.`;
}

function holdoutSentence(v: StudyVerdict, figures: number): string {
  if (figures === 0) return 'The holdout has not been run yet: nothing can be claimed.';
  if (v.too_short) return 'The holdout range is too short to judge any trial: nothing can be claimed.';
  const m = v.holdout_metric;
  const mine = v.holdout.filter((h) => h.trial === v.winner && h.p_adjusted !== null);
  const shown = mine.length > 0 ? mine[mine.length - 1]! : v.holdout.filter((h) => h.p_adjusted !== null).sort((a, b) => a.p_adjusted! - b.p_adjusted!)[0]!;
  const who = shown.trial === v.winner ? 'it' : `trial ${shown.trial}`;
  const scored = `On the holdout ${who} scored ${m} ${fmt(shown.value!)}, expected ${fmt(shown.baseline!)} (p = ${formatPValue(shown.p_value!)})`;
  const counted = `${plural(v.holdout.filter((h) => h.p_adjusted !== null).length, 'holdout figure')} counted`;
  if (!v.claims_skill) return `${scored}: what luck alone produces (${counted}).`;
  const best = v.holdout.filter((h) => h.p_adjusted !== null).sort((a, b) => a.p_adjusted! - b.p_adjusted!)[0]!;
  return (
    `${scored}. Trial ${best.trial} beats its exact baseline on the holdout (one-sided p = ${formatPValue(best.p_one_sided!)}, ` +
    `${formatPValue(best.p_adjusted!)} with ${counted}): it is worth confirming on draws no study has seen.`
  );
}

function sentenceOf(v: StudyVerdict, figures: number): string {
  if (v.trials_counted === 0) return `No trial produced a figure of ${v.metric}: there is nothing to judge.`;
  const parts = [trainSentence(v), holdoutSentence(v, figures)];
  if (v.looks > 1) parts.push(`The holdout was looked at ${v.looks} times; every look is counted.`);
  return parts.join(' ');
}
