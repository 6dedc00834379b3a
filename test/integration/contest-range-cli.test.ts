import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PredictPool, createPredictPool } from '../../src/engine/pool.js';
import { cli, tempDir } from '../helpers/cli.js';
import { makeDraws, seedDraws } from '../helpers/draws.js';
import { type TestServer, startTestServer } from '../helpers/server.js';

describe('contest ranges: the same rule in every command and route', () => {
  const data = tempDir('luckyfive-range-');
  let s: TestServer;
  let pool: PredictPool;
  beforeAll(async () => {
    seedDraws(data.dir, makeDraws(4001, 4100));
    pool = createPredictPool(1);
    s = await startTestServer({}, { pool });
    seedDraws(s.dir, makeDraws(4001, 4100));
  });
  afterAll(async () => {
    await s.close();
    await pool.close();
    data.cleanup();
  });

  it('[12.6.4] draws stats refuses --last with --from/--to instead of silently picking one', async () => {
    const r = await cli(['draws', 'stats', '--from', '4010', '--to', '4050', '--last', '5'], { dataDir: data.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/give --from\/--to or --last, not both/);
  });

  it('[12.6.4] empty, reversed and oversized ranges exit 2 in draws, simulate and sweep alike', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['draws', 'stats', '--last', '20000'], /--last 20000: at most 10,000 contests/],
      [['draws', 'stats', '--last', '0'], /empty range/],
      [['draws', 'stats', '--from', '4050', '--to', '4010'], /4050\.\.4010 is empty/],
      [['draws', 'list', '--from', '4050', '--to', '4010'], /4050\.\.4010 is empty/],
      [['simulate', '--preset', 'balanced', '--last', '20000'], /--last 20000: at most 10,000 contests/],
      [['simulate', '--preset', 'balanced', '--from', '4050', '--to', '4010'], /4050\.\.4010 is empty/],
      [['sweep', '--preset', 'balanced', '--param', 'alpha=0.1,0.2', '--last', '20000'], /--last 20000: at most 10,000 contests/],
      [['sweep', '--preset', 'balanced', '--param', 'alpha=0.1,0.2', '--from', '4050', '--to', '4060', '--last', '3'], /not both/],
      [
        ['sweep', '--preset', 'balanced', '--param', 'alpha=0.1,0.2', '--last', '5', '--holdout-from', '4000', '--holdout-to', '3990'],
        /4000\.\.3990 is empty: --holdout-from must not be after --holdout-to/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await cli(args, { dataDir: data.dir });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
  });

  it('[12.6.4] runs verify refuses --sample with --all', async () => {
    const r = await cli(['runs', 'verify', 'no-such-run', '--sample', '5', '--all'], { dataDir: data.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--sample N or --all, not both/);
  });

  it('[12.6.4] the HTTP body and query follow the same rule (E_RANGE_INVALID, 400)', async () => {
    const tiny = { version: '2', name: 'tiny', strategy: 'random', tickets: 1, history: 10 };
    for (const body of [
      { recipe: tiny, last: 20_000 },
      { recipe: tiny, last: 0 },
      { recipe: tiny, from: 4050, to: 4010 },
      { recipe: tiny, from: 4010, to: 4020, last: 5 },
      { recipe: tiny, from: 4010 },
    ]) {
      const r = await s.post('/api/v1/simulations', s.keys.analyst, body);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      expect(r.json().error.code, JSON.stringify(body)).toBe('E_RANGE_INVALID');
    }
    const big = await s.post('/api/v1/simulations', s.keys.analyst, { recipe: tiny, last: 20_000 });
    expect(big.json().error.details).toEqual(['body.last 20000: at most 10,000 contests']);
    const q = await s.get('/api/v1/draws?from=4050&to=4010', s.keys.viewer);
    expect(q.statusCode).toBe(400);
    expect(q.json().error.code).toBe('E_RANGE_INVALID');
  });
});
