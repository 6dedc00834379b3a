import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WITHOUT_REPLACEMENT_SCALE, computeDrawStats } from '../../../src/core/draw-stats.js';
import type { Balls } from '../../../src/core/draw.js';
import { chiSquarePValue } from '../../../src/core/stats.js';
import { QUINA_CSV, haveShared } from '../../helpers/shared.js';

/** Balls of every contest in the cleaned CSV (columns b1..b5 are the 3rd to 7th). */
function readCsvBalls(): Balls[] {
  return readFileSync(QUINA_CSV, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(',').slice(2, 7).map(Number) as unknown as Balls);
}

describe('draws stats: chi-square for draws without replacement', () => {
  it('[12.5.2] draws stats scales the chi-square for draws without replacement by 79/75', () => {
    expect(WITHOUT_REPLACEMENT_SCALE).toBe(79 / 75);
    // 16 draws covering every number exactly once: Pearson's statistic is 0 whatever the scale.
    const cover = Array.from({ length: 16 }, (_, i) => [1, 2, 3, 4, 5].map((j) => i * 5 + j) as unknown as Balls);
    expect(computeDrawStats(cover).chi_square.statistic).toBe(0);
    // The same 5 numbers drawn 16 times: counts 16 (x5) and 0 (x75), expected 1 each.
    const same = Array.from({ length: 16 }, () => [1, 2, 3, 4, 5] as unknown as Balls);
    const s = computeDrawStats(same).chi_square;
    const pearson = 5 * 15 ** 2 + 75 * 1;
    expect(s.pearson_statistic).toBeCloseTo(pearson, 9);
    expect(s.statistic).toBeCloseTo((pearson * 79) / 75, 9);
    expect(s.p_value).toBe(chiSquarePValue(s.statistic, 79));
  });

  it.skipIf(!haveShared())('[12.5.2] draws stats on the real results gives the p-values of FACTS.md (0.69 last 1,000, 0.053 all)', () => {
    const balls = readCsvBalls();
    expect(balls.length).toBe(6882);
    expect(computeDrawStats(balls.slice(-1000)).chi_square.p_value.toFixed(2)).toBe('0.69');
    expect(computeDrawStats(balls).chi_square.p_value.toFixed(3)).toBe('0.053');
  });
});
