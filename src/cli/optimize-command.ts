/** The `optimize` command's body: define and record a study (or pick one to resume), run it, report the verdict first. */
import { readClock } from '../clock.js';
import type { RangeRequest } from '../core/contest-range.js';
import type { MetricName } from '../core/metrics.js';
import type { OptimizeMethod } from '../core/optimize/spec.js';
import { ERROR_TABLE, LuckyError } from '../errors.js';
import type { StudyOutcome } from '../usecases/optimize.js';
import type { CliContext } from './context.js';
import { ensureDraws } from './ensure-draws.js';
import type { Format } from './output.js';
import { renderStudy } from './optimize-view.js';

export interface OptimizeArgs {
  specFile?: string | undefined;
  recipeFile?: string | undefined;
  preset?: string | undefined;
  params: string[];
  train?: string | undefined;
  holdout?: string | undefined;
  method?: OptimizeMethod | undefined;
  trials?: number | undefined;
  population?: number | undefined;
  generations?: number | undefined;
  mutationRate?: number | undefined;
  metric?: MetricName | undefined;
  holdoutTop?: number | undefined;
  seed?: number | undefined;
  name?: string | undefined;
  threads?: number | undefined;
  maxTrials?: number | undefined;
  deadline?: string | undefined;
  resume?: string | undefined;
  queue?: string | undefined;
  format: Format;
}

/** `--mutation-rate X`: a number in 0..1. */
export function parseMutationRate(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const x = Number(value.trim());
  if (value.trim() === '' || !Number.isFinite(x) || x < 0 || x > 1)
    throw new LuckyError('E_USAGE', `--mutation-rate must be a number from 0 to 1, got "${value}"`);
  return x;
}

/** `A..B` (or `last:N` where allowed) as a contest range; E_RANGE_INVALID otherwise. */
export function parseSpanFlag(name: string, value: string | undefined, allowLast: boolean): RangeRequest | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  const last = /^last:(\d{1,6})$/.exec(v);
  if (last && allowLast) {
    const n = Number(last[1]);
    if (n < 1) throw new LuckyError('E_RANGE_INVALID', `--${name} last:N needs N >= 1`);
    return { last: n };
  }
  const m = /^(\d{1,9})\.\.(\d{1,9})$/.exec(v);
  if (!m) throw new LuckyError('E_RANGE_INVALID', `--${name} "${value}" is not a contest range: use A..B${allowLast ? ' or last:N' : ''} (e.g. 4001..4300)`);
  const from = Number(m[1]);
  const to = Number(m[2]);
  if (from < 1 || from > to) throw new LuckyError('E_RANGE_INVALID', `--${name} ${from}..${to}: the first contest must be >= 1 and not after the last`);
  return { from, to };
}

/** Creates (or picks, with --resume) a study, runs it on one pool, prints the outcome; exit 6 with failed trials, 130 on Ctrl-C. */
export async function runOptimizeCommand(ctx: CliContext, a: OptimizeArgs): Promise<void> {
  if (a.format === 'csv') throw new LuckyError('E_USAGE', 'optimize prints --json or --ndjson');
  const { parseDuration } = await import('../core/duration.js');
  const deadlineMs = a.deadline === undefined ? undefined : parseDuration('deadline', a.deadline);
  const threads = a.threads ?? ctx.config().values.threads;
  const optimize = await import('../usecases/optimize.js');
  const catalog = await ctx.catalog();
  let studyId: string;
  if (a.resume) {
    if (a.specFile !== undefined) throw new LuckyError('E_USAGE', '--resume takes the study id only: the spec, ranges and seed come from the catalog');
    studyId = a.resume;
  } else {
    const plan = optimize.defineStudy({
      cwd: ctx.io.cwd,
      specFile: a.specFile,
      recipeFile: a.recipeFile,
      preset: a.preset,
      params: a.params,
      train: parseSpanFlag('train', a.train, true),
      holdout: parseSpanFlag('holdout', a.holdout, false) as { from: number; to: number } | undefined,
      method: a.method,
      trials: a.trials,
      population: a.population,
      generations: a.generations,
      mutationRate: a.mutationRate,
      metric: a.metric,
      holdoutTop: a.holdoutTop,
      seed: a.seed,
      name: a.name,
    });
    await ensureDraws(ctx);
    const created = optimize.createStudy({ catalog, clock: readClock() }, plan);
    for (const n of created.notes) ctx.out.warn(n);
    studyId = created.study_id;
    ctx.out.info(`study ${studyId}: ${created.method} search, ${created.trials_planned} trials planned`);
  }
  const config = ctx.config(a.queue !== undefined ? { queue_url: a.queue } : {}).values;
  const { createPredictPool } = await import('../engine/pool.js');
  const pool = createPredictPool(threads);
  ctx.onCleanup(() => pool.close());
  const progress = a.format === 'table' ? await ctx.out.progress(`study ${studyId}`, 'trials') : undefined;
  let outcome: StudyOutcome;
  try {
    const now = () => new Date(readClock().now);
    outcome = await optimize.runStudy(
      { catalog, pool, now, signal: ctx.signal, config },
      {
        study_id: studyId,
        max_trials: a.maxTrials,
        deadline_ms: deadlineMs,
        onProgress: (p) =>
          progress?.update(
            p.trials_done + p.trials_failed,
            p.trials_planned,
            `${p.generation === null ? '' : `  generation ${p.generation}`}${p.best && p.best.value !== null ? `  best so far trial ${p.best.trial} (${p.best.value.toFixed(4)})` : ''}`,
          ),
        onTrial: a.format === 'ndjson' ? (t) => ctx.out.ndjson({ type: 'trial', ...t }) : undefined,
        log: (line) => ctx.out.info(line),
      },
    );
  } catch (e) {
    progress?.stop();
    if (e instanceof LuckyError && e.code === 'E_QUEUE_DOWN')
      ctx.out.warn(`study ${studyId} stopped; once Redis is back continue it with: luckyfive optimize --resume ${studyId}`);
    throw e;
  }
  progress?.stop();
  const doc = optimize.showStudy({ catalog }, { study_id: studyId });
  const summary = {
    study_id: outcome.study_id,
    name: outcome.name,
    status: outcome.status,
    complete: outcome.complete,
    stop_reason: outcome.stop_reason,
    trials_planned: outcome.trials_planned,
    trials_done: outcome.trials_done,
    trials_failed: outcome.trials_failed,
    trials_run: outcome.trials_run,
    generations_done: outcome.generations_done,
    elapsed_ms: outcome.elapsed_ms,
    best_so_far: doc.best_so_far,
    looks: doc.looks,
    verdict: doc.verdict,
  };
  if (a.format === 'json') ctx.out.json(summary);
  else if (a.format === 'ndjson') ctx.out.ndjson({ type: 'study', ...summary });
  else renderStudy(ctx, doc, 10);
  for (const e of outcome.holdout_errors) ctx.out.warn(e);
  if (outcome.stop_reason === 'interrupted') {
    ctx.out.warn(`study ${studyId} stopped; continue it with: luckyfive optimize --resume ${studyId}`);
    ctx.exitCode = ERROR_TABLE.E_INTERRUPTED.exit;
    return;
  }
  if (!outcome.complete) {
    const why = outcome.stop_reason === 'max_cells' ? `--max-trials after starting ${outcome.trials_run} trial(s)` : '--deadline';
    ctx.out.info(`stopped by ${why}: ${outcome.trials_done} trials done; continue with: luckyfive optimize --resume ${studyId}`);
    return;
  }
  if (outcome.status === 'completed_with_failures') {
    throw new LuckyError(
      'E_CELLS_FAILED',
      `study ${studyId} completed with ${outcome.trials_failed} failed trial(s)${outcome.holdout_errors.length ? ' and holdout failures' : ''}`,
      [
        ...doc.trials
          .filter((t) => t.status === 'failed')
          .slice(0, 10)
          .map((t) => `trial ${t.trial}: ${t.error ?? 'failed'}`),
        `see: luckyfive optimize show ${studyId}`,
      ],
    );
  }
}
