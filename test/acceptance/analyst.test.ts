/**
 * The analyst's journey on the built CLI: import the sample, simulate, check every figure of the
 * run against hits recounted from the draws and the exact hypergeometric odds, compare two runs
 * (the paired difference recounted per contest), sweep with a holdout, write the reports.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STEP_MS, ballsByContest, binom, exportedTickets, haveBuiltCli, hitProbability, hitsOf, journeyDir, lf, lfJson, lfOut } from './helpers/journey.js';

const K = 7; // numbers per ticket: C(7,5) = 21 simple bets each
const TICKETS = 4;
const recipe = (name: string) => ({ version: '2', name, strategy: 'random', tickets: TICKETS, numbers_per_ticket: K, history: 50, seed: 3 });

interface Ticket {
  contest: number;
  ticket: number;
  numbers: number[];
  hits: number;
}

/** Holm's step-down adjustment, from its definition. */
function holm(ps: number[]): number[] {
  const order = ps.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(ps.length);
  let running = 0;
  order.forEach(([p, i], rank) => {
    running = Math.max(running, Math.min(1, (ps.length - rank) * p));
    out[i] = running;
  });
  return out;
}

describe.runIf(haveBuiltCli())('[17.5.1] journey: the analyst', () => {
  let dir = '';
  let cleanup = () => {};
  let recipeFile = '';
  let first = 0;
  let last = 0;
  let balls = new Map<number, number[]>();
  let runA: any;
  let runB: any;
  let ticketsA: Ticket[] = [];
  let ticketsB: Ticket[] = [];
  const started = Date.now();

  beforeAll(() => {
    ({ dir, cleanup } = journeyDir('analyst'));
    recipeFile = join(dir, 'seven.json');
    writeFileSync(recipeFile, JSON.stringify(recipe('seven')));
  });
  afterAll(() => {
    console.info(`analyst journey: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    cleanup();
  });

  it(
    '[17.5.1] imports the sample: 2,000 synthetic contests, and draws list shows each of them',
    async () => {
      const imp = await lfJson(dir, ['import', '--sample']);
      expect(imp).toMatchObject({ inserted: 2000, synthetic: true, first_contest: 4883, last_contest: 6882, catalog_draws: 2000 });
      const all = await lfJson(dir, ['draws', 'list', '--from', '4883', '--to', '6882', '--limit', '0']);
      expect(all.draws).toHaveLength(2000);
      for (const d of all.draws) {
        expect(new Set(d.balls).size).toBe(5);
        expect(d.balls.every((b: number) => Number.isInteger(b) && b >= 1 && b <= 80)).toBe(true);
      }
    },
    STEP_MS,
  );

  it(
    '[17.5.1] simulates 30 contests; each ticket hit recounted from the draws equals the stored one',
    async () => {
      runA = await lfJson(dir, ['simulate', '--recipe', recipeFile, '--last', '30', '--name', 'seven A']);
      expect(runA).toMatchObject({ status: 'completed', contests: 30, tickets: 30 * TICKETS, synthetic_data: true, last_contest: 6882, first_contest: 6853 });
      ({ first_contest: first, last_contest: last } = runA);
      balls = ballsByContest(await lfJson(dir, ['draws', 'list', '--from', String(first), '--to', String(last)]));
      expect(balls.size).toBe(30);
      ticketsA = exportedTickets(await lfOut(dir, ['runs', 'export', runA.run_id, '--format', 'csv']));
      expect(ticketsA).toHaveLength(30 * TICKETS);
      for (const t of ticketsA) {
        expect(t.numbers).toHaveLength(K);
        expect(new Set(t.numbers).size).toBe(K);
        expect(t.hits, `contest ${t.contest} ticket ${t.ticket}`).toBe(hitsOf(t.numbers, balls.get(t.contest)!));
      }
    },
    STEP_MS,
  );

  it(
    '[17.5.1] runs show: mean hits, histogram, rates and best-of figures equal the recount; the baseline equals the exact odds',
    async () => {
      const show = await lfJson(dir, ['runs', 'show', runA.run_id]);
      const s = show.summary;
      const n = ticketsA.length;
      const histogram = [0, 0, 0, 0, 0, 0];
      ticketsA.forEach((t) => histogram[t.hits]!++);
      expect(s.hit_distribution).toEqual(histogram);
      expect(s.mean_hits).toBeCloseTo(ticketsA.reduce((a, t) => a + t.hits, 0) / n, 12);
      for (const h of [2, 3, 4, 5]) expect(s.rates[`rate_${h}`], `rate_${h}`).toBeCloseTo(histogram[h]! / n, 12);
      const best = new Map<number, number>();
      for (const t of ticketsA) best.set(t.contest, Math.max(best.get(t.contest) ?? 0, t.hits));
      for (const h of [2, 3, 4, 5]) expect(s.best_hits_at_least[String(h)]).toBe([...best.values()].filter((b) => b >= h).length);
      expect(s.best_rates.best_2plus).toBeCloseTo([...best.values()].filter((b) => b >= 2).length / 30, 12);
      // the exact baseline: E[hits] = 5k/80, P(h) = C(5,h)C(75,k-h)/C(80,k)
      expect(s.baseline.figures.mean_hits.expected).toBeCloseTo((5 * K) / 80, 12);
      let total = 0;
      for (const row of s.baseline.distribution) {
        const p = hitProbability(K, row.hits);
        total += p;
        expect(row.probability, `P(${row.hits})`).toBeCloseTo(p, 14);
        expect(row.expected).toBeCloseTo(p * n, 10);
        expect(row.observed).toBe(histogram[row.hits]);
      }
      expect(total).toBeCloseTo(1, 14);
      expect(s.baseline.figures.tickets_2plus.expected).toBeCloseTo(
        hitProbability(K, 2) + hitProbability(K, 3) + hitProbability(K, 4) + hitProbability(K, 5),
        14,
      );
    },
    STEP_MS,
  );

  it(
    '[17.5.1] the simulated books: cost from the price table, prizes from each draw’s tiers (sub-combination rule)',
    async () => {
      expect((await lfOut(dir, ['finance', 'payout-rule'])).trim()).toMatch(/subcombinations/);
      const prices: Array<{ from: string; to: string | null; price_cents: number }> = (await lfJson(dir, ['finance', 'prices', 'list'])).prices;
      const draws = (await lfJson(dir, ['draws', 'list', '--from', String(first), '--to', String(last)])).draws as Array<{
        contest: number;
        date: string;
        tiers: Record<string, { hits: number; winners: number; prize_cents: number }>;
      }>;
      const byContest = new Map(draws.map((d) => [d.contest, d]));
      let cost = 0n;
      let prize = 0n;
      for (const d of draws) {
        // a bet is priced on the day before its draw
        const day = new Date(Date.parse(`${d.date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
        const period = prices.find((p) => p.from <= day && (p.to === null || day <= p.to))!;
        cost += BigInt(TICKETS) * binom(K, 5) * BigInt(period.price_cents);
      }
      for (const t of ticketsA) {
        const tiers = Object.values(byContest.get(t.contest)!.tiers);
        for (const tier of tiers) {
          const j = tier.hits;
          if (t.hits < j) continue;
          expect(tier.winners, `contest ${t.contest} tier ${j} has winners (no estimate)`).toBeGreaterThan(0);
          prize += binom(t.hits, j) * binom(K - t.hits, 5 - j) * BigInt(tier.prize_cents);
        }
      }
      expect(runA.finance.prizes_estimated).toBe(false);
      expect(BigInt(runA.finance.cost_cents)).toBe(cost);
      expect(BigInt(runA.finance.prize_cents)).toBe(prize);
      expect(BigInt(runA.finance.net_cents)).toBe(prize - cost);
    },
    STEP_MS,
  );

  it(
    '[17.5.1] compare: the paired per-contest difference, the wins and the sign test recounted',
    async () => {
      runB = await lfJson(dir, ['simulate', '--recipe', recipeFile, '--last', '30', '--seed', '9', '--name', 'seven B']);
      ticketsB = exportedTickets(await lfOut(dir, ['runs', 'export', runB.run_id, '--format', 'csv']));
      for (const t of ticketsB) expect(t.hits).toBe(hitsOf(t.numbers, balls.get(t.contest)!));
      const cmp = await lfJson(dir, ['compare', runA.run_id, runB.run_id]);
      const pair = cmp.pairs.find((p: any) => p.a === runA.run_id && p.b === runB.run_id);
      const perContest = (ts: Ticket[]) => {
        const m = new Map<number, number>();
        for (const t of ts) m.set(t.contest, (m.get(t.contest) ?? 0) + t.hits / TICKETS);
        return m;
      };
      const a = perContest(ticketsA);
      const b = perContest(ticketsB);
      const diffs = [...a.keys()].map((c) => a.get(c)! - b.get(c)!);
      const aBetter = diffs.filter((d) => d > 0).length;
      const bBetter = diffs.filter((d) => d < 0).length;
      expect(pair).toMatchObject({ shared_contests: 30, a_better: aBetter, b_better: bBetter, ties: 30 - aBetter - bBetter });
      expect(pair.mean_diff).toBeCloseTo(diffs.reduce((x, y) => x + y, 0) / 30, 12);
      // exact two-sided sign test over the contests that are not ties
      const untied = aBetter + bBetter;
      const tail = Array.from({ length: Math.min(aBetter, bBetter) + 1 }, (_, i) => binom(untied, i)).reduce((x, y) => x + y, 0n);
      expect(pair.sign_p).toBeCloseTo(Math.min(1, Number(2n * tail * 10n ** 15n) / Number(2n ** BigInt(untied)) / 1e15), 9);
      expect(pair.permutation_p).toBeGreaterThan(0);
      expect(pair.permutation_p).toBeLessThanOrEqual(1);
      // each run's mean hits in the table equals its recount
      const mean = cmp.metrics.find((m: any) => m.metric === 'mean_hits');
      expect(mean.values.find((v: any) => v.run_id === runB.run_id).value).toBeCloseTo(ticketsB.reduce((x, t) => x + t.hits, 0) / ticketsB.length, 12);
      expect(mean.values.every((v: any) => Math.abs(v.baseline - (5 * K) / 80) < 1e-12)).toBe(true);
    },
    STEP_MS,
  );

  it(
    '[17.5.1] a sweep with a holdout: one run per cell of the parameter grid, the best cells run once on the holdout',
    async () => {
      const tickets = [2, 3];
      const history = [20, 40, 60];
      const sw = await lfJson(dir, [
        'sweep',
        '--recipe',
        recipeFile,
        '--param',
        `tickets=${tickets.join(',')}`,
        '--param',
        `history=${history.join(',')}`,
        '--from',
        '6843',
        '--to',
        '6862',
        '--holdout-from',
        '6863',
        '--holdout-to',
        '6882',
        '--holdout-top',
        '2',
        '--seed',
        '5',
        '--name',
        'grid',
      ]);
      expect(sw).toMatchObject({ complete: true, cells_total: tickets.length * history.length, cells_done: 6, cells_failed: 0, stop_reason: null });
      const show = await lfJson(dir, ['sweep', 'show', sw.sweep_id]);
      expect(show.cells).toHaveLength(6);
      const grid = show.cells.map((c: any) => `${c.params.tickets}/${c.params.history}`).sort();
      expect(grid).toEqual(tickets.flatMap((t) => history.map((h) => `${t}/${h}`)).sort());
      const listed = (await lfJson(dir, ['runs', 'list', '--sweep', sw.sweep_id, '--limit', '0'])).runs as any[];
      const byId = new Map(listed.map((r) => [r.run_id, r]));
      for (const c of show.cells) {
        const run = byId.get(c.run_id);
        expect(run, `cell ${c.cell_index} has its run in runs list --sweep`).toBeDefined();
        expect(run).toMatchObject({
          status: 'completed',
          first_contest: 6843,
          last_contest: 6862,
          tickets_per_contest: c.params.tickets,
          tickets: 20 * c.params.tickets,
        });
        expect(run.recipe.history).toBe(c.params.history);
        expect(c.value).toBeCloseTo(run.mean_hits, 12);
        expect(c.baseline).toBeCloseTo((5 * K) / 80, 12);
      }
      // Holm over every cell, from its definition
      const expectedHolm = holm(show.cells.map((c: any) => c.p_value));
      show.cells.forEach((c: any, i: number) => expect(c.p_holm).toBeCloseTo(expectedHolm[i]!, 12));
      // the holdout: exactly the 2 best cells, each a completed run on contests the sweep never saw
      const holdouts = show.cells.filter((c: any) => c.holdout);
      expect(holdouts).toHaveLength(2);
      const bestValue = Math.max(...show.cells.map((c: any) => c.value));
      expect(show.best.value).toBe(bestValue);
      for (const c of holdouts) {
        expect(c.value).toBeGreaterThanOrEqual(Math.min(...show.cells.filter((x: any) => x.rank <= 2).map((x: any) => x.value)));
        const h = byId.get(c.holdout.run_id);
        expect(h).toMatchObject({ status: 'completed', first_contest: 6863, last_contest: 6882, tickets_per_contest: c.params.tickets });
        expect(c.holdout.value).toBeCloseTo(h.mean_hits, 12);
        const hTickets = exportedTickets(await lfOut(dir, ['runs', 'export', h.run_id, '--format', 'csv']));
        for (const t of hTickets) expect(t.hits).toBe(hitsOf(t.numbers, balls.get(t.contest)!));
        expect(c.holdout.value).toBeCloseTo(hTickets.reduce((x, t) => x + t.hits, 0) / hTickets.length, 12);
      }
      expect(listed).toHaveLength(6 + 2);
    },
    STEP_MS,
  );

  it(
    '[17.5.1] reports: a self-contained HTML file; the CSV report is byte for byte runs export',
    async () => {
      const html = join(dir, 'a.html');
      const r = await lf(dir, ['report', 'run', runA.run_id, '--format', 'html', '--out', html]);
      expect(r.code, r.stderr).toBe(0);
      const page = readFileSync(html, 'utf8');
      expect(page).toMatch(/^<!doctype html>/i);
      expect(page).toContain(runA.run_id);
      expect(page).not.toMatch(/<script/i);
      expect(page).not.toMatch(/(src|href)="https?:/i);
      expect(page).toContain(runA.summary.mean_hits.toFixed(4));
      expect(page).toMatch(/synthetic/i);
      const csv = await lfOut(dir, ['report', 'run', runA.run_id, '--format', 'csv', '--out', '-']);
      expect(csv).toBe(await lfOut(dir, ['runs', 'export', runA.run_id, '--format', 'csv']));
    },
    STEP_MS,
  );
});
