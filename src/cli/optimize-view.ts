/** `optimize list`, `optimize show` and `optimize holdout`: reading studies back, for scripts (--json) and people, the verdict first. */
import type { SweepStatus } from '../core/sweep/status.js';
import { formatMetric } from '../core/ranking.js';
import { formatPValue } from '../core/stats.js';
import { cellLabel } from '../core/sweep/apply-params.js';
import { readClock } from '../clock.js';
import type { StudyDocument } from '../usecases/optimize.js';
import type { CliContext } from './context.js';
import type { Format } from './output.js';

const p = (v: number | null) => (v === null ? '-' : formatPValue(v));

/** `12/50 trials done`, or for an evolutionary search whose children repeated earlier trials `20 of 26 distinct trials done (40 planned; a repeat counts once)`. */
function trialCount(d: StudyDocument): string {
  if (d.method === 'random' || !d.search_done || d.trials_total === d.trials_planned) return `${d.trials_done}/${d.trials_planned} trials done`;
  return `${d.trials_done} of ${d.trials_total} distinct trials done (${d.trials_planned} planned; a repeat counts once)`;
}

/** A study for people: the verdict sentence first, then the best trials and every look at the holdout. */
export function renderStudy(ctx: CliContext, d: StudyDocument, top: number): void {
  const out = ctx.out;
  out.text(d.verdict.sentence);
  out.text(
    `study ${d.study_id} "${d.name}" (${d.status}): ${d.method} search, ${trialCount(d)}, ${d.trials_failed} failed; train ${d.train.from}..${d.train.to}, holdout ${d.holdout.from}..${d.holdout.to}`,
  );
  out.text(`${d.metric}: ${d.metric_description}`);
  const ranked = d.trials.filter((t) => t.rank !== null && t.value !== null).sort((a, b) => a.rank! - b.rank!);
  const shown = ranked.slice(0, top);
  out.table(
    ['rank', 'trial', 'gen', 'params', d.metric, 'expected', 'p', `holdout ${d.holdout_metric}`, 'holdout expected', 'holdout p', 'look'],
    shown.map((t) => [
      t.rank,
      t.trial,
      t.generation ?? '-',
      cellLabel(t.params),
      formatMetric(d.metric, t.value),
      formatMetric(d.metric, t.baseline),
      p(t.p_value),
      t.holdout ? formatMetric(d.holdout_metric, t.holdout.value) : '',
      t.holdout ? formatMetric(d.holdout_metric, t.holdout.baseline) : '',
      t.holdout ? p(t.holdout.p_value) : '',
      t.holdout ? t.holdout.look : '',
    ]),
    // narrow: rank, params, value, expected, p and the holdout figures stay
    { drop: [10, 2, 8, 1] },
  );
  if (ranked.length > shown.length) out.text(`(${ranked.length - shown.length} more trials; the verdict counts all ${d.verdict.trials_counted})`);
  for (const l of d.looks) {
    out.text(
      `look ${l.look} at the holdout (${l.at}): top ${l.top}, ran trial${l.trials.length === 1 ? '' : 's'} ${l.trials.join(', ') || 'none'}${l.reason ? ` — ${l.reason}` : ''}`,
    );
  }
  if (d.looks.length === 0) out.text('the holdout has not been looked at yet');
}

/** `optimize list`: newest first, with progress. */
export async function listStudiesCommand(ctx: CliContext, a: { status?: SweepStatus | undefined; limit: number; format: Format }): Promise<void> {
  const { listStudies } = await import('../usecases/optimize.js');
  // one more than the limit says whether the list was cut
  const read = listStudies({ catalog: await ctx.catalog() }, { status: a.status, limit: a.limit === 0 ? undefined : a.limit + 1 });
  const items = a.limit === 0 ? read : read.slice(0, a.limit);
  if (a.format === 'json') return ctx.out.json({ studies: items, count: items.length });
  ctx.out.table(
    ['study_id', 'name', 'method', 'status', 'trials', 'failed', 'train', 'holdout', 'created_at'],
    items.map((s) => [
      s.study_id,
      s.name,
      s.method ?? '-',
      s.status,
      `${s.trials_done}/${s.trials_planned ?? '?'}`,
      s.trials_failed,
      `${s.train.from}..${s.train.to}`,
      s.holdout ? `${s.holdout.from}..${s.holdout.to}` : '-',
      s.created_at,
    ]),
    { drop: [8, 5, 2, 7, 6], keep: [0] },
  );
  if (read.length > items.length) ctx.out.limited(items.length, 'studies');
}

/** `optimize show`: the study document (JSON) or the verdict and the best trials. */
export async function showStudyCommand(ctx: CliContext, a: { id: string; top: number; format: Format }): Promise<void> {
  const { showStudy } = await import('../usecases/optimize.js');
  const doc = showStudy({ catalog: await ctx.catalog() }, { study_id: a.id });
  if (a.format === 'json') return ctx.out.json(doc);
  renderStudy(ctx, doc, a.top);
}

/** `optimize holdout ID --top N`: a recorded further look at the holdout. */
export async function lookAgainCommand(
  ctx: CliContext,
  a: { id: string; top: number; reason?: string | undefined; threads?: number | undefined; format: Format },
): Promise<void> {
  const { lookAgain } = await import('../usecases/optimize.js');
  const { createPredictPool } = await import('../engine/pool.js');
  const pool = createPredictPool(a.threads ?? ctx.config().values.threads);
  ctx.onCleanup(() => pool.close());
  const doc = await lookAgain(
    { catalog: await ctx.catalog(), pool, now: () => new Date(readClock().now), signal: ctx.signal },
    { study_id: a.id, top: a.top, reason: a.reason },
  );
  ctx.out.warn(`look ${doc.looks.length} at the holdout of study ${doc.study_id} is recorded; the verdict counts every look`);
  if (a.format === 'json') return ctx.out.json(doc);
  renderStudy(ctx, doc, a.top);
}
