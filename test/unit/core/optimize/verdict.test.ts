import { describe, expect, it } from 'vitest';
import { expectedMaxNormal, studyVerdict, type HoldoutFigure, type TrialFigure } from '../../../../src/core/optimize/verdict.js';
import { createRng, type Rng } from '../../../../src/core/rng.js';
import { normalCdf, normalTwoSided } from '../../../../src/core/stats/normal.js';

const BASE = 0.3125;
const SD = 0.005;
/** A mean_hits figure z standard deviations from the baseline. */
const trial = (t: number, z: number): TrialFigure => ({ trial: t, value: BASE + z * SD, baseline: BASE, p_value: normalTwoSided(z) });
const hold = (t: number, z: number, look = 1): HoldoutFigure => ({ ...trial(t, z), look });

function gauss(rng: Rng): number {
  const u = 1 - rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

describe('study verdict', () => {
  it('[18.2.20] E[max of N iid normals]: 0, 1/sqrt(pi), 1.5388, 2.5076', () => {
    expect(expectedMaxNormal(1)).toBe(0);
    expect(expectedMaxNormal(2)).toBeCloseTo(1 / Math.sqrt(Math.PI), 6);
    expect(expectedMaxNormal(10)).toBeCloseTo(1.5388, 4);
    expect(expectedMaxNormal(100)).toBeCloseTo(2.5076, 4);
    expect(expectedMaxNormal(1000)).toBeCloseTo(3.2414, 3);
  });

  it('[18.2.21] the winner is the best train figure (ties: earlier trial), its p Holm-adjusted over every counted trial, beside the best-of-N null', () => {
    const trials = [trial(0, 0.5), trial(1, 2.8), trial(2, -3.5), { trial: 3, value: null, baseline: BASE, p_value: null }, trial(4, 2.8), trial(5, 1)];
    const v = studyVerdict({ metric: 'mean_hits', trials, holdout: [], looks: 0 });
    expect(v.trials_counted).toBe(5);
    expect(v.winner).toBe(1);
    expect(v.train.z).toBeCloseTo(2.8, 8);
    // Holm: the winner's p ranks 2nd of 5 (trial 2 has a smaller p) -> 4 x p, and at least the first step 5 x p(trial 2)
    const p = normalTwoSided(2.8);
    expect(v.train.p_adjusted).toBeCloseTo(Math.max(4 * p, 5 * normalTwoSided(3.5)), 12);
    const b = v.train.best_of_n_null!;
    expect(b.expected_z).toBeCloseTo(expectedMaxNormal(5), 12);
    expect(b.z95).toBeCloseTo(1.6448536269514722 + 0.699, 1);
    expect(b.expected_value).toBeCloseTo(BASE + b.expected_z * SD, 9);
    expect(b.value95).toBeCloseTo(BASE + b.z95 * SD, 9);
    expect(v.claims_skill).toBe(false);
    expect(v.sentence).toMatch(/The best of 5 trials reached mean_hits 0\.3265 on the train range/);
    expect(v.sentence).toMatch(/The holdout has not been run yet/);
    // lower is better: the smallest figure wins
    const dd = studyVerdict({
      metric: 'max_drawdown_cents',
      trials: [
        { trial: 0, value: 500, baseline: null, p_value: null },
        { trial: 1, value: 300, baseline: null, p_value: null },
        { trial: 2, value: 300, baseline: null, p_value: null },
      ],
      holdout: [],
      looks: 0,
    });
    expect(dd.winner).toBe(1);
    expect(dd.train.best_of_n_null).toBeNull();
    expect(dd.holdout_metric).toBe('mean_hits');
    expect(dd.sentence).toMatch(/cannot be judged against luck: the holdout's mean_hits figures decide/);
  });

  it('[18.2.22] the 95% point of the best of N is exact: Phi^-1(0.95^(1/N))', () => {
    const trials = Array.from({ length: 230 }, (_, i) => trial(i, i === 17 ? 3 : 0.1));
    const v = studyVerdict({ metric: 'mean_hits', trials, holdout: [], looks: 0 });
    const b = v.train.best_of_n_null!;
    // P(max of 230 normals <= z95) = Phi(z95)^230 = 0.95
    expect(normalCdf(b.z95) ** 230).toBeCloseTo(0.95, 9);
    expect(v.sentence).toMatch(/p = 0\.003 alone, 0\.62 after counting all 230 trials/);
    expect(v.sentence).toMatch(/what luck alone produces for the best of 230/);
  });

  it('[18.2.23] no claim of skill on figures at the baseline; a claim when a holdout p is tiny in the better direction, none when tiny in the worse one', () => {
    const trials = [trial(0, 4), trial(1, 1), trial(2, 0)];
    const flat = studyVerdict({ metric: 'mean_hits', trials, holdout: [hold(0, 0), hold(1, 0), hold(2, 0)], looks: 1 });
    expect(flat.claims_skill).toBe(false);
    expect(flat.holdout.map((h) => h.p_one_sided)).toEqual([0.5, 0.5, 0.5]);
    expect(flat.sentence).toMatch(/beyond what the best of 3 reaches by luck 95% of the time, but it was chosen on these draws: only the holdout can tell/);
    expect(flat.sentence).toMatch(/On the holdout it scored mean_hits 0\.3125, expected 0\.3125 \(p = 1\.00\): what luck alone produces/);
    const good = studyVerdict({ metric: 'mean_hits', trials, holdout: [hold(0, 4), hold(1, 0), hold(2, 0)], looks: 1 });
    expect(good.claims_skill).toBe(true);
    expect(good.holdout[0]!.p_one_sided).toBeCloseTo(normalTwoSided(4) / 2, 15);
    expect(good.holdout[0]!.p_adjusted).toBeCloseTo((3 * normalTwoSided(4)) / 2, 15);
    expect(good.sentence).toMatch(/Trial 0 beats its exact baseline on the holdout/);
    const bad = studyVerdict({ metric: 'mean_hits', trials, holdout: [hold(0, -4), hold(1, -5), hold(2, 0)], looks: 1 });
    expect(bad.claims_skill).toBe(false);
    expect(bad.holdout[0]!.p_one_sided).toBeGreaterThan(0.99);
    // a money metric's study is decided by the holdout's mean_hits figures, higher being better
    const money = [0, 1, 2].map((t) => ({ trial: t, value: -100 * t, baseline: null, p_value: null }));
    expect(studyVerdict({ metric: 'max_drawdown_cents', trials: money, holdout: [hold(0, 4)], looks: 1 }).claims_skill).toBe(true);
    expect(studyVerdict({ metric: 'max_drawdown_cents', trials: money, holdout: [hold(0, -4)], looks: 1 }).claims_skill).toBe(false);
  });

  it('[18.2.24] every look at the holdout is counted: Holm over all figures of all looks, and the sentence says so', () => {
    const trials = [trial(0, 3), trial(1, 2)];
    const z = 2.3; // one-sided p = 0.0107: below 0.05 alone, not after 6 figures
    const once = studyVerdict({ metric: 'mean_hits', trials, holdout: [hold(0, z), hold(1, 0)], looks: 1 });
    expect(once.claims_skill).toBe(true);
    const thrice = studyVerdict({
      metric: 'mean_hits',
      trials,
      holdout: [hold(0, z), hold(1, 0), hold(0, 0, 2), hold(1, 0, 2), hold(0, 0.2, 3), hold(1, 0.1, 3)],
      looks: 3,
    });
    expect(thrice.claims_skill).toBe(false);
    expect(thrice.holdout[0]!.p_adjusted).toBeCloseTo((6 * normalTwoSided(z)) / 2, 12);
    expect(thrice.sentence).toMatch(/The holdout was looked at 3 times; every look is counted\./);
    expect(once.sentence).not.toMatch(/looked at/);
  });

  it('[18.2.25] too short: no holdout figure with a p-value; nothing counted: no winner', () => {
    const v = studyVerdict({
      metric: 'mean_hits',
      trials: [trial(0, 1)],
      holdout: [{ trial: 0, look: 1, value: null, baseline: null, p_value: null }],
      looks: 1,
    });
    expect(v.too_short).toBe(true);
    expect(v.claims_skill).toBe(false);
    expect(v.sentence).toMatch(/too short to judge/);
    const empty = studyVerdict({ metric: 'mean_hits', trials: [{ trial: 0, value: null, baseline: null, p_value: null }], holdout: [], looks: 0 });
    expect(empty.winner).toBeNull();
    expect(empty.trials_counted).toBe(0);
    expect(empty.sentence).toMatch(/No trial produced a figure of mean_hits/);
  });

  it('[18.2.26] property: in 2,000 simulated null studies (iid N(0,1) trial and holdout z) the share claiming skill stays at 5%', () => {
    const rng = createRng(18, 2);
    const studies = 2000;
    let claims = 0;
    let trainBeyond95 = 0;
    for (let s = 0; s < studies; s++) {
      const trials = Array.from({ length: 40 }, (_, i) => trial(i, gauss(rng)));
      const ranked = [...trials].sort((a, b) => b.value! - a.value! || a.trial - b.trial);
      const holdout = ranked.slice(0, 3).map((t) => hold(t.trial, gauss(rng)));
      const v = studyVerdict({ metric: 'mean_hits', trials, holdout, looks: 1 });
      expect(v.winner).toBe(ranked[0]!.trial);
      if (v.claims_skill) claims++;
      if (v.train.z! > v.train.best_of_n_null!.z95) trainBeyond95++;
    }
    const bound = 0.05 + 3 * Math.sqrt((0.05 * 0.95) / studies);
    expect(claims / studies).toBeLessThanOrEqual(bound);
    // the best-of-N law is right: the winner passes its 95% point about 5% of the time (not the ~87% a raw p < 0.05 gives)
    expect(trainBeyond95 / studies).toBeLessThanOrEqual(bound);
    expect(trainBeyond95 / studies).toBeGreaterThanOrEqual(0.05 - 3 * Math.sqrt((0.05 * 0.95) / studies));
  });
});
