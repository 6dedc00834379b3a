/**
 * The cron operator's journey on the built CLI: a nightly sweep stopped by its deadline and
 * finished by `--resume`, a simulation killed with SIGKILL and resumed to the very tickets of an
 * uninterrupted run, maintenance, and a backup verified by restoring it into a fresh data dir.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STEP_MS, haveBuiltCli, journeyDir, lf, lfJson, lfOut } from './helpers/journey.js';

/** The books key lives apart from the data (a secret store, the crontab's environment): a backup never holds it. */
const env = { LUCKYFIVE_BOOKS_KEY: 'journey-books-key-0123456789-abcdefghijklmnop' };

describe.runIf(haveBuiltCli())('[17.5.2] journey: the cron operator', () => {
  let root = '';
  let dir = '';
  let cleanup = () => {};
  const started = Date.now();
  let sweepId = '';
  beforeAll(() => {
    ({ dir: root, cleanup } = journeyDir('cron'));
    dir = join(root, 'data');
  });
  afterAll(() => {
    console.info(`cron operator journey: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    cleanup();
  });

  it(
    '[17.5.2] a nightly sweep with --deadline 2s exits 0, incomplete, stop_reason deadline; --resume finishes it',
    async () => {
      mkdirSync(dir);
      expect((await lfJson(dir, ['import', '--sample'], { env })).inserted).toBe(2000);
      const args = ['sweep', '--preset', 'aggressive', '--param', 'hill_iter=150,300', '--param', 'history=100,300', '--last', '20', '--seed', '4'];
      const t0 = Date.now();
      const stopped = await lf(dir, [...args, '--deadline', '2s', '--json'], { env });
      expect(stopped.code, stopped.stderr).toBe(0);
      const s = stopped.json();
      expect(s).toMatchObject({ complete: false, stop_reason: 'deadline', status: 'stopped', cells_total: 4, cells_failed: 0 });
      expect(s.cells_done).toBeLessThan(4);
      expect(Date.now() - t0).toBeLessThan(20_000);
      expect(stopped.stderr).toContain(`luckyfive sweep --resume ${s.sweep_id}`);
      sweepId = s.sweep_id;
      const listed = (await lfJson(dir, ['sweep', 'list'], { env })).sweeps.find((x: any) => x.sweep_id === sweepId);
      expect(listed).toMatchObject({ status: 'stopped', complete: false });

      const resumed = await lf(dir, ['sweep', '--resume', sweepId, '--json'], { env });
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.json()).toMatchObject({ sweep_id: sweepId, complete: true, status: 'completed', cells_done: 4, cells_failed: 0, stop_reason: null });
      const show = await lfJson(dir, ['sweep', 'show', sweepId], { env });
      expect(show.cells.map((c: any) => c.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
      const runs = (await lfJson(dir, ['runs', 'list', '--sweep', sweepId, '--limit', '0'], { env })).runs as any[];
      expect(runs).toHaveLength(4);
      for (const r of runs) expect(r).toMatchObject({ status: 'completed', contests_done: 20, contests_planned: 20 });

      // a cell finished by --resume holds the tickets the same recipe gives in one uninterrupted simulate
      const cell = runs.find((r) => r.recipe.params.hill_iter === 300)!;
      const recipeFile = join(root, 'cell.json');
      writeFileSync(recipeFile, JSON.stringify(cell.recipe));
      const fresh = await lfJson(dir, ['simulate', '--recipe', recipeFile, '--from', String(cell.first_contest), '--to', String(cell.last_contest)], { env });
      expect(await lfOut(dir, ['runs', 'export', fresh.run_id, '--format', 'csv'], { env })).toBe(
        await lfOut(dir, ['runs', 'export', cell.run_id, '--format', 'csv'], { env }),
      );
    },
    STEP_MS,
  );

  it(
    '[17.5.2] a simulate killed with SIGKILL mid-run is interrupted; --resume gives the tickets of an uninterrupted run, byte for byte',
    async () => {
      const sim = ['simulate', '--preset', 'aggressive', '--last', '25', '--seed', '7'];
      let contests = 0;
      const killed = await lf(dir, [...sim, '--ndjson'], {
        env,
        onStdout: (all) => (contests = all.split('\n').filter((l) => l.includes('"type":"contest"')).length) >= 5,
      });
      expect(killed.signal).toBe('SIGKILL');
      const runId = JSON.parse(killed.stdout.split('\n')[0]!).run_id as string;
      const interrupted = (await lfJson(dir, ['runs', 'list', '--status', 'interrupted'], { env })).runs.map((r: any) => r.run_id);
      expect(interrupted).toContain(runId);
      const shown = await lfJson(dir, ['runs', 'list', '--limit', '0'], { env });
      const before = shown.runs.find((r: any) => r.run_id === runId);
      // every contest it printed before the kill was on disk
      expect(contests).toBeGreaterThanOrEqual(5);
      expect(before.contests_done).toBeGreaterThanOrEqual(contests);
      expect(before.contests_done).toBeLessThan(25);

      const resumed = await lf(dir, ['simulate', '--resume', runId, '--json'], { env });
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.json()).toMatchObject({ run_id: runId, status: 'completed', contests: 25 });
      const whole = await lfJson(dir, sim, { env });
      const a = await lfOut(dir, ['runs', 'export', runId, '--format', 'csv'], { env });
      const b = await lfOut(dir, ['runs', 'export', whole.run_id, '--format', 'csv'], { env });
      expect(a.split('\n')).toHaveLength(25 * 30 + 2);
      expect(a).toBe(b);
      expect(resumed.json().summary).toEqual(whole.summary);
      expect(resumed.json().finance).toEqual(whole.finance);
      // resuming a completed run is refused, and changes nothing
      expect((await lf(dir, ['simulate', '--resume', runId], { env })).code).toBe(4);
    },
    STEP_MS,
  );

  it(
    '[17.5.2] maintenance: checks, ANALYZE and VACUUM pass on the catalog and every run file',
    async () => {
      const m = await lf(dir, ['maintain', '--json'], { env });
      expect(m.code, m.stderr).toBe(0);
      const report = m.json();
      const runFiles = (await lfJson(dir, ['runs', 'list', '--limit', '0'], { env })).runs.length;
      expect(report.files).toHaveLength(1 + runFiles);
      for (const f of report.files) expect(f).toMatchObject({ status: 'ok', checks: { integrity: 'ok', foreign_keys: 'ok' } });
      const v = await lf(dir, ['maintain', '--vacuum', '--json'], { env });
      expect(v.code, v.stderr).toBe(0);
      expect(v.json().files.every((f: any) => f.status === 'ok')).toBe(true);
    },
    STEP_MS,
  );

  it(
    '[17.5.2] maintain backup, verified by a restore into a fresh data dir: the same digest and the same runs',
    async () => {
      const backups = join(root, 'backups');
      const b = await lfJson(dir, ['maintain', 'backup', backups], { env });
      expect(b.dir.startsWith(backups)).toBe(true);
      const runIds = (await lfJson(dir, ['runs', 'list', '--limit', '0'], { env })).runs.map((r: any) => r.run_id).sort();
      expect(b.manifest.files).toHaveLength(1 + runIds.length);
      expect(b.manifest.files[0]).toMatchObject({ path: 'catalog.sqlite', integrity: 'ok' });
      expect(b.manifest.files[0].tables.draws).toBe(2000);

      const fresh = join(root, 'restored');
      mkdirSync(fresh);
      const r = await lf(fresh, ['maintain', 'restore', b.dir, '--json'], { env });
      expect(r.code, r.stderr).toBe(0);
      expect(r.json().files).toBe(1 + runIds.length);
      const digest = async (d: string) => (await lfJson(d, ['maintain', 'digest'], { env })).files;
      const original = await digest(dir);
      expect(original.find((f: any) => f.file === 'catalog.sqlite').tables.draws.rows).toBe(2000);
      expect(await digest(fresh)).toEqual(original);
      expect((await lfJson(fresh, ['runs', 'list', '--limit', '0'], { env })).runs.map((x: any) => x.run_id).sort()).toEqual(runIds);
      // the restored run files are whole: a run's tickets are recomputed and match
      const verify = await lf(fresh, ['runs', 'verify', runIds[0], '--sample', '5', '--json'], { env });
      expect(verify.code, verify.stderr).toBe(0);
      expect(verify.json().ok).toBe(true);
    },
    STEP_MS,
  );
});
