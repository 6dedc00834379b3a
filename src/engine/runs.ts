/**
 * Run-level operations beside simulate: show, export, delete, import (re-register a copied
 * file) and verify (recompute contests and compare).
 */
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { basename, relative } from 'node:path';
import { buildHistory, historyWindow } from '../core/draw.js';
import { predictTickets } from '../core/predictor/index.js';
import { type Recipe, parseRecipe, recipeHash } from '../core/recipe/schema.js';
import { type ErrorCode, LuckyError } from '../errors.js';
import type { Catalog } from '../store/catalog.js';
import { makePrivate } from '../store/private-files.js';
import { type TicketRow, openRunFile, parseRunId, readRunFile, runFilePath, runsDir } from '../store/run-file.js';
import { deleteRun as deleteRunRow, getRun, insertRun, requireRun, updateRun } from '../store/runs-repo.js';
import { planRun } from './plan.js';
import type { PredictPool } from './pool.js';
import { type AuditDifference, type RunAudit, auditRunFile } from './run-audit.js';
import { buildRunIndexFigures } from './run-index.js';
import type { RunReport } from './simulate.js';

/** Streams every ticket of a run in (contest, ticket) order. */
export function* iterateTickets(catalog: Catalog, runId: string): Generator<TicketRow> {
  requireRun(catalog.db, runId);
  const rf = openRunFile(runFilePath(catalog.dataDir, runId), { mustExist: true, readonly: true });
  try {
    yield* rf.iterateTickets();
  } finally {
    rf.close();
  }
}

/** The stored report of a run (from its file), with the index row's current status. */
export function readRunReport(catalog: Catalog, runId: string): RunReport | undefined {
  const row = requireRun(catalog.db, runId);
  const file = runFilePath(catalog.dataDir, runId);
  if (!existsSync(file)) throw new LuckyError('E_DATA_MISSING', `the file of run ${runId} is missing (${file}); \`luckyfive maintain --repair\` marks it`);
  const s = readRunFile(file, (rf) => rf.readSummary() as RunReport | undefined);
  return s ? { ...s, status: row.status, file } : undefined;
}

/**
 * Deletes a run's file and index row together. A run some live process is executing is refused
 * (E_BUSY); an `interrupted` one (its process is gone) is deleted like any other.
 */
export function deleteRun(catalog: Catalog, runId: string): void {
  const file = runFilePath(catalog.dataDir, parseRunId(runId));
  deleteRunRow(catalog.db, runId, () => {
    for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  });
}

export interface ImportedRun {
  run_id: string;
  /** false when the run was made on other draws than the catalog's for its range (dataset hash) */
  same_draws: boolean;
  /** what the user should know (printed on stderr, listed in --json) */
  warnings: string[];
}

/** What {@link checkRunFile} found in a run file: plain data, so a pool thread can hand it back. */
export interface CheckedRunFile {
  meta: Record<string, string>;
  summary: RunReport | undefined;
  recipe: Recipe;
  audit: RunAudit;
}

/**
 * Checks a run file without a catalog: its integrity, that it is a luckyfive run file, that its
 * recipe matches its recipe hash, and every stored figure recomputed from its contests and
 * tickets (the costly part: the exact best-of law of each contest). E_DATA_INVALID naming the
 * first differences. Pure of any shared state, so a pool thread may run it (`tasks.worker.ts`).
 */
export function checkRunFile(source: string): CheckedRunFile {
  if (!existsSync(source)) throw new LuckyError('E_NOT_FOUND', `no such file: ${source}`);
  const probe = openRunFile(source, { mustExist: true, readonly: true });
  let meta: Record<string, string>;
  let summary: RunReport | undefined;
  let recipe: Recipe;
  let audit: RunAudit;
  try {
    const ok = probe.integrityCheck();
    if (ok !== 'ok') throw new LuckyError('E_DATA_INVALID', `${basename(source)} fails its integrity check: ${ok}`);
    meta = probe.readMeta();
    summary = probe.readSummary() as RunReport | undefined;
    recipe = parseRecipe(JSON.parse(meta.recipe_json ?? 'null'));
    audit = auditRunFile(probe, recipe.numbers_per_ticket, recipe.tickets, recipe.seed, summary, meta.engine_version);
  } catch (e) {
    probe.close();
    if (e instanceof LuckyError) throw e;
    throw new LuckyError('E_DATA_INVALID', `${basename(source)} is not a luckyfive run file`, [(e as Error).message]);
  }
  probe.close();
  const runId = parseRunId(meta.run_id ?? '');
  if (recipeHash(recipe) !== meta.recipe_hash) throw new LuckyError('E_DATA_INVALID', `run ${runId}: recipe hash does not match its recipe`);
  if (audit.differences.length > 0) throw figuresDiffer(runId, audit.differences);
  return { meta, summary, recipe, audit };
}

/**
 * Re-registers a run file copied from elsewhere: validates it (integrity, recipe hash, and its
 * stored figures recomputed from its contests and tickets: E_DATA_INVALID on any difference),
 * copies it into the data dir and indexes it from the recomputed totals. A run made on other
 * draws than the catalog's is imported with a warning.
 * `checked`: what {@link checkRunFile} already found in `source` (on a pool thread), else it is
 * checked here.
 */
export function importRunFile(catalog: Catalog, source: string, checked?: CheckedRunFile): ImportedRun {
  const { meta, summary, recipe, audit } = checked ?? checkRunFile(source);
  const runId = parseRunId(meta.run_id ?? '');
  if (getRun(catalog.db, runId)) throw new LuckyError('E_CONFLICT', `run ${runId} is already in the catalog`);
  const target = runFilePath(catalog.dataDir, runId);
  if (existsSync(target)) throw new LuckyError('E_CONFLICT', `a file for run ${runId} already exists at ${target}`);
  const first = Number(meta.first_contest);
  const last = Number(meta.last_contest);
  const warnings: string[] = [];
  let sameDraws = true;
  try {
    if (planRun(catalog.db, { from: first, to: last }, recipe.history).dataset_hash !== meta.dataset_hash) {
      sameDraws = false;
      warnings.push(
        `run ${runId} was made on other draws than this catalog holds for contests ${first}..${last} (dataset hash differs): its figures are not comparable with runs made here`,
      );
    }
  } catch (e) {
    if (!(e instanceof LuckyError)) throw e;
    sameDraws = false;
    warnings.push(`run ${runId} covers contests ${first}..${last}, which this catalog cannot check (${e.message}): it was made on other draws`);
  }
  mkdirSync(runsDir(catalog.dataDir), { recursive: true });
  copyFileSync(source, target);
  makePrivate(target);
  const status = (meta.status ?? 'cancelled') as RunReport['status'];
  insertRun(catalog.db, {
    run_id: runId,
    name: meta.name ?? null,
    sweep_id: null,
    recipe_hash: meta.recipe_hash!,
    recipe_json: meta.recipe_json!,
    strategy: recipe.strategy,
    seed: recipe.seed,
    numbers_per_ticket: recipe.numbers_per_ticket,
    tickets_per_contest: recipe.tickets,
    dataset_hash: meta.dataset_hash ?? null,
    engine_version: meta.engine_version ?? 'unknown',
    first_contest: first,
    last_contest: last,
    status: status === 'running' ? 'cancelled' : status,
    contests_planned: summary?.contests ?? 0,
    synthetic: meta.synthetic === '1' ? 1 : 0,
    file: relative(catalog.dataDir, target),
    created_at: meta.created_at ?? new Date(0).toISOString(),
    started_at: meta.created_at ?? null,
  });
  // The index row comes from the recomputed totals, never from the stored summary's numbers.
  if (summary) updateRun(catalog.db, runId, { finished_at: meta.finished_at ?? null, ...buildRunIndexFigures(audit.totals) });
  else updateRun(catalog.db, runId, { contests_done: audit.totals.contests, tickets: audit.totals.tickets });
  return { run_id: runId, same_draws: sameDraws, warnings };
}

function figuresDiffer(runId: string, differences: readonly AuditDifference[]): LuckyError {
  return new LuckyError('E_DATA_INVALID', `run ${runId}: its stored figures do not match its own contests and tickets (the file was edited or damaged)`, [
    ...differences.slice(0, 10).map(describeDifference),
    ...(differences.length > 10 ? [`... and more (${differences.length >= 50 ? 'at least ' : ''}${differences.length} in all)`] : []),
  ]);
}

export function describeDifference(d: AuditDifference): string {
  return `${d.path}: stored ${JSON.stringify(d.stored)}, recomputed ${JSON.stringify(d.recomputed)}`;
}

export interface VerifyReport {
  run_id: string;
  checked: number;
  differences: Array<{ contest: number; ticket: number; stored: string; recomputed: string }>;
  /** the file's stored figures (hits, histograms, summary) against what its contests and tickets give */
  figure_differences: AuditDifference[];
  dataset_changed: boolean;
  ok: boolean;
}

/**
 * Recomputes `sample` contests of a run (all when undefined) from the catalog's draws and the
 * stored recipe and compares every ticket. Deterministic sample: evenly spaced contests. The
 * file's stored figures are always audited in full against its own contests and tickets.
 */
export function verifyRun(catalog: Catalog, runId: string, sample?: number): VerifyReport {
  requireRun(catalog.db, runId);
  const rf = openRunFile(runFilePath(catalog.dataDir, runId), { mustExist: true, readonly: true });
  try {
    const meta = rf.readMeta();
    const recipe = parseRecipe(JSON.parse(meta.recipe_json ?? 'null'));
    const plan = planRun(catalog.db, { from: Number(meta.first_contest), to: Number(meta.last_contest) }, recipe.history);
    const history = buildHistory(plan.draws);
    const stored = rf.contestNumbers();
    const pick =
      sample === undefined || sample >= stored.length ? stored : Array.from({ length: sample }, (_, i) => stored[Math.floor((i * stored.length) / sample)]!);
    const indexOf = new Map(plan.targets.map((d, i) => [d.contest, plan.target_index[i]!]));
    const differences: VerifyReport['differences'] = [];
    for (const contest of pick) {
      const end = indexOf.get(contest);
      const rows = rf.contestTickets(contest);
      const fresh = end === undefined ? [] : predictTickets(historyWindow(history, end, recipe.history), recipe, contest);
      const n = Math.max(rows.length, fresh.length);
      for (let i = 0; i < n; i++) {
        const a = rows[i]?.numbers.join(' ') ?? '(none)';
        const b = fresh[i]?.numbers.join(' ') ?? '(none)';
        if (a !== b) differences.push({ contest, ticket: i, stored: a, recomputed: b });
      }
    }
    const dataset_changed = plan.dataset_hash !== meta.dataset_hash;
    const audit = auditRunFile(rf, recipe.numbers_per_ticket, recipe.tickets, recipe.seed, rf.readSummary(), meta.engine_version);
    const figure_differences = audit.differences;
    return {
      run_id: runId,
      checked: pick.length,
      differences,
      figure_differences,
      dataset_changed,
      ok: differences.length === 0 && figure_differences.length === 0 && !dataset_changed,
    };
  } finally {
    rf.close();
  }
}

/** A {@link checkRunFile} on a pool thread: its result, or its refusal as plain data (a thread's error loses its code). */
export type CheckRunFileOutcome = { ok: true; checked: CheckedRunFile } | { ok: false; code: ErrorCode; message: string; details: string[] };

/** The pool task behind {@link checkRunFileOn}: never throws a LuckyError across the thread boundary. */
export function checkRunFileTask(task: { path: string }): CheckRunFileOutcome {
  try {
    return { ok: true, checked: checkRunFile(task.path) };
  } catch (e) {
    if (e instanceof LuckyError) return { ok: false, code: e.code, message: e.message, details: [...e.details] };
    throw e;
  }
}

/**
 * {@link checkRunFile} on a thread of `pool` when it runs tasks (the coordinator of a queued sweep
 * checks several returned run files at once), else here. The same result and refusals.
 */
export async function checkRunFileOn(pool: PredictPool | undefined, path: string): Promise<CheckedRunFile> {
  if (!pool?.runTask) return checkRunFile(path);
  const outcome = await pool.runTask('checkRunFile', { path });
  if (!outcome.ok) throw new LuckyError(outcome.code, outcome.message, outcome.details);
  return outcome.checked;
}
