import { describe, expect, it } from 'vitest';
import { type CompactDraw, REMOTE_RUN_VERSION, RemoteRunPayloadSchema, compactDraw, expandDraw } from '../../../src/core/remote-run.js';
import { makeDraws } from '../../helpers/draws.js';

const request = {
  version: 1,
  preset: null,
  recipe_name: null,
  recipe: { version: '2', strategy: 'random', tickets: 2, numbers_per_ticket: 5, history: 10, seed: 1 },
  recipe_hash: 'a'.repeat(64),
  from: 4011,
  to: 4020,
  seed: 1,
  name: null,
  threads: null,
  dataset_hash: 'b'.repeat(64),
};

describe('remote run payload', () => {
  it('a compact draw keeps what a run reads: contest, date, balls, tiers, revenue, currency, synthetic', () => {
    for (const d of makeDraws(4001, 4020)) {
      const back = expandDraw(compactDraw(d), d.source);
      expect({ ...back, source: d.source }).toMatchObject({
        contest: d.contest,
        date: d.date,
        balls: d.balls,
        tiers: d.tiers,
        revenue_cents: d.revenue_cents,
        currency: d.currency,
        synthetic: d.synthetic,
      });
    }
  });

  it('the schema takes a well-formed payload and refuses another version, a bad run id or a malformed draw', () => {
    const draws = makeDraws(4001, 4020).map(compactDraw);
    const ok = {
      version: REMOTE_RUN_VERSION,
      run_id: '20261203-120000-abcdef',
      request,
      draws,
      prices: [{ from: '2000-01-01', price_cents: 250 }],
      payout_rule: 'subcombinations',
      dataset_hash: 'b'.repeat(64),
      engine_version: 'luckyfive-engine/2',
    };
    expect(RemoteRunPayloadSchema.safeParse(ok).success).toBe(true);
    expect(RemoteRunPayloadSchema.safeParse({ ...ok, version: 2 }).success).toBe(false);
    expect(RemoteRunPayloadSchema.safeParse({ ...ok, run_id: '../etc/passwd' }).success).toBe(false);
    const bad: CompactDraw = [...draws[0]!];
    bad[2] = [1, 2, 3, 4, 81];
    expect(RemoteRunPayloadSchema.safeParse({ ...ok, draws: [bad] }).success).toBe(false);
    expect(RemoteRunPayloadSchema.safeParse({ ...ok, extra: 1 }).success).toBe(false);
  });
});
