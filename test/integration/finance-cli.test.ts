import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectedTierPrizes } from '../../src/core/finance/ev.js';
import { probExactly as hitProbability } from '../../src/core/odds.js';
import { booksCli, insertDraws, insertRun, makeDraw } from '../helpers/books.js';

const books = booksCli();
const { run } = books;

describe('finance prices', () => {
  it('lists the seeded table, adds a period, replaces a price and audits every change', async () => {
    const list = (await run('finance', 'prices', 'list', '--json')).json();
    expect(list.prices).toHaveLength(7);
    expect(list.prices.at(-2)).toMatchObject({ from: '2023-04-30', to: '2025-07-08', price_cents: 250, first_contest: 6500 });
    expect(list.prices.at(-1)).toMatchObject({ from: '2025-07-09', to: null, price_cents: 300, first_contest: 6800 });

    expect((await run('finance', 'prices', 'set', '--from', '2026-01-01', '--price', '3,50', '--note', 'announced')).stdout).toMatch(/added price R\$ 3,50/);
    const replaced = await run('finance', 'prices', 'set', '--from', '2026-01-01', '--price', '4.00', '--json');
    expect(replaced.json().change).toMatchObject({ from_date: '2026-01-01', old_price_cents: 350, new_price_cents: 400 });
    const after = (await run('finance', 'prices', 'list', '--json')).json().prices;
    expect(after).toHaveLength(8);
    expect(after.at(-2)).toMatchObject({ from: '2025-07-09', to: '2025-12-31' });
    expect(after.at(-1)).toMatchObject({ from: '2026-01-01', price_cents: 400, note: 'announced' });
    expect((await run('finance', 'prices', 'history', '--json')).json().changes).toHaveLength(9);
    // a bet booked in the new period is priced by the edited table
    const bet = await run('ledger', 'add', 'bet', '--contest', '6990', '--tickets', '1', '--date', '2026-02-01', '--json');
    expect(bet.json().entry.amount_cents).toBe(-400);
    expect((await run('finance', 'prices', 'set', '--from', '2026-02-30', '--price', '4')).code).toBe(2);
    expect((await run('finance', 'prices', 'set', '--from', '2026-03-01', '--price', '0')).code).toBe(2);
    expect((await run('finance', 'prices', 'set', '--from', '2026-03-01', '--price', '4,5,6')).code).toBe(2);
    expect((await run('finance', 'prices', 'list', '--json')).json().prices).toHaveLength(8);
  });
});

describe('finance prizes and payout rule', () => {
  it('shows published prizes and marks estimates with their rule', async () => {
    const doc = (await run('finance', 'prizes', '6500', '--json')).json();
    expect(doc).toMatchObject({ contest: 6500, date: '2024-06-01', status: 'drawn', base_price_cents: 250, payout_rule: 'subcombinations' });
    const [quina, quadra, terno, duque] = doc.tiers;
    expect(quina).toMatchObject({ tier: 'quina', winners: 0, published_prize_cents: 0, estimated: true, source: 'pool-share' });
    // revenue R$ 8.000.000,00 x 43.35% x 35% / (0 + 1), less 30% tax
    expect(quina.prize_cents).toBe(84_966_000); // exactly: 121.380.000 x 70%, no float cent lost
    expect(quadra).toMatchObject({ estimated: true, source: 'pool-share' });
    expect(terno).toMatchObject({ prize_cents: 12_000, estimated: false, source: 'published' });
    expect(duque).toMatchObject({ prize_cents: 400, estimated: false });
    expect(doc.rules['pool-share']).toMatch(/winners \+ 1/);

    const future = (await run('finance', 'prizes', '6883', '--json')).json();
    expect(future).toMatchObject({ status: 'future', date: null });
    expect(future.tiers.map((t: any) => [t.source, t.estimated])).toEqual(Array(4).fill(['median', true]));
    const human = await run('finance', 'prizes', '6500');
    expect(human.stdout).toMatch(/\(estimate\)/);
    expect(human.stdout).toMatch(/pool-share: estimate/);
    expect((await run('finance', 'prizes', '6700')).code).toBe(3);
    expect((await run('finance', 'prizes', 'abc')).code).toBe(2);
  });

  it('[12.5.4] finance prizes labels Cruzeiro Real amounts CR$, not R$', async () => {
    insertDraws(books.dir, [
      makeDraw(10, '1994-05-14', [1, 2, 3, 4, 5], {
        5: { winners: 1, prize_cents: 123_456_789 },
        4: { winners: 20, prize_cents: 1_234_500 },
        3: { winners: 900, prize_cents: 45_600 },
      }),
    ]);
    const human = await run('finance', 'prizes', '10');
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/CR\$ 1\.234\.567,89/);
    expect(human.stdout).toMatch(/CR\$ 12\.345,00/);
    const rows = human.stdout.split('\n').filter((l) => /^\|\s*(quina|quadra|terno)\b/.test(l));
    expect(rows).toHaveLength(3);
    for (const l of rows) expect(l).not.toMatch(/(^|[^C])R\$/);
    expect(human.stdout).not.toMatch(/base price R\$/);
    expect((await run('finance', 'prizes', '10', '--json')).json()).toMatchObject({ currency: 'CRR', in_money_era: false });
  });

  it('payout rule: shown, set, validated', async () => {
    expect((await run('finance', 'payout-rule')).stdout.trim()).toBe('subcombinations');
    expect((await run('finance', 'payout-rule', 'highest-tier', '--json')).json()).toEqual({ payout_rule: 'highest-tier' });
    expect((await run('finance', 'payout-rule', '--json')).json()).toEqual({ payout_rule: 'highest-tier' });
    expect((await run('finance', 'payout-rule', 'all')).code).toBe(2);
    expect((await run('finance', 'payout-rule')).stdout.trim()).toBe('highest-tier');
  });

  it('ev: the house edge per ticket at the R$ 3,00 price', async () => {
    const doc = (await run('finance', 'ev', '--json')).json();
    expect(doc).toMatchObject({ contest: 6883, numbers: 5, base_price_cents: 300, cost_cents: 300, ev_cents: 72.25, roi_pct: -75.92 });
    expect((await run('finance', 'ev', '--contest', '6500', '--json')).json()).toMatchObject({ base_price_cents: 250, ev_cents: 59.61, roi_pct: -76.16 });
  });
});

describe('finance roi', () => {
  it('puts simulated ROI next to the expectation and the real money, figures checked by hand', async () => {
    insertRun(books.dir, {
      run_id: 'runaaa111',
      name: 'hot-numbers',
      first_contest: 6500,
      last_contest: 6800,
      tickets: 1000,
      cost_cents: 275_000,
      prize_cents: 52_000,
      roi_pct: -81.09,
    });
    insertRun(books.dir, { run_id: 'runbbb222', first_contest: 6500, last_contest: 6882, tickets: 10, status: 'failed' });
    const f = join(books.dir, 't.json');
    // contest 6500 (R$ 2,50) drew 10 20 30 40 50: a terno and a duque
    writeFileSync(
      f,
      JSON.stringify([
        [10, 20, 30, 1, 2],
        [10, 20, 3, 4, 5],
      ]),
    );
    expect((await run('ledger', 'add', 'bet', '--contest', '6500', '--tickets-file', f, '--run', 'runaaa111')).code).toBe(0);
    // contest 6800 (R$ 3,00) drew 1 2 3 4 50: a 6-number ticket with 4 hits = 2 quadras + 4 ternos
    writeFileSync(f, JSON.stringify([[1, 2, 3, 4, 60, 61]]));
    expect((await run('ledger', 'add', 'bet', '--contest', '6800', '--tickets-file', f, '--run', 'runaaa111')).code).toBe(0);
    await run('ledger', 'add', 'bet', '--contest', '6882', '--tickets', '1');
    await run('ledger', 'settle', '--contest', '6500');
    await run('ledger', 'settle', '--contest', '6800');

    const r = await run('finance', 'roi', '--json');
    expect(r.code).toBe(0);
    const doc = r.json();
    expect(doc.runs).toHaveLength(1);
    const row = doc.runs[0];
    expect(row).toMatchObject({
      run_id: 'runaaa111',
      name: 'hot-numbers',
      simulated: { cost_cents: 275_000, prize_cents: 52_000, net_cents: -223_000, roi_pct: -81.09 },
    });
    // cost-weighted over the two imported contests: (2.50 x 43.35% + 3.00 x 43.79%) x 55% / 5.50 - 1
    // cost and prize per ticket: the averages over the run's contests (R$ 2,50 and R$ 3,00), not the last price
    expect(row.expected).toMatchObject({ roi_pct: -76.03, cost_per_ticket_cents: 275, ev_per_ticket_cents: 66 });
    const sdOf = (contest: number, price: number): number => {
      const p = expectedTierPrizes(contest, price);
      const mean = ([5, 4, 3, 2] as const).reduce((s, j) => s + hitProbability(5, j) * p[j].net_cents, 0);
      return Math.sqrt(([5, 4, 3, 2] as const).reduce((s, j) => s + hitProbability(5, j) * p[j].net_cents ** 2, 0) - mean ** 2);
    };
    const se = Math.round((Math.sqrt(500 * (sdOf(6500, 250) ** 2 + sdOf(6800, 300) ** 2)) / (500 * 550)) * 100 * 100) / 100;
    expect(row.expected.roi_se_pct).toBe(se);
    expect(row.simulated_z).toBe(Math.round(((-81.09 + 76.03) / se) * 100) / 100 || 0);
    expect(Math.abs(row.simulated_z)).toBeLessThan(0.01); // a 5-point ROI gap against a ~1660-point standard error
    // real: invested 2 x 2.50 + 6 x 3.00 = 23.00; won 120 + 4 + 2 x 8000 + 4 x 110 = 16564.00
    expect(row.real).toMatchObject({ bets: 2, tickets: 3, invested_cents: 2300, won_cents: 1_656_400, net_cents: 1_654_100, roi_pct: 71917.39 });
    // expected: 5.00 x 43.35% x 55% + 18.00 x 43.79% x 55% = 5.527335
    expect(row.real).toMatchObject({ expected_won_cents: 553, expected_roi_pct: -75.96 });
    expect(doc.ledger).toMatchObject({
      bets: 3,
      invested_cents: 2600,
      won_cents: 1_656_400,
      roi_pct: 63607.69,
      expected_won_cents: 625,
      expected_roi_pct: -75.96,
    });
    expect(doc.verdict).toMatch(/noise/);
    expect(doc.verdict).toMatch(/Real money: invested R\$ 26,00, won R\$ 16.564,00/);
    expect(doc.ev_rule).toMatch(/pool-share/);

    const both = (await run('finance', 'roi', '--run', 'runaaa111', 'runbbb222', '--json')).json();
    expect(both.runs.map((x: any) => [x.run_id, x.status, x.simulated.roi_pct, x.simulated_z])).toEqual([
      ['runaaa111', 'completed', -81.09, row.simulated_z],
      ['runbbb222', 'failed', null, null],
    ]);
    expect((await run('finance', 'roi', '--run', 'nosuchrun')).code).toBe(3);
    const human = await run('finance', 'roi');
    expect(human.stdout).toMatch(/hot-numbers/);
    expect(human.stdout).toMatch(/ledger \(all real bets\)/);
    expect(human.stdout).toMatch(/the simulated edge is noise/);
  });
});
