// The sweep, books and compare reports (issue 15) built on a real catalog, each number checked
// against an independent computation: the sweep's cells against `sweep show --json` and Holm by
// hand, the compare mean difference against the run files, the books' closing balance against
// the sum of the entries; and every chart of every report drawn to SVG.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/clock.js';
import type { ReportBlock, ReportDoc } from '../../src/core/report/document.js';
import { holm } from '../../src/core/stats.js';
import { bestHitsChart, bestHitsPoints, bestHitsRows } from '../../src/core/charts/best-hits-chart.js';
import { renderChartSvg } from '../../src/engine/charts/render.js';
import { type Catalog, openCatalog } from '../../src/store/catalog.js';
import { openRunFile, runFilePath } from '../../src/store/run-file.js';
import { createBudget } from '../../src/usecases/budgets.js';
import { recordLedgerEntry, reverseLedgerEntry } from '../../src/usecases/ledger.js';
import { booksReportCsv, buildBooksReport } from '../../src/usecases/report-books.js';
import { buildCompareReport, compareReportCsv } from '../../src/usecases/report-compare.js';
import { buildSweepReport, sweepReportCsv } from '../../src/usecases/report-sweep.js';
import { cli, tempDir } from '../helpers/cli.js';
import { makeDraws, seedDraws } from '../helpers/draws.js';
import { TINY_RECIPE, writeRecipe } from '../helpers/recipes.js';

const clock: Clock = { now: '2026-12-03T12:00:00.000Z', today: '2026-12-03' };
const TINY_SWEEP = {
  version: '2',
  name: 'tiny',
  strategy: 'advanced',
  tickets: 4,
  numbers_per_ticket: 5,
  history: 40,
  seed: 3,
  params: { cands_mult: 3, hill_iter: 5, generations: 4, population_size: 12, elites: 2 },
};

let dir: string;
let cleanup: () => void;
let two: any; // a 2x2 sweep
let one: any; // a one-parameter sweep
let swept: any; // a sweep of tickets
const runIds: string[] = [];
let catalog: Catalog;
const run = (args: string[]) => cli(args, { dataDir: dir });

beforeAll(async () => {
  ({ dir, cleanup } = tempDir());
  seedDraws(dir, makeDraws(4001, 4300));
  const recipe = writeRecipe(dir, 'sweep', TINY_SWEEP);
  const range = ['--from', '4281', '--to', '4295', '--threads', '2', '--json'];
  const a = await run(['sweep', '--recipe', recipe, '--param', 'alpha=0.2,0.5', '--param', 'history=30,50', ...range]);
  expect(a.code, a.stderr).toBe(0);
  two = a.json();
  const b = await run(['sweep', '--recipe', recipe, '--param', 'history=30,40,50', ...range]);
  expect(b.code, b.stderr).toBe(0);
  one = b.json();
  // a swept `tickets` beside the count of tickets bought: two columns that once had one header
  const c = await run(['sweep', '--recipe', recipe, '--param', 'tickets=3,5', '--from', '4291', '--to', '4295', '--threads', '2', '--json']);
  expect(c.code, c.stderr).toBe(0);
  swept = c.json();
  for (const seed of [11, 12]) {
    const r = writeRecipe(dir, `tiny-${seed}`, { ...TINY_RECIPE, seed });
    const sim = await run(['simulate', '--recipe', r, '--from', '4201', '--to', '4300', '--json']);
    expect(sim.code, sim.stderr).toBe(0);
    runIds.push(sim.json().run_id as string);
  }
  catalog = openCatalog(dir);
}, 120_000);
afterAll(() => {
  catalog?.close();
  cleanup?.();
});

const blocks = (doc: ReportDoc) => doc.sections.flatMap((s) => s.blocks);
const charts = (doc: ReportDoc) => blocks(doc).filter((b): b is Extract<ReportBlock, { type: 'chart' }> => b.type === 'chart');
const tableOf = (doc: ReportDoc, heading: string) =>
  doc.sections.find((s) => s.heading === heading)!.blocks.find((b): b is Extract<ReportBlock, { type: 'table' }> => b.type === 'table')!;
async function drawsEveryChart(doc: ReportDoc): Promise<void> {
  for (const c of charts(doc)) {
    const svg = await renderChartSvg(c.spec);
    expect(svg.startsWith('<svg'), c.title).toBe(true);
    expect(c.alt.length).toBeGreaterThan(10);
  }
}

describe('report kinds on a real catalog', () => {
  it('[15.3.18] sweep: every cell as `sweep show` ranks it, Holm by hand, the honesty sentence first, a heatmap; the CSV has one row per cell', async () => {
    const show = (await run(['sweep', 'show', two.sweep_id, '--json'])).json();
    const doc = buildSweepReport({ catalog, clock }, { sweep_id: two.sweep_id });
    expect(doc.kind).toBe('sweep');
    expect(doc.source).toMatchObject({ generated_at: clock.now });
    // history varies, so the cells read different windows of draws: each hash is stated
    const cellRuns = await Promise.all(show.cells.map(async (c: any) => (await run(['runs', 'show', c.run_id, '--json'])).json()));
    const hashes = [...new Set(cellRuns.map((r) => r.dataset_hash as string))];
    expect(hashes).toHaveLength(2);
    expect(doc.source.dataset_hash).toBeNull();
    const facts = doc.sections[0]!.blocks[0] as Extract<ReportBlock, { type: 'facts' }>;
    for (const h of hashes) expect(facts.rows.find(([k]) => k === 'dataset hashes')![1]).toContain(h);
    expect(doc.source.synthetic).toBe(cellRuns[0].synthetic_data);
    expect(doc.headline.some((h) => h.startsWith(show.best.sentence))).toBe(true);
    const table = tableOf(doc, 'Cells ranked');
    expect(table.rows.map((r) => r[1])).toEqual(show.cells.map((c: any) => `#${c.cell_index}`));
    const labels = table.columns.map((c) => c.label);
    const pHolm = holm(show.cells.map((c: any) => c.p_value));
    expect(table.rows.map((r) => Number(r[labels.indexOf('p Holm')]))).toEqual(pHolm.map((x) => Number(x >= 0.01 ? x.toFixed(2) : x.toPrecision(1))));
    const heat = charts(doc);
    expect(heat).toHaveLength(1);
    expect(heat[0]!.title).toBe('mean_hits over alpha and history');
    await drawsEveryChart(doc);
    const csv = [...sweepReportCsv({ catalog }, { sweep_id: two.sweep_id })];
    expect(csv).toHaveLength(1 + 4);
    expect(csv[0]).toMatch(/^rank,cell_index,alpha,history,status,run_id,metric,value,baseline,p_value,p_holm,p_bh,/);
    const rows = csv.slice(1).map((l) => l.trimEnd().split(','));
    expect(rows.map((r) => Number(r[10]))).toEqual(show.cells.map((c: any) => c.p_holm));
    expect(rows.map((r) => Number(r[7]))).toEqual(show.cells.map((c: any) => c.value));
  });

  it('[15.3.19] a one-parameter sweep is drawn as a line with each cell’s interval and the baseline', async () => {
    const doc = buildSweepReport({ catalog, clock }, { sweep_id: one.sweep_id });
    const [line] = charts(doc);
    expect(line!.title).toBe('mean_hits by history');
    const layers = (line!.spec.layer as Array<{ data: { values: Array<{ x: string; value: number; lo: number; hi: number }> } }>)[0]!.data.values;
    // three values: one slot each, labelled with the value
    expect(layers.map((v) => v.x)).toEqual(['30', '40', '50']);
    for (const v of layers) {
      expect(v.lo).toBeLessThan(v.value);
      expect(v.hi).toBeGreaterThan(v.value);
    }
    expect((line!.spec.layer as Array<{ data: { values: Array<{ baseline?: number }> } }>)[1]!.data.values[0]!.baseline).toBeCloseTo(0.3125, 12);
    await drawsEveryChart(doc);
  });

  it('[15.3.36] sweep: the base recipe as a person reads it (no JSON), swept columns named apart from the counts', () => {
    const doc = buildSweepReport({ catalog, clock }, { sweep_id: swept.sweep_id });
    const facts = new Map((doc.sections[0]!.blocks[0] as Extract<ReportBlock, { type: 'facts' }>).rows.map(([k, v]) => [k, v]));
    expect(facts.get('base recipe')).toBe('tiny (advanced strategy): tickets 4 (swept), numbers per ticket 5, history 40, seed 3');
    const params = facts.get('base params')!;
    expect(params).toMatch(/^lambda [\d.]+, /);
    for (const pair of ['cands_mult 3', 'hill_iter 5', 'generations 4', 'population_size 12', 'elites 2', 'smart_filters (enabled '])
      expect(params).toContain(pair);
    expect(facts.has('base')).toBe(false);
    for (const v of facts.values()) expect(v).not.toMatch(/[{"]/);
    const labels = tableOf(doc, 'Cells ranked').columns.map((c) => c.label);
    expect(new Set(labels).size).toBe(labels.length);
    expect(labels).toEqual(expect.arrayContaining(['tickets (swept)', 'contests run', 'tickets bought']));
    const table = tableOf(doc, 'Cells ranked');
    const show = table.rows.map((r) => [r[labels.indexOf('tickets (swept)')], r[labels.indexOf('contests run')], r[labels.indexOf('tickets bought')]]);
    expect(show.sort()).toEqual([
      ['3', '5', '15'],
      ['5', '5', '25'],
    ]);
    expect(doc.subtitle).toMatch(/^2 cells over tickets;/);
  });

  it('[15.3.37] compare: each pair’s sentence is a paragraph under the tests table, not a column of it', async () => {
    const doc = await buildCompareReport({ catalog, clock }, { run_ids: runIds });
    const section = doc.sections.find((s) => s.heading === 'Paired tests')!;
    const [table, ...rest] = section.blocks;
    expect(table!.type).toBe('table');
    const t = table as Extract<ReportBlock, { type: 'table' }>;
    expect(t.rows.every((r) => r.every((cell) => cell.length < 40))).toBe(true);
    expect(t.caption).toContain('over the 1 pair');
    const json = (await run(['compare', ...runIds, '--json'])).json();
    expect(rest).toEqual(json.pairs.map((p: any) => ({ type: 'paragraph', text: `${p.sentence}.` })));
  });

  it('[15.3.20] compare: the mean paired difference equals the mean of per-contest differences in the run files; the CSV carries them', async () => {
    const perContest = (id: string) => {
      const db = new Database(join(dir, 'runs', `${id}.sqlite`), { readonly: true });
      const rows = db.prepare('SELECT contest, hits_histogram FROM contests ORDER BY contest').all() as Array<{ contest: number; hits_histogram: string }>;
      db.close();
      return new Map(
        rows.map((r) => {
          const h = JSON.parse(r.hits_histogram.startsWith('[') ? r.hits_histogram : `[${r.hits_histogram.split(/[ ,]/).join(',')}]`) as number[];
          return [r.contest, h.reduce((s, x, i) => s + x * i, 0) / h.reduce((s, x) => s + x, 0)];
        }),
      );
    };
    const [a, b] = runIds.map(perContest) as [Map<number, number>, Map<number, number>];
    const diffs = [...a.keys()].map((c) => a.get(c)! - b.get(c)!);
    const mean = diffs.reduce((s, x) => s + x, 0) / diffs.length;
    const doc = await buildCompareReport({ catalog, clock }, { run_ids: runIds });
    expect(doc.kind).toBe('compare');
    const tests = tableOf(doc, 'Paired tests');
    expect(Number(tests.rows[0]![3])).toBeCloseTo(mean, 3);
    const [chart] = charts(doc);
    const summary = (chart!.spec.layer as Array<{ data: { values: Array<{ mean?: number }> } }>)[0]!.data.values[0]!;
    expect(summary.mean).toBeCloseTo(mean, 12);
    const json = (await run(['compare', ...runIds, '--json'])).json();
    expect(json.pairs[0].mean_diff).toBeCloseTo(mean, 12);
    expect(doc.headline).toContain(`${json.pairs[0].sentence}.`);
    // each run's figure beside its baseline, as `compare --json` has them
    const figures = tableOf(doc, 'Every figure beside its baseline').rows;
    expect(figures).toHaveLength(12 * 2);
    const meanHits = json.metrics.find((m: any) => m.metric === 'mean_hits');
    for (const v of meanHits.values) {
      const row = figures.find((r) => r[0]!.startsWith('mean_hits') && r[1] === v.run_id)!;
      expect([Number(row[3]), Number(row[4])]).toEqual([Number(v.value.toPrecision(4)), 0.3125]);
    }
    await drawsEveryChart(doc);
    // the server's way (a signal: files read one per turn, tests through the pool's path) gives the same document
    // (as JSON: vega tags the data rows it drew with a symbol)
    expect(JSON.stringify(await buildCompareReport({ catalog, clock, signal: new AbortController().signal }, { run_ids: runIds }))).toBe(JSON.stringify(doc));
    const csv = [...(await compareReportCsv({ catalog, clock }, { run_ids: runIds }))];
    expect(csv[0]).toBe(`contest,hits_${runIds[0]},hits_${runIds[1]},diff_${runIds[0]}_minus_${runIds[1]}\n`);
    expect(csv).toHaveLength(1 + 100);
    const csvDiffs = csv.slice(1).map((l) => Number(l.trimEnd().split(',')[3]));
    expect(csvDiffs).toEqual(diffs);
    await expect(buildCompareReport({ catalog, clock }, { run_ids: [runIds[0]!] })).rejects.toMatchObject({ code: 'E_INPUT_INVALID' });
  });

  it('[15.3.21] books: the closing balance is the opening plus the sum of the period’s entries, and the CSV lists exactly them', async () => {
    const deps = { catalog, clock };
    recordLedgerEntry(deps, { type: 'deposit', amount_cents: 20_000, date: '2020-01-01' });
    recordLedgerEntry(deps, { type: 'bet', contest: 4290, tickets: 3 });
    const bet = recordLedgerEntry(deps, { type: 'bet', contest: 4295, tickets: 2 });
    reverseLedgerEntry(deps, { id: bet.entry.id, reason: 'typo', date: '2020-10-25' });
    recordLedgerEntry(deps, { type: 'prize', contest: 4290, tier: 'duque', amount_cents: 404 });
    recordLedgerEntry(deps, { type: 'withdrawal', amount_cents: 5_000, date: '2020-11-15' });
    createBudget(deps, { name: 'autumn', amount_cents: 2_000, from: '2020-10-01', to: '2020-12-31' });
    const period = { from: '2020-10-01', to: '2020-11-30' };
    const doc = buildBooksReport(deps, period);
    const db = new Database(join(dir, 'catalog.sqlite'), { readonly: true });
    const sum = (where: string) => (db.prepare(`SELECT COALESCE(SUM(amount_cents), 0) AS s FROM ledger_entries WHERE ${where}`).get() as { s: number }).s;
    const opening = sum(`entry_date < '${period.from}'`);
    const inPeriod = sum(`entry_date >= '${period.from}' AND entry_date <= '${period.to}'`);
    const count = (db.prepare(`SELECT COUNT(*) AS n FROM ledger_entries WHERE entry_date BETWEEN ? AND ?`).get(period.from, period.to) as { n: number }).n;
    db.close();
    const brl = (c: number) => `${c < 0 ? '-' : ''}R$ ${Math.trunc(Math.abs(c) / 100)},${String(Math.abs(c) % 100).padStart(2, '0')}`;
    expect(doc.headline[0]).toContain(`Balance ${brl(opening)} at the start of ${period.from}, ${brl(opening + inPeriod)} at the end of ${period.to}`);
    const csv = [...booksReportCsv(deps, period)];
    expect(csv).toHaveLength(1 + count);
    expect(csv.slice(1).reduce((s, l) => s + Number(l.split(',')[3]), 0)).toBe(inPeriod);
    expect(tableOf(doc, 'Budgets used').rows.map((r) => r[0])).toEqual(['autumn']);
    await drawsEveryChart(doc);
    expect(charts(doc).map((c) => c.title)).toEqual(['Net per month', 'Balance over time', 'ROI against the expected ROI', 'Budgets: spent against the limit']);
  });

  it('[15.3.26] best hits per contest of a real run: the stored laws give the same band as recomputing them, the observed best is each contest’s top ticket', async () => {
    const rf = openRunFile(runFilePath(dir, runIds[0]!), { mustExist: true, readonly: true });
    try {
      const contests = rf.contests();
      const show = (await run(['runs', 'show', runIds[0]!, '--json'])).json();
      const stored = bestHitsPoints(contests, rf.iterateTickets(), TINY_RECIPE.numbers_per_ticket, show.seed);
      const recomputed = bestHitsPoints(
        contests.map((c) => ({ ...c, best_of: null })),
        rf.iterateTickets(),
        TINY_RECIPE.numbers_per_ticket,
        show.seed,
      );
      expect(contests.every((c) => c.best_of !== null)).toBe(true);
      expect(recomputed).toEqual(stored);
      const top = new Map<number, number>();
      for (const t of rf.iterateTickets()) top.set(t.contest, Math.max(top.get(t.contest) ?? 0, t.hits));
      expect(stored.map((p) => p.best_hits)).toEqual(contests.map((c) => top.get(c.contest)));
      // 3 tickets of 5 numbers: the expected best lies between one ticket's 25/80 and three times it
      for (const r of bestHitsRows(stored)) expect(r.expected).toBeGreaterThan(25 / 80);
      const svg = await renderChartSvg(bestHitsChart(stored));
      expect(svg).toContain('Best hits per contest');
    } finally {
      rf.close();
    }
  });
});
