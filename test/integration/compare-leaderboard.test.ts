import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRIC_NAMES } from '../../src/core/metrics.js';
import { pairedPermutationTest, signTest } from '../../src/core/stats.js';
import { cli, tempDir } from '../helpers/cli.js';
import { makeDraws, seedDraws } from '../helpers/draws.js';

let dir: string;
let cleanup: () => void;
const run = (args: string[]) => cli(args, { dataDir: dir });
const ids: Record<string, string> = {};

async function simulate(name: string, recipe: object, range: string[]): Promise<string> {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ version: '2', name, numbers_per_ticket: 5, ...recipe }));
  const r = await run(['simulate', '--recipe', file, ...range, '--threads', '1', '--json']);
  expect(r.code, r.stderr).toBe(0);
  return r.json().run_id as string;
}

/** Per-contest mean hits from a run's ticket export. */
async function perContest(id: string): Promise<Map<number, number>> {
  const rows = (await run(['runs', 'export', id])).stdout
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));
  const acc = new Map<number, { h: number; n: number }>();
  for (const [contest, , , hits] of rows) {
    const a = acc.get(Number(contest)) ?? { h: 0, n: 0 };
    a.h += Number(hits);
    a.n++;
    acc.set(Number(contest), a);
  }
  return new Map([...acc].map(([c, a]) => [c, a.h / a.n]));
}

beforeAll(async () => {
  ({ dir, cleanup } = tempDir());
  seedDraws(dir, makeDraws(4001, 4300));
  ids.a = await simulate('a', { strategy: 'random', tickets: 5, history: 30, seed: 1 }, ['--from', '4241', '--to', '4300']);
  ids.b = await simulate('b', { strategy: 'random', tickets: 5, history: 30, seed: 2 }, ['--from', '4241', '--to', '4300']);
  ids.c = await simulate('c', { strategy: 'random', tickets: 5, history: 30, seed: 3 }, ['--from', '4101', '--to', '4140']);
  ids.f = await simulate('f', { strategy: 'frequency', tickets: 4, history: 50, seed: 1 }, ['--from', '4261', '--to', '4300']);
  ids.d = await simulate('d', { strategy: 'advanced', tickets: 3, history: 40, seed: 1, params: { cands_mult: 2, hill_iter: 5, evolutionary: false } }, [
    '--from',
    '4281',
    '--to',
    '4300',
  ]);
});
afterAll(() => cleanup());

describe('compare', () => {
  it('gives every metric a rank, spread and winner, and a paired p-value per contest for runs on the same contests', async () => {
    const r = await run(['compare', ids.a!, ids.b!, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const rep = r.json();
    expect(rep.metrics.map((m: any) => m.metric)).toEqual([...METRIC_NAMES]);
    for (const m of rep.metrics) {
      expect(m.values).toHaveLength(2);
      expect(m.stats.count).toBe(m.values.filter((v: any) => v.value !== null).length);
      const firsts = m.values.filter((v: any) => v.rank === 1);
      expect(m.winner).toBe(firsts.length === 1 ? firsts[0].run_id : null);
    }
    const mh = rep.metrics.find((m: any) => m.metric === 'mean_hits');
    expect(mh.values[0].baseline).toBeCloseTo(0.3125, 12);
    expect(mh.values[0].p_value).toEqual(expect.any(Number));
    expect(mh.stats.mean).toBeCloseTo((mh.values[0].value + mh.values[1].value) / 2, 12);
    // the pair test is paired by contest: recompute it from the exported tickets
    const [pa, pb] = [await perContest(ids.a!), await perContest(ids.b!)];
    const contests = [...pa.keys()].sort((x, y) => x - y);
    const diffs = contests.map((c) => pa.get(c)! - pb.get(c)!);
    expect(rep.pairs).toHaveLength(1);
    const p = rep.pairs[0];
    expect(p).toMatchObject({ a: ids.a, b: ids.b, paired: true, shared_contests: 60, iterations: 10_000, seed: 0 });
    expect(p.a_better + p.b_better + p.ties).toBe(60);
    expect(p.sign_p).toBeCloseTo(signTest(diffs).p_value, 12);
    expect(p.permutation_p).toBeCloseTo(pairedPermutationTest(diffs, { iterations: 10_000, seed: 0 }).p_value, 12);
    expect(p.permutation_p_holm).toBe(p.permutation_p);
    expect(p.sentence).toMatch(/on 60 shared contests/);
    const text = await run(['compare', ids.a!, ids.b!, '--metrics', 'mean_hits,roi_pct']);
    expect(text.stdout).toMatch(/mean_hits/);
    expect(text.stdout).toMatch(/sign test p = /);
  });

  it('pairs on the shared contests only, compares unpaired with a note when none are shared, and adjusts over pairs', async () => {
    const r = (await run(['compare', ids.a!, ids.f!, ids.c!, '--metrics', 'mean_hits', '--json'])).json();
    expect(r.pairs).toHaveLength(3);
    const af = r.pairs.find((p: any) => p.b === ids.f);
    expect(af).toMatchObject({ paired: true, shared_contests: 40 });
    const ac = r.pairs.find((p: any) => p.a === ids.a && p.b === ids.c);
    expect(ac).toMatchObject({ paired: false, shared_contests: 0, sign_p: null });
    expect(ac.permutation_p).toBeGreaterThan(0);
    expect(r.notes.join(' ')).toMatch(/share no contest: compared unpaired/);
    for (const p of r.pairs) expect(p.permutation_p_holm).toBeGreaterThanOrEqual(p.permutation_p);
  });

  it('rejects fewer than two runs (exit 2), unknown runs (exit 3) and unknown metrics (exit 2)', async () => {
    expect((await run(['compare', ids.a!])).code).toBe(2);
    expect((await run(['compare', ids.a!, ids.a!])).code).toBe(2);
    expect((await run(['compare', ids.a!, '20990101-000000-abcdef'])).code).toBe(3);
    expect((await run(['compare', ids.a!, ids.b!, '--metrics', 'quina_rate'])).code).toBe(2);
  });
});

describe('leaderboard', () => {
  it('adjusts p-values over EVERY matching run, however many are shown', async () => {
    const all = (await run(['leaderboard', '--limit', '0', '--json'])).json();
    expect(all.matching).toBe(5);
    expect(all.tested).toBe(5);
    expect(all.rows).toHaveLength(5);
    const values = all.rows.map((r: any) => r.value);
    expect(values).toEqual([...values].sort((x: number, y: number) => y - x));
    const smallest = all.rows.reduce((m: any, r: any) => (r.p_value < m.p_value ? r : m));
    expect(smallest.p_holm).toBeCloseTo(Math.min(1, smallest.p_value * 5), 12);
    const top = (await run(['leaderboard', '--limit', '1', '--json'])).json();
    expect(top.rows).toHaveLength(1);
    expect(top.matching).toBe(5);
    expect(top.rows[0]).toEqual(all.rows[0]);
    expect(top.rows[0].p_holm).toBeGreaterThanOrEqual(top.rows[0].p_value);
    if (top.rows[0].run_id === smallest.run_id) expect(top.rows[0].p_holm).toBeGreaterThanOrEqual(Math.min(1, top.rows[0].p_value * 5) - 1e-12);
  });

  it('filters on recipe knobs, run fields and metrics; the family shrinks with the filter', async () => {
    const random = (await run(['leaderboard', '--filter', 'strategy=random and history<=30', '--json'])).json();
    expect(random.matching).toBe(3);
    expect(random.rows.every((r: any) => r.strategy === 'random')).toBe(true);
    const knob = (await run(['leaderboard', '--filter', 'hill_iter=5 or params.pool>=1', '--json'])).json();
    expect(knob.rows.map((r: any) => r.run_id).sort()).toEqual([ids.d, ids.f].sort());
    const metric = (await run(['leaderboard', '--metric', 'best_2plus', '--filter', 'contests>=60 and mean_hits>=0', '--json'])).json();
    expect(metric.matching).toBe(2);
    expect(metric.metric).toBe('best_2plus');
    const money = (await run(['leaderboard', '--metric', 'net_cents', '--json'])).json();
    expect(money.rows.every((r: any) => r.p_value === null && r.p_holm === null && r.baseline === null)).toBe(true);
    expect((await run(['leaderboard', '--since', '2999-01-01', '--json'])).json().matching).toBe(0);
    const csv = (await run(['leaderboard', '--limit', '2', '--csv'])).stdout.trim().split('\n');
    expect(csv[0]).toBe('rank,run_id,name,strategy,contests,mean_hits,baseline,p_value,p_holm,p_bh,sweep_id,created_at,lift,synthetic_data');
    expect(csv).toHaveLength(3);
    const text = (await run(['leaderboard'])).stdout;
    expect(text).toMatch(/5 of 5 matching runs shown; Holm and BH adjust over all 5/);
  });

  it('a bad filter, metric or date exits 2', async () => {
    expect((await run(['leaderboard', '--filter', 'history>>2'])).code).toBe(2);
    expect((await run(['leaderboard', '--filter', 'histroy>=2'])).code).toBe(2);
    expect((await run(['leaderboard', '--metric', 'avg_hits'])).code).toBe(2);
    expect((await run(['leaderboard', '--since', '2025-02-30'])).code).toBe(2);
    expect((await run(['leaderboard', '--json', '--csv'])).code).toBe(2);
  });

  it('[12.6.5] a filter comparing a field with a value of the wrong type exits 2, not 0 rows', async () => {
    for (const filter of ['history>=abc', 'mean_hits < high', 'synthetic > 1', 'synthetic = yes', 'alpha >= x']) {
      const r = await run(['leaderboard', '--filter', filter]);
      expect(r.code, filter).toBe(2);
      expect(r.stderr, filter).toMatch(/filter: \w+ is (a number|true or false)/);
    }
    expect((await run(['leaderboard', '--filter', 'history>="20" and synthetic=false and name!=null'])).code).toBe(0);
  });

  it('[12.6.5] integer flags are strict: decimal digits only, no spaces, signs, leading zeros or exponents', async () => {
    for (const v of ['0x10', ' 10', '10 ', '1e1', '+5', '010', '-0', '5.0']) {
      const r = await run(['leaderboard', '--limit', v]);
      expect(r.code, v).toBe(2);
      expect(r.stderr, v).toMatch(/--limit must be a whole number \(decimal digits only\)/);
    }
    expect((await run(['leaderboard', '--limit', '10'])).code).toBe(0);
    expect((await run(['sweep', 'list', '--limit', ' 1e1 '])).code).toBe(2);
  });
});
