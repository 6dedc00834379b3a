/**
 * The pipeline user's journey on the built CLI: `--json` is one document, `--ndjson` one object a
 * line, `--csv` strict RFC 4180 (read by a parser written here), the three agree on every row and
 * total, and a failure is an exit code with nothing on stdout for the next stage to half-read.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STEP_MS, binom, csvRecords, haveBuiltCli, hitsOf, journeyDir, lf, lfJson, lfOut, parseCsv } from './helpers/journey.js';

/** Every line of `--ndjson` output parsed on its own; the output ends with a newline and has no blank line. */
function ndjson(text: string): any[] {
  expect(text.endsWith('\n')).toBe(true);
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => JSON.parse(line));
}

describe.runIf(haveBuiltCli())('[17.5.3] journey: the pipeline user', () => {
  let dir = '';
  let cleanup = () => {};
  const started = Date.now();
  beforeAll(() => ({ dir, cleanup } = journeyDir('pipeline')));
  afterAll(() => {
    console.info(`pipeline journey: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    cleanup();
  });

  it(
    '[17.5.3] --json of every data command is exactly one JSON document on stdout',
    async () => {
      const cases = [
        ['import', '--sample'],
        ['config', 'show'],
        ['recipes', 'list'],
        ['recipes', 'show', 'balanced'],
        ['draws', 'show', '6882'],
        ['draws', 'stats', '--last', '100'],
        ['finance', 'prices', 'list'],
        ['finance', 'prizes', '6880'],
        ['predict', '--preset', 'conservative', '--seed', '1'],
      ];
      for (const args of cases) {
        const r = await lf(dir, [...args, '--json']);
        expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
        const doc = r.json();
        expect(typeof doc, args.join(' ')).toBe('object');
        expect(Array.isArray(doc)).toBe(false);
        expect(r.stdout.trim().startsWith('{') && r.stdout.trim().endsWith('}')).toBe(true);
      }
      // draws stats: the frequencies and the chi-square recomputed from draws list
      const stats = await lfJson(dir, ['draws', 'stats', '--last', '100']);
      const draws = (await lfJson(dir, ['draws', 'list', '--from', '6783', '--to', '6882', '--limit', '0'])).draws as Array<{ balls: number[] }>;
      expect(draws).toHaveLength(100);
      const freq = new Array<number>(81).fill(0);
      draws.forEach((d) => d.balls.forEach((b) => freq[b]!++));
      expect(stats).toMatchObject({ count: 100, first_contest: 6783, last_contest: 6882, expected_per_number: 6.25 });
      expect(stats.frequency).toEqual(freq.slice(1).map((count, i) => ({ number: i + 1, count })));
      const pearson = freq.slice(1).reduce((a, o) => a + (o - 6.25) ** 2 / 6.25, 0);
      expect(stats.chi_square.pearson_statistic).toBeCloseTo(pearson, 9);
      expect(stats.chi_square.statistic).toBeCloseTo((pearson * 79) / 75, 9);
      expect(stats.chi_square.df).toBe(79);
    },
    STEP_MS,
  );

  it(
    '[17.5.3] draws list: --json, --ndjson and --csv give the same rows and the same totals',
    async () => {
      const range = ['draws', 'list', '--from', '6800', '--to', '6882', '--limit', '0'];
      const json = (await lfJson(dir, range)).draws as any[];
      const lines = ndjson(await lfOut(dir, [...range, '--ndjson']));
      const csv = csvRecords(await lfOut(dir, [...range, '--csv']));
      expect(json).toHaveLength(83);
      expect(lines).toEqual(json);
      expect(csv.map((r) => Number(r.contest))).toEqual(json.map((d) => d.contest));
      csv.forEach((r, i) => {
        expect([r.b1, r.b2, r.b3, r.b4, r.b5].map(Number)).toEqual(json[i].balls);
        expect(r.date).toBe(json[i].date);
      });
      const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
      expect(sum(csv.map((r) => Number(r.b1) + Number(r.b2) + Number(r.b3) + Number(r.b4) + Number(r.b5)))).toBe(sum(json.map((d) => sum(d.balls))));
    },
    STEP_MS,
  );

  it(
    '[17.5.3] simulate --ndjson streams one line per contest; their totals are the summary and runs show --json',
    async () => {
      const recipe = join(dir, 'six.json');
      writeFileSync(recipe, JSON.stringify({ version: '2', name: 'six', strategy: 'frequency', tickets: 3, numbers_per_ticket: 6, history: 100, seed: 11 }));
      const lines = ndjson(await lfOut(dir, ['simulate', '--recipe', recipe, '--last', '30', '--ndjson']));
      expect(lines[0].type).toBe('run_start');
      expect(lines.at(-1).type).toBe('summary');
      const contests = lines.filter((l) => l.type === 'contest');
      expect(contests).toHaveLength(30);
      expect(lines).toHaveLength(32);
      const runId = lines[0].run_id;
      const show = await lfJson(dir, ['runs', 'show', runId]);
      const histogram = [0, 0, 0, 0, 0, 0];
      let cost = 0;
      let prize = 0;
      for (const c of contests) {
        expect(c.run_id).toBe(runId);
        expect(c.hits).toHaveLength(3);
        c.hits.forEach((h: number) => histogram[h]!++);
        expect(c.best_hits).toBe(Math.max(...c.hits));
        cost += c.cost_cents;
        prize += c.prize_cents;
      }
      expect(show.summary.hit_distribution).toEqual(histogram);
      expect(show.finance).toMatchObject({ cost_cents: cost, prize_cents: prize, net_cents: prize - cost });
      expect(lines.at(-1).summary).toEqual(show.summary);
      // the hits of each line, recounted from the draw it carries and the exported tickets
      const tickets = csvRecords(await lfOut(dir, ['runs', 'export', runId, '--format', 'csv']));
      const exported = ndjson(await lfOut(dir, ['runs', 'export', runId, '--format', 'ndjson']));
      const exportedJson = await lfOut(dir, ['runs', 'export', runId, '--format', 'json']);
      expect(tickets).toHaveLength(90);
      expect(exported).toHaveLength(90);
      expect(JSON.parse(exportedJson)).toEqual(exported);
      const draw = new Map(contests.map((c) => [c.contest, c.draw as number[]]));
      tickets.forEach((t, i) => {
        const numbers = t.numbers!.split(' ').map(Number);
        expect(Number(t.hits)).toBe(hitsOf(numbers, draw.get(Number(t.contest))!));
        expect(contests.find((c) => c.contest === Number(t.contest)).hits[Number(t.ticket)]).toBe(Number(t.hits));
        expect(exported[i]).toEqual({ contest: Number(t.contest), ticket: Number(t.ticket), numbers, hits: Number(t.hits) });
      });
    },
    STEP_MS,
  );

  it(
    '[17.5.3] runs list: the three formats list the same runs with the same figures',
    async () => {
      const seven = join(dir, 'seven.json');
      writeFileSync(seven, JSON.stringify({ version: '2', name: 'seven', strategy: 'random', tickets: 2, numbers_per_ticket: 7, history: 10, seed: 2 }));
      await lfJson(dir, ['simulate', '--recipe', seven, '--last', '20', '--name', 'a, "quoted" name']);
      const json = (await lfJson(dir, ['runs', 'list', '--limit', '0'])).runs as any[];
      const lines = ndjson(await lfOut(dir, ['runs', 'list', '--limit', '0', '--ndjson']));
      const csvText = await lfOut(dir, ['runs', 'list', '--limit', '0', '--csv']);
      const csv = csvRecords(csvText);
      expect(json).toHaveLength(2);
      expect(lines).toEqual(json);
      expect(csv.map((r) => r.run_id)).toEqual(json.map((r) => r.run_id));
      expect(csv.map((r) => r.name)).toEqual(json.map((r) => r.name ?? ''));
      expect(csvText).toContain('"a, ""quoted"" name"');
      csv.forEach((r, i) => {
        expect(Number(r.net_cents)).toBe(json[i].net_cents);
        expect(Number(r.tickets)).toBe(json[i].tickets);
        expect(Number(r.contests)).toBe(json[i].contests_done);
        // CSV carries the stored numbers, as numbers: a negative ROI is not turned into text by the formula guard
        expect(Number(r.mean_hits)).toBe(json[i].mean_hits);
        expect(Number(r.p_value)).toBe(json[i].p_value);
        expect(r.roi_pct).toMatch(/^-?\d+(\.\d+)?(e-?\d+)?$/);
        expect(Number(r.roi_pct)).toBe(json[i].roi_pct);
      });
      const total = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
      expect(total(csv.map((r) => Number(r.net_cents)))).toBe(total(lines.map((r) => r.net_cents)));
      expect(total(csv.map((r) => Number(r.tickets)))).toBe(90 + 40);
    },
    STEP_MS,
  );

  it(
    '[17.5.3] ledger: entries agree across formats, their sum is the balance, a bet costs tickets × C(k,5) × price',
    async () => {
      await lfJson(dir, ['ledger', 'add', 'deposit', '--amount', '250.00', '--date', '2025-11-01', '--note', 'cash, "float"']);
      const bet = await lfJson(dir, ['ledger', 'add', 'bet', '--contest', '6880', '--tickets', '3', '--numbers', '6']);
      await lfJson(dir, ['ledger', 'add', 'withdrawal', '--amount', '12.34', '--date', '2025-11-20', '--note', '=SUM(A1)']);
      const prices = (await lfJson(dir, ['finance', 'prices', 'list'])).prices as Array<{ from: string; to: string | null; price_cents: number }>;
      const day = bet.price_date as string;
      const price = prices.find((p) => p.from <= day && (p.to === null || day <= p.to))!.price_cents;
      expect(bet.entry.amount_cents).toBe(-Number(3n * binom(6, 5) * BigInt(price)));
      const json = (await lfJson(dir, ['ledger', 'list'])).entries as any[];
      const lines = ndjson(await lfOut(dir, ['ledger', 'list', '--ndjson']));
      const csvText = await lfOut(dir, ['ledger', 'list', '--csv']);
      const csv = csvRecords(csvText);
      expect(json).toHaveLength(3);
      expect(lines).toEqual(json);
      expect(csv.map((r) => Number(r.amount_cents))).toEqual(json.map((e) => e.amount_cents));
      expect(csv.map((r) => r.note)).toEqual(json.map((e) => (e.note === '=SUM(A1)' ? "'=SUM(A1)" : (e.note ?? ''))));
      expect(csvText).toContain('"cash, ""float"""');
      const sum = json.reduce((a, e) => a + e.amount_cents, 0);
      expect(sum).toBe(25_000 + bet.entry.amount_cents - 1_234);
      expect((await lfJson(dir, ['ledger', 'balance', '--date', '2025-12-31'])).balance_cents).toBe(sum);
      expect(parseCsv(csvText)[0]).toContain('amount_cents');
    },
    STEP_MS,
  );

  it(
    '[17.5.3] failures: an exit code a script can branch on, and nothing on stdout',
    async () => {
      const bad = join(dir, 'bad.json');
      writeFileSync(bad, JSON.stringify({ version: '2', name: 'bad', strategy: 'nope', tickets: 1, numbers_per_ticket: 5 }));
      const cases: Array<[string[], number, RegExp]> = [
        [['simulate', '--recipe', bad, '--last', '5', '--json'], 2, /invalid recipe[\s\S]*strategy/],
        [['simulate', '--recipe', bad, '--last', '5', '--ndjson'], 2, /invalid recipe/],
        [['runs', 'show', '20200101-000000-abcdef', '--json'], 3, /not in the catalog/],
        [['runs', 'export', '20200101-000000-abcdef', '--format', 'csv'], 3, /not in the catalog/],
        [['draws', 'show', '99999', '--json'], 3, /./],
        [['draws', 'list', '--last', '3', '--json'], 2, /unknown option/],
        [['simulate', '--preset', 'balanced', '--from', '6882', '--to', '6800', '--json'], 2, /./],
        [['runs', 'list', '--limit', '0x10', '--csv'], 2, /./],
      ];
      for (const [args, code, message] of cases) {
        const r = await lf(dir, args);
        expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(code);
        expect(r.stdout, args.join(' ')).toBe('');
        expect(r.stderr, args.join(' ')).toMatch(/^error: /m);
        expect(r.stderr, args.join(' ')).toMatch(message);
      }
    },
    STEP_MS,
  );
});
