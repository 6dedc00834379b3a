import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bestOfLaw, parseBestOfLaw } from '../../src/core/best-of.js';
import { probBestAtLeast } from '../../src/core/odds.js';
import { openRunFile } from '../../src/store/run-file.js';
import { summarizeRunFile } from '../../src/engine/summarize.js';
import { cli, tempDir } from '../helpers/cli.js';
import { makeDraws, seedDraws } from '../helpers/draws.js';

let dir: string;
let cleanup: () => void;
let recipeFile: string;

beforeAll(() => {
  ({ dir, cleanup } = tempDir());
  seedDraws(dir, makeDraws(4001, 4300));
  recipeFile = join(dir, 'pool.json');
  // 12 tickets drawn from the 12 best-ranked numbers: heavily overlapping, like the presets' tickets
  writeFileSync(
    recipeFile,
    JSON.stringify({ version: '2', name: 'pool', strategy: 'frequency', tickets: 12, numbers_per_ticket: 5, history: 100, seed: 5, params: { pool: 12 } }),
  );
});
afterAll(() => cleanup());

const run = (args: string[]) => cli(args, { dataDir: dir });
const runFile = (id: string) => join(dir, 'runs', `${id}.sqlite`);

describe('best-of baselines use the actual tickets', () => {
  it("[12.5.1] simulate stores each contest's law, and the summary, index, leaderboard and an old run file agree on it", { timeout: 120_000 }, async () => {
    const r = await run(['simulate', '--recipe', recipeFile, '--last', '60', '--threads', '2', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const s = r.json();
    const f = s.summary.baseline.figures;

    // every contest row carries the law of its own tickets, recomputable from them
    const db = new Database(runFile(s.run_id), { readonly: true });
    const rows = db.prepare('SELECT contest, best_of FROM contests ORDER BY contest').all() as Array<{ contest: number; best_of: string | null }>;
    const ticketsOf = db.prepare('SELECT numbers FROM tickets WHERE contest = ? ORDER BY ticket').pluck();
    expect(rows).toHaveLength(60);
    let sum2 = 0;
    for (const row of rows) {
      const law = parseBestOfLaw(row.best_of)!;
      expect(law.method).toBe('exact');
      const flat = (ticketsOf.all(row.contest) as string[]).flatMap((t) => t.split(' ').map(Number));
      expect(
        bestOfLaw(flat, 5, () => {
          throw new Error('sampled');
        }),
      ).toEqual(law);
      sum2 += law.p2;
    }
    db.close();
    expect(f.best_2plus.null_model).toBe('tickets-exact');
    expect(f.best_2plus.expected).toBeCloseTo(sum2 / 60, 12);
    // overlapping tickets: the law differs from the independent-tickets formula
    expect(Math.abs(f.best_2plus.expected - probBestAtLeast(5, 2, 12))).toBeGreaterThan(0.01);

    // the leaderboard ranks best_2plus against the same baseline and p-value (from the run index)
    const lb = (await run(['leaderboard', '--metric', 'best_2plus', '--json'])).json();
    const row = lb.rows.find((x: any) => x.run_id === s.run_id);
    expect(row.baseline).toBeCloseTo(f.best_2plus.expected, 12);
    expect(row.p_value).toBeCloseTo(f.best_2plus.p_value, 12);

    // A run file written before the column (NULL laws) and an index row without the baselines:
    // the laws are recomputed from the stored tickets, and the index is filled once.
    const w = new Database(runFile(s.run_id));
    w.prepare('UPDATE contests SET best_of = NULL').run();
    w.close();
    const cat = new Database(join(dir, 'catalog.sqlite'));
    // the index row built when the run ended holds the best-of lifts over these baselines
    expect(cat.prepare('SELECT best_2plus / lift_best_2plus FROM runs WHERE run_id = ?').pluck().get(s.run_id)).toBeCloseTo(f.best_2plus.expected, 12);
    cat.prepare('UPDATE runs SET best_of_baseline = NULL, lift_best_2plus = NULL, lift_best_3plus = NULL WHERE run_id = ?').run(s.run_id);
    cat.close();
    const rf = openRunFile(runFile(s.run_id), { mustExist: true, readonly: true });
    const again = summarizeRunFile(rf, 5, 12, 5).summary.baseline!.figures;
    rf.close();
    expect(again.best_2plus).toEqual(f.best_2plus);
    expect(again.best_3plus).toEqual(f.best_3plus);
    const lb2 = (await run(['leaderboard', '--metric', 'best_2plus', '--json'])).json();
    expect(lb2.rows.find((x: any) => x.run_id === s.run_id).baseline).toBeCloseTo(f.best_2plus.expected, 12);
    const cat2 = new Database(join(dir, 'catalog.sqlite'), { readonly: true });
    expect(cat2.prepare('SELECT best_of_baseline FROM runs WHERE run_id = ?').pluck().get(s.run_id)).not.toBeNull();
    // [12.5.5] the lifts lists order by are filled on the same path as the baselines
    expect(cat2.prepare('SELECT best_2plus / lift_best_2plus FROM runs WHERE run_id = ?').pluck().get(s.run_id)).toBeCloseTo(f.best_2plus.expected, 12);
    cat2.close();

    // A genuine version-1 run file (no best_of column at all) opens read-only and is recomputed the same way,
    // and a writable open migrates it (the column appears, empty).
    const v1 = new Database(runFile(s.run_id));
    v1.exec('ALTER TABLE contests DROP COLUMN best_of');
    v1.pragma('user_version = 1');
    v1.close();
    const ro = openRunFile(runFile(s.run_id), { mustExist: true, readonly: true });
    expect(summarizeRunFile(ro, 5, 12, 5).summary.baseline!.figures.best_2plus).toEqual(f.best_2plus);
    ro.close();
    openRunFile(runFile(s.run_id), { mustExist: true }).close();
    const rw = new Database(runFile(s.run_id));
    expect(rw.pragma('user_version', { simple: true })).toBe(2);
    expect(rw.prepare('SELECT COUNT(*) FROM contests WHERE best_of IS NULL').pluck().get()).toBe(60);
    rw.close();
  });
});
