import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../helpers/cli.js';
import { makeDraws, seedDraws } from '../helpers/draws.js';

let home: { dir: string; cleanup: () => void };
let other: { dir: string; cleanup: () => void };
let work: { dir: string; cleanup: () => void };
let recipeFile: string;
let original: Record<string, any>;

beforeAll(async () => {
  home = tempDir();
  other = tempDir();
  work = tempDir();
  seedDraws(home.dir, makeDraws(4001, 4300));
  recipeFile = join(work.dir, 'q.json');
  writeFileSync(recipeFile, JSON.stringify({ version: '2', name: 'q', strategy: 'random', tickets: 6, numbers_per_ticket: 5, history: 50, seed: 1 }));
  const r = await cli(['simulate', '--recipe', recipeFile, '--from', '4201', '--to', '4260', '--threads', '1', '--json'], { dataDir: home.dir });
  expect(r.code, r.stderr).toBe(0);
  original = r.json();
});
afterAll(() => {
  home.cleanup();
  other.cleanup();
  work.cleanup();
});

/** A copy of the run file, edited by `edit`. */
function editedCopy(name: string, edit: (db: Database.Database) => void): string {
  const copy = join(work.dir, `${name}.sqlite`);
  copyFileSync(join(home.dir, 'runs', `${original.run_id}.sqlite`), copy);
  const db = new Database(copy);
  edit(db);
  db.close();
  return copy;
}
const editSummary = (db: Database.Database, change: (s: any) => void) => {
  const s = JSON.parse((db.prepare('SELECT json FROM summary WHERE id = 1').get() as { json: string }).json);
  change(s);
  db.prepare('UPDATE summary SET json = ? WHERE id = 1').run(JSON.stringify(s));
};
const fresh = () => {
  const t = tempDir();
  seedDraws(t.dir, makeDraws(4001, 4300));
  return t;
};

describe('runs import and verify recompute the figures', () => {
  it('[12.3.5] runs import refuses a run file whose stored summary was edited (mean_hits 4.9): exit 4, nothing registered', async () => {
    const forged = editedCopy('forged', (db) => editSummary(db, (s) => (s.summary.mean_hits = 4.9)));
    const target = fresh();
    try {
      const r = await cli(['runs', 'import', forged], { dataDir: target.dir });
      expect(r.code).toBe(4);
      expect(r.stderr).toMatch(/E_DATA_INVALID|do not match/);
      expect(r.stderr).toMatch(/summary\.mean_hits: stored 4\.9, recomputed 0\.\d+/);
      expect((await cli(['runs', 'list', '--json'], { dataDir: target.dir })).json().runs).toEqual([]);
      expect((await cli(['leaderboard', '--json'], { dataDir: target.dir })).stdout).not.toContain(original.run_id);
    } finally {
      target.cleanup();
    }
  });

  it('[12.3.5] runs import refuses a file whose ticket hits and contest histogram were edited consistently with its summary', async () => {
    const forged = editedCopy('hits', (db) => {
      const c = original.first_contest;
      db.prepare('UPDATE tickets SET hits = 5 WHERE contest = ? AND ticket = 0').run(c);
    });
    const target = fresh();
    try {
      const r = await cli(['runs', 'import', forged], { dataDir: target.dir });
      expect(r.code).toBe(4);
      expect(r.stderr).toMatch(new RegExp(`contest ${original.first_contest} ticket 0 hits: stored 5`));
    } finally {
      target.cleanup();
    }
  });

  it('[12.3.5] runs verify --all reports an edited summary in place (exit 4)', async () => {
    const ok = await cli(['runs', 'verify', original.run_id, '--all', '--json'], { dataDir: home.dir });
    expect(ok.code, ok.stdout).toBe(0);
    expect(ok.json()).toMatchObject({ ok: true, figure_differences: [] });
    const file = join(home.dir, 'runs', `${original.run_id}.sqlite`);
    const keep = join(work.dir, 'keep.sqlite');
    copyFileSync(file, keep);
    try {
      const db = new Database(file);
      editSummary(db, (s) => (s.summary.mean_hits = 4.9));
      db.close();
      const bad = await cli(['runs', 'verify', original.run_id, '--all', '--json'], { dataDir: home.dir });
      expect(bad.code).toBe(4);
      expect(bad.json().ok).toBe(false);
      expect(bad.json().figure_differences).toContainEqual({ path: 'summary.mean_hits', stored: 4.9, recomputed: original.summary.mean_hits });
      const human = await cli(['runs', 'verify', original.run_id, '--all'], { dataDir: home.dir });
      expect(human.code).toBe(4);
      expect(human.stdout).toMatch(/^DIFFERENT/);
    } finally {
      copyFileSync(keep, file);
    }
  });

  it('[12.3.5] an imported run has the same index row as the original, p-value included', async () => {
    const copy = editedCopy('clean', () => {});
    const target = fresh();
    try {
      const r = await cli(['runs', 'import', copy, '--json'], { dataDir: target.dir });
      expect(r.code, r.stderr).toBe(0);
      expect(r.json()).toMatchObject({ run_id: original.run_id, imported: true, same_draws: true, warnings: [] });
      expect(r.stderr).toBe('');
      const row = (await cli(['runs', 'list', '--json'], { dataDir: target.dir })).json().runs[0];
      const was = (await cli(['runs', 'list', '--json'], { dataDir: home.dir })).json().runs.find((x: { run_id: string }) => x.run_id === original.run_id);
      expect(row.p_value).not.toBeNull();
      for (const k of [
        'p_value',
        'mean_hits',
        'rate_2',
        'best_2plus',
        'contests_done',
        'tickets',
        'cost_cents',
        'prize_cents',
        'net_cents',
        'roi_pct',
        'max_drawdown_cents',
        'win_rate',
        'status',
      ]) {
        expect(row[k], k).toEqual(was[k]);
      }
    } finally {
      target.cleanup();
    }
  });

  it('[12.5.6-import] importing a run made on other draws warns on stderr and says so in --json', async () => {
    seedDraws(other.dir, makeDraws(4001, 4300, 7));
    const copy = editedCopy('elsewhere', () => {});
    const human = await cli(['runs', 'import', copy], { dataDir: other.dir });
    expect(human.code, human.stderr).toBe(0);
    expect(human.stderr).toMatch(/made on other draws/);
    await cli(['runs', 'delete', original.run_id], { dataDir: other.dir });
    const json = await cli(['runs', 'import', copy, '--json'], { dataDir: other.dir });
    expect(json.code, json.stderr).toBe(0);
    expect(json.json()).toMatchObject({ run_id: original.run_id, same_draws: false });
    expect(json.json().warnings[0]).toMatch(/other draws than this catalog holds for contests 4201\.\.4260/);
  });
});
