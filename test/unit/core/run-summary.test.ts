import { describe, expect, it } from 'vitest';
import { buildHitCounts, computeMetrics } from '../../../src/core/metrics.js';
import { summarizeRun, tallyContests } from '../../../src/core/run-summary.js';

const contest = (n: number, hits: number[], cost: number, prize: number, estimated = false) => ({
  contest: n,
  hits,
  best_hits: hits.reduce((b, c, h) => (c > 0 ? h : b), 0),
  cost_cents: cost,
  prize_cents: prize,
  prize_estimated: estimated,
});

const RUN = [
  contest(4001, [1, 1, 0, 0, 0, 0], 600, 0),
  contest(4002, [0, 1, 1, 0, 0, 0], 600, 404, true),
  contest(4003, [2, 0, 0, 0, 0, 0], 600, 0),
  contest(4004, [0, 1, 0, 1, 0, 0], 600, 10200),
];

describe('the one summary pipeline', () => {
  it('gives the report the same figures the metrics and the hit counts are computed from', () => {
    const t = summarizeRun({ numbers_per_ticket: 5, tickets_per_contest: 2, contests: RUN });
    const m = computeMetrics({ numbers_per_ticket: 5, contests: RUN });
    expect(t.summary.mean_hits).toBe(m.mean_hits);
    expect(t.summary.rates).toEqual({ rate_2: m.rate_2, rate_3: m.rate_3, rate_4: m.rate_4, rate_5: m.rate_5 });
    expect(t.summary.best_rates).toEqual({ best_2plus: m.best_2plus, best_3plus: m.best_3plus, best_4plus: m.best_4plus });
    expect(t.finance).toMatchObject({ net_cents: m.net_cents, roi_pct: m.roi_pct, max_drawdown_cents: m.max_drawdown_cents, win_rate: m.win_rate });
    const counts = buildHitCounts({ numbers_per_ticket: 5, contests: RUN });
    expect({ tickets: t.tickets, contests: t.contests, distribution: t.summary.hit_distribution, best: t.summary.best_hits_at_least }).toEqual({
      tickets: counts.tickets,
      contests: counts.contests,
      distribution: counts.distribution,
      best: counts.best_at_least,
    });
  });

  it('keeps the books: break-even contest, best prize, estimated prizes, contests outside the money era', () => {
    const t = summarizeRun({ numbers_per_ticket: 5, tickets_per_contest: 2, contests: [...RUN, contest(4005, [2, 0, 0, 0, 0, 0], 0, 0)] });
    expect(t.finance).toMatchObject({
      break_even_contest: 4004,
      best_prize: { contest: 4004, prize_cents: 10200 },
      prizes_estimated: true,
      contests_outside_money_era: 1,
    });
    expect(t.summary.baseline).not.toBeNull();
  });

  it('an empty run: zeros in the stored report, nulls in the metrics, no baseline', () => {
    const t = summarizeRun({ numbers_per_ticket: 5, tickets_per_contest: 3, contests: [] });
    expect(t.summary.mean_hits).toBe(0);
    expect(t.finance.roi_pct).toBeNull();
    expect(t.summary.baseline).toBeNull();
    expect(computeMetrics({ numbers_per_ticket: 5, contests: [] }).mean_hits).toBeNull();
    expect(tallyContests([]).tickets).toBe(0);
  });
});
